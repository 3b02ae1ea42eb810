# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.


"""Record the transcripts of the user guide from a real service.

Starts ``openmultistack-all`` (SQLite in a fresh state directory, the
simulated provider, no Keystone) on 127.0.0.1, runs every ``openstack
multistack`` and ``openstack metric`` command of the user guide through
the real ``openstack`` executable, and writes what a terminal would show
to ``doc/source/user/transcripts/<name>.txt``::

    python doc/tools/make_transcripts.py [--stack-file .stack/run/stack.json]

``metric rabbit`` needs a RabbitMQ management API: ``--rabbit-url``
(with ``--rabbit-user``, and the password in ``OMS_RABBIT_PASSWORD``), or
the functional stack's file (``tools/stack/stackctl.py start`` writes
it). Run it again whenever a command's output changes, and commit the
transcripts with that change.
"""

import argparse
import json
import os
import pathlib
import secrets
import shlex
import subprocess
import sys
import tempfile
import time

import requests

from omsclient import client
from omsclient.tests.bench import service_process

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / 'doc' / 'source' / 'user' / 'transcripts'
EXAMPLES = ROOT / 'doc' / 'source' / 'user' / 'examples'
HOST = '127.0.0.1'


class Recorder:
    """Run commands as a user would and keep what the terminal shows."""

    def __init__(self, out: pathlib.Path, env: dict[str, str],
                 cwd: pathlib.Path):
        self.out = out
        self.env = env
        self.cwd = cwd
        self.bindir = pathlib.Path(sys.executable).parent

    def run(self, name: str, *argv: str, show_status: bool = False) -> str:
        return self.shell(name, shlex.join(argv), show_status)

    def shell(self, name: str, line: str, show_status: bool = False,
              cwd: pathlib.Path | None = None) -> str:
        """Run a shell command line; record it and what it printed."""
        env = dict(self.env)
        env['PATH'] = '%s:%s' % (self.bindir, env['PATH'])
        proc = subprocess.run(
            ['bash', '-c', line], env=env, cwd=cwd or self.cwd,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, check=False, timeout=300)
        text = '$ %s\n%s' % (line, proc.stdout)
        if show_status or proc.returncode:
            text += '$ echo $?\n%d\n' % proc.returncode
        (self.out / ('%s.txt' % name)).write_text(text)
        print('recorded %s (exit %d)' % (name, proc.returncode))
        return proc.stdout


def _rabbit(args) -> dict[str, str]:
    if args.rabbit_url:
        return {'url': args.rabbit_url, 'username': args.rabbit_user,
                'password': os.environ.get('OMS_RABBIT_PASSWORD', 'guest')}
    stack_file = args.stack_file or os.environ.get('OMS_STACK_FILE')
    if stack_file and pathlib.Path(stack_file).exists():
        rabbit = json.loads(pathlib.Path(stack_file).read_text())['rabbitmq']
        return {'url': rabbit['management_url'].rstrip('/') + '/api/',
                'username': rabbit['username'],
                'password': rabbit['password']}
    return {}


def _clouds_yaml(path: pathlib.Path, api: str, metering: str) -> None:
    path.write_text(
        'clouds:\n'
        '  oms-local:\n'
        '    auth_type: none\n'
        '    multistack_endpoint_override: %s\n'
        '    metering_endpoint_override: %s\n' % (api, metering))


def _wait_for_rabbit(metering: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(metering + '/v2/rabbit/overview',
                            timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    print('RabbitMQ management API not reachable: recording the errors')


def without_clouds(rec: Recorder) -> Recorder:
    """A recorder whose commands find no clouds.yaml.

    Its endpoint overrides would win over ``--os-endpoint``, and the
    openstack command also reads a clouds.yaml in the current directory.
    """
    cwd = rec.cwd / 'no-clouds'
    cwd.mkdir(exist_ok=True)
    env = dict(rec.env, OS_CLIENT_CONFIG_FILE=str(cwd / 'clouds.yaml'))
    del env['OS_CLOUD']
    return Recorder(rec.out, env, cwd)


def record(rec: Recorder, api: str, metering: str) -> None:
    oms = client.Client('1', endpoint=api)

    def newest_queue_id() -> int:
        return max(entry.id for entry in oms.queues.list())

    # Queues.
    rec.run('queue-create', 'openstack', 'multistack', 'queue', 'create')
    rec.run('queue-create-wait', 'openstack', 'multistack', 'queue',
            'create', '--wait')
    running = newest_queue_id()
    rec.run('queue-create-json', 'openstack', 'multistack', 'queue',
            'create', '--name', 'web-1', '--wait', '-f', 'json')
    rec.run('queue-list', 'openstack', 'multistack', 'queue', 'list')
    # Without clouds.yaml: the endpoint on the command line.
    bare = without_clouds(rec)
    bare.run('noauth-endpoint', 'openstack', '--os-auth-type', 'none',
             '--os-endpoint', api, 'multistack', 'queue', 'list')
    rec.run('queue-list-long', 'openstack', 'multistack', 'queue', 'list',
            '--long')
    rec.run('queue-list-status', 'openstack', 'multistack', 'queue', 'list',
            '--status', 'RUN', '-f', 'value', '-c', 'ID', '-c',
            'IP Address')
    rec.run('queue-list-limit', 'openstack', 'multistack', 'queue', 'list',
            '--limit', '1', '--marker', str(running - 1))
    rec.run('queue-show', 'openstack', 'multistack', 'queue', 'show',
            str(running))
    rec.run('queue-show-json', 'openstack', 'multistack', 'queue', 'show',
            str(running), '-f', 'json')
    rec.run('queue-show-name', 'openstack', 'multistack', 'queue', 'show',
            'web-1', '-c', 'ID', '-c', 'Status', '-c', 'Name', '-c',
            'IP Address')
    # The metering API's URL given for the multistack API.
    bare.run('wrong-endpoint', 'openstack', '--os-auth-type', 'none',
             '--os-endpoint', metering, 'multistack', 'queue', 'list')

    # Instances.
    instance = next(iter(oms.instances.list()))
    rec.run('instance-list', 'openstack', 'multistack', 'instance', 'list')
    rec.run('instance-list-long', 'openstack', 'multistack', 'instance',
            'list', '--long')
    rec.run('instance-show', 'openstack', 'multistack', 'instance', 'show',
            str(instance.id))
    rec.run('instance-key-save', 'openstack', 'multistack', 'instance',
            'key', 'save', '--file', 'instance.pem', str(instance.id))
    rec.run('instance-key-save-ls', 'ls', '-l', 'instance.pem')
    rec.run('instance-key-save-again', 'openstack', 'multistack',
            'instance', 'key', 'save', '--file', 'instance.pem',
            str(instance.id))

    # Deleting, and what an unknown id looks like.
    rec.run('queue-delete', 'openstack', 'multistack', 'queue', 'delete',
            '--wait', str(running), show_status=True)
    rec.run('queue-show-missing', 'openstack', 'multistack', 'queue',
            'show', str(running))
    rec.run('queue-delete-partial', 'openstack', 'multistack', 'queue',
            'delete', str(running), str(newest_queue_id()))

    # Accounts.
    rec.run('account-list', 'openstack', 'multistack', 'account', 'list')
    # The password comes from the environment, never from the transcript.
    rec.shell('account-create',
              'openstack multistack account create --provider lab '
              '--driver simulated --username demo '
              '--password "$LAB_PASSWORD" '
              '--auth-url simulated://lab --tenant-name demo '
              '--region RegionOne --compute-api-version 2.1')
    account = max(oms.accounts.list(), key=lambda a: a.id)
    rec.run('account-set', 'openstack', 'multistack', 'account', 'set',
            '--status', 'unavailable', str(account.id), show_status=True)
    rec.run('account-show', 'openstack', 'multistack', 'account', 'show',
            str(account.id))
    rec.run('account-list-long', 'openstack', 'multistack', 'account',
            'list', '--long')
    rec.run('account-delete', 'openstack', 'multistack', 'account',
            'delete', str(account.id), show_status=True)

    # Requirements instead of names, and the providers they run on.
    rec.run('requirements-queue-create', 'openstack', 'multistack',
            'queue', 'create', '--min-ram', '4096', '--image-property',
            'os_distro=ubuntu', '--wait', '-c', 'ID', '-c', 'Status', '-c',
            'Min RAM', '-c', 'Image Properties', '-c', 'Flavor Chosen', '-c',
            'Image Chosen', '-c', 'Skipped')
    rec.run('requirements-queue-failed', 'openstack', 'multistack', 'queue',
            'create', '--min-ram', '999999999', '--wait', '-c', 'ID', '-c',
            'Status', '-c', 'Skipped')
    rec.run('provider-list', 'openstack', 'multistack', 'provider', 'list')
    rec.run('provider-show', 'openstack', 'multistack', 'provider', 'show',
            'simulated-a', '-f', 'json', '-c', 'Instances')

    # Failover: the first provider is down, the next one boots.
    rec.run('failover-account-set', 'openstack', 'multistack', 'account',
            'set', '--tenant-name', 'unreachable', '1')
    rec.run('failover-queue-create', 'openstack', 'multistack', 'queue',
            'create', '--wait', '-c', 'ID', '-c', 'Status', '-c',
            'Provider', '-c', 'IP Address')
    rec.run('failover-log', 'openstack', 'metric', 'log', 'list',
            '--limit', '4')
    # Every provider refuses: the entry fails, with the reason.
    rec.shell('failed-account-set',
              'for account in 2 3; do openstack multistack account set '
              '--tenant-name fail $account; done')
    rec.run('failed-queue-create', 'openstack', 'multistack', 'queue',
            'create', '--wait', '-c', 'ID', '-c', 'Status', '-c', 'Fault')
    rec.run('failed-queue-list', 'openstack', 'multistack', 'queue',
            'list', '--status', 'FAILED', '--long', '-c', 'ID', '-c',
            'Status', '-c', 'Fault')
    for account in (1, 2, 3):
        oms.accounts.update(account, tenant_name='demo')
    # A --timeout shorter than a boot.
    rec.run('queue-create-timeout', 'openstack', 'multistack', 'queue',
            'create', '--wait', '--timeout', '1', '-c', 'ID')

    # Monitoring. The RabbitMQ of a functional stack may be restarting
    # (its tests stop it on purpose): wait for it, a minute at most.
    _wait_for_rabbit(metering)
    rec.run('metric-rabbit-show', 'openstack', 'metric', 'rabbit', 'show')
    rec.run('metric-rabbit-list-users', 'openstack', 'metric', 'rabbit',
            'list', 'users')
    rec.run('metric-rabbit-list-queues', 'openstack', 'metric', 'rabbit',
            'list', 'queues')
    rec.run('metric-rabbit-list-exchanges', 'openstack', 'metric', 'rabbit',
            'list', 'exchanges')
    rec.run('metric-rabbit-list-exchanges-value', 'openstack', 'metric',
            'rabbit', 'list', 'exchanges', '-f', 'value', '-c', 'name', '-c',
            'type', '--limit', '3')
    rec.run('metric-rabbit-list-nodes', 'openstack', 'metric', 'rabbit',
            'list', 'nodes', '-f', 'yaml')
    rec.run('metric-log-list', 'openstack', 'metric', 'log', 'list',
            '--limit', '8')
    rec.run('metric-log-list-page', 'openstack', 'metric', 'log', 'list',
            '--page', '2', '-f', 'json')


def record_python(rec: Recorder) -> None:
    """Run the Python API guide's example scripts."""
    for name in ('queues', 'metering'):
        rec.shell('python-%s' % name, 'python %s.py' % name, cwd=EXAMPLES)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--api-port', type=int, default=8765)
    parser.add_argument('--metering-port', type=int, default=8777)
    parser.add_argument('--stack-file',
                        help="the functional stack's stack.json, for its "
                             'RabbitMQ')
    parser.add_argument('--rabbit-url')
    parser.add_argument('--rabbit-user', default='guest')
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    api = 'http://%s:%d' % (HOST, args.api_port)
    metering = 'http://%s:%d' % (HOST, args.metering_port)
    with tempfile.TemporaryDirectory(prefix='oms-transcripts-') as tmp:
        work = pathlib.Path(tmp)
        config = work / 'openmultistack.conf'
        sections = {
            'DEFAULT': {'state_dir': work / 'state'},
            'api': {'host': HOST, 'port': args.api_port},
            'metering': {'host': HOST, 'port': args.metering_port},
        }
        rabbit = _rabbit(args)
        if rabbit:
            sections['rabbit_management'] = rabbit
        service_process.write_config(config, sections)
        _clouds_yaml(work / 'clouds.yaml', api, metering)
        env = {'PATH': os.environ['PATH'], 'HOME': tmp, 'LANG': 'C.UTF-8',
               'LAB_PASSWORD': secrets.token_urlsafe(12),
               'OS_CLIENT_CONFIG_FILE': str(work / 'clouds.yaml'),
               'OS_CLOUD': 'oms-local', 'COLUMNS': '100'}
        with service_process.running('openmultistack-all', config,
                                     api + '/api/', work / 'all.log'):
            recorder = Recorder(OUT, env, work)
            record(recorder, api, metering)
            if (args.api_port, args.metering_port) == (8765, 8777):
                record_python(recorder)
    return 0


if __name__ == '__main__':
    sys.exit(main())
