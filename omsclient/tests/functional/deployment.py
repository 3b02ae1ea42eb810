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

"""A deployment of the reference service of one test's own.

Crash and concurrency tests kill and start workers at will, which the
stack's own service (shared by every test) must not suffer. A
:class:`Deployment` is the reference service as an operator runs it, in
real processes: ``openmultistack-api`` (no auth) and as many
``openmultistack-worker`` processes as the test starts, on a PostgreSQL
schema of its own in the stack's database server (dropped afterwards).
Its ``[worker] resource_prefix`` is unique, so what it creates on the
stack's Nova providers (key pairs and servers ``<prefix>-<queue id>``)
is told apart from everything else there.
"""

import json
import os
import signal
import socket
import subprocess
import textwrap
import typing
import uuid

import fixtures
import requests
import sqlalchemy as sa

from omsclient.tests.functional import base

# The fields of an account the service takes, from stack.json's providers.
ACCOUNT_FIELDS = ('provider', 'driver', 'auth_url', 'username', 'password',
                  'tenant_name', 'tenant_id', 'region_name', 'version',
                  'user_domain_name', 'project_domain_name')
# A safety net for a process that does not come up, not a measurement.
START_TIMEOUT = 90
# The fault injection driver of tools/stack/providers (omsstack_providers.
# hold), installed in the test environments only.
HELD_DRIVER = 'held'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Process:
    """One process of the deployment; its output goes to ``log``."""

    def __init__(self, name: str, argv: list[str], log: str):
        self.name = name
        self.log = log
        with open(log, 'ab') as out:
            self.popen = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        with open(self.log, errors='replace') as log:
            return log.read()

    def wait_for_output(self, text: str, timeout: float = START_TIMEOUT):
        def seen():
            if not self.alive() and text not in self.output():
                raise AssertionError('%s exited with %s:\n%s' % (
                    self.name, self.popen.returncode, self.output()[-3000:]))
            return text in self.output()
        base.wait_for(seen, timeout, '%r in the output of %s'
                      % (text, self.name), interval=0.1)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.alive():
            self.popen.send_signal(sig)

    def wait(self, timeout: float) -> int:
        return self.popen.wait(timeout)

    def stop(self) -> None:
        """Whatever happened in the test: the process is gone after."""
        if self.alive():
            self.popen.kill()
        self.popen.wait(60)


class Deployment(fixtures.Fixture):
    """The reference service in a schema of its own; see the module doc.

    :param stack: the stack description (``stack.json``).
    :param worker_options: ``[worker]`` options of every worker.
    """

    def __init__(self, stack: dict, **worker_options):
        super().__init__()
        self.stack = stack
        self.worker_options = worker_options
        self.workers: list[Process] = []
        # The driver the accounts of driver held wrap.
        self.held_driver = 'simulated'

    def _setUp(self):
        token = uuid.uuid4().hex[:10]
        self.prefix = 'ft%s' % token
        self.schema = 'oms_ft_%s' % token
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.markers = os.path.join(self.dir, 'markers')
        os.mkdir(self.markers)
        self.logs = os.environ.get('OMS_TEST_LOG_DIR') or self.dir

        # Connections checked before use: a test may restart PostgreSQL.
        admin = sa.create_engine(self.stack['postgres']['url'],
                                 pool_pre_ping=True)
        self.addCleanup(admin.dispose)
        with admin.begin() as connection:
            connection.execute(sa.text('CREATE SCHEMA %s' % self.schema))
        self.addCleanup(self._drop_schema, admin)
        url = sa.engine.make_url(self.stack['postgres']['url'])
        url = url.update_query_dict(
            {'options': '-csearch_path=%s' % self.schema})
        self.database_url = url.render_as_string(hide_password=False)
        self.engine = sa.create_engine(url, pool_pre_ping=True)
        self.addCleanup(self.engine.dispose)

        port = free_port()
        self.api_url = 'http://127.0.0.1:%d' % port
        self.config = self._write('openmultistack.conf', textwrap.dedent('''\
            [DEFAULT]
            auth_strategy = noauth
            state_dir = {dir}

            [database]
            connection = {db}

            [api]
            host = 127.0.0.1
            port = {port}

            [worker]
            resource_prefix = {prefix}
            ''').format(dir=self.dir, db=self.database_url, port=port,
                        prefix=self.prefix))
        for command in (['keys', 'setup'], ['db', 'sync']):
            manage = subprocess.run(
                [base.executable('openmultistack-manage'), '--config-file',
                 self.config] + command, capture_output=True, text=True,
                timeout=START_TIMEOUT)
            if manage.returncode:
                raise AssertionError('%s failed:\n%s'
                                     % (' '.join(command), manage.stderr))
        self.api = self._process('api', [
            base.executable('openmultistack-api'), '--config-file',
            self.config])
        base.wait_for(lambda: self._answers('/api/'), START_TIMEOUT,
                      'the API of the deployment', interval=0.2)
        self.http = requests.Session()
        self.addCleanup(self.http.close)

    def _drop_schema(self, admin):
        self.engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text('DROP SCHEMA %s CASCADE'
                                       % self.schema))

    def _write(self, name: str, text: str) -> str:
        path = os.path.join(self.dir, name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'w') as out:
            out.write(text)
        return path

    def _process(self, name: str, argv: list[str]) -> Process:
        log = os.path.join(self.logs, '%s-%s.log' % (self.prefix, name))
        process = Process(name, argv, log)
        self.addCleanup(process.stop)
        return process

    def _answers(self, path: str) -> bool:
        if not self.api.alive():
            raise AssertionError('the API exited:\n%s'
                                 % self.api.output()[-3000:])
        try:
            requests.get(self.api_url + path, timeout=5)
        except requests.ConnectionError:
            return False
        return True

    # The API ----------------------------------------------------------

    def call(self, method: str, path: str, expect: int, **kwargs):
        response = self.http.request(method, self.api_url + path,
                                     timeout=60, **kwargs)
        if response.status_code != expect:
            raise AssertionError('%s %s: expected %d, got %d: %s' % (
                method, path, expect, response.status_code,
                response.text[:2000]))
        return response.json() if response.content else None

    def add_account(self, **fields) -> dict:
        return self.call('POST', '/api/accounts/', 201, json=fields)

    def add_nova_accounts(self, held: bool = False) -> list[str]:
        """The stack's Nova providers, as accounts of this deployment.

        ``held``: through the ``held`` driver of the tests, so that
        workers started with ``hold_at`` hold there (see
        :meth:`start_worker`).
        """
        for provider in self.stack['nova'].values():
            fields = {name: provider[name] for name in ACCOUNT_FIELDS
                      if provider.get(name) is not None}
            if held:
                self.held_driver = fields['driver']
                fields['driver'] = HELD_DRIVER
            self.add_account(**fields)
        return sorted(self.stack['nova'])

    def add_simulated_accounts(self, count: int,
                               boot_seconds: float) -> None:
        for index in range(count):
            name = 'sim-%s' % chr(ord('a') + index)
            self.add_account(
                provider=name, driver='simulated',
                auth_url='simulated://%s?boot_seconds=%s'
                % (name, boot_seconds),
                username='simulated', password='simulated',
                tenant_name='demo', region_name='RegionOne')

    def create_entry(self, **fields) -> int:
        return self.call('POST', '/api/queues/', 201, json=fields)['id']

    def entry(self, queue_id: int) -> typing.Optional[dict]:
        response = self.http.get(
            '%s/api/queues/%d/' % (self.api_url, queue_id), timeout=60)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.json()

    def wait_for_status(self, queue_id: int, status: str,
                        timeout: float = 180) -> dict:
        def reached():
            entry = self.entry(queue_id)
            if entry and entry['status'] == 'FAILED' != status:
                raise AssertionError('entry %d FAILED: %s'
                                     % (queue_id, entry))
            return entry if entry and entry['status'] == status else None
        return base.wait_for(reached, timeout, 'entry %d to reach %s'
                             % (queue_id, status), interval=0.2)

    def wait_until_gone(self, queue_id: int, timeout: float = 180) -> None:
        base.wait_for(lambda: self.entry(queue_id) is None, timeout,
                      'entry %d to be deleted' % queue_id, interval=0.2)

    # The database -------------------------------------------------------

    def rows(self, sql: str, **params) -> list:
        with self.engine.connect() as connection:
            return list(connection.execute(sa.text(sql), params))

    def row(self, queue_id: int):
        found = self.rows('SELECT status, claimed_by, lease_expires '
                          'FROM queues WHERE id = :id', id=queue_id)
        return found[0] if found else None

    def events(self, queue_id: int) -> list[str]:
        return [row.desc for row in self.rows(
            'SELECT "desc" FROM events WHERE queue_id = :id ORDER BY id',
            id=queue_id)]

    # Workers ------------------------------------------------------------

    def start_worker(self, name: str, wait: bool = True,
                     hold_at: typing.Sequence[str] = (),
                     hold_seconds: typing.Optional[float] = None,
                     config: str = '', **options) -> Process:
        """An ``openmultistack-worker`` with ``[worker] worker_id = name``.

        ``options`` are added to the deployment's ``[worker]`` options;
        ``hold_at`` and ``hold_seconds`` hold the calls to the accounts of
        driver ``held`` (see :func:`hold_conf`), with markers in
        :attr:`markers`; ``config`` is more configuration, as a file's
        text.
        """
        values = dict(self.worker_options, worker_id=name, **options)
        lines = ['[worker]'] + ['%s = %s' % (key, value)
                                for key, value in values.items()]
        text = '\n'.join(lines) + '\n' + config
        text += hold_conf(self.held_driver, hold_at, self.markers,
                          hold_seconds)
        extra = self._write('worker-%s.conf' % name, text)
        worker = self._process('worker-%s' % name, [
            base.executable('openmultistack-worker'), '--config-file',
            self.config, '--config-file', extra])
        self.workers.append(worker)
        if wait:
            self.wait_started(worker)
        return worker

    @staticmethod
    def wait_started(worker: Process) -> None:
        worker.wait_for_output('Worker %s started'
                               % worker.name.split('-', 1)[1])

    def wait_marker(self, point: str, queue_id: int,
                    timeout: float = 180) -> dict:
        """The marker a worker held at ``point`` wrote (``held``)."""
        path = os.path.join(self.markers, '%s-%d.json' % (point, queue_id))
        base.wait_for(lambda: os.path.exists(path), timeout,
                      'a worker to hold entry %d at %s' % (queue_id, point),
                      interval=0.1)
        with open(path) as marker:
            return json.load(marker)

    def key_name(self, queue_id: int) -> str:
        return '%s-%d' % (self.prefix, queue_id)


def hold_conf(driver: str, points: typing.Sequence[str], markers: str,
              seconds: typing.Optional[float] = None) -> str:
    """The ``held`` driver's options, as a configuration file's text.

    The accounts of driver ``held`` are served by ``driver``. A call named
    in ``points`` (``import-keypair``, ``boot``, ``first-get``, ``active``,
    ``delete-server``: see ``omsstack_providers.hold``) writes its marker
    into ``markers`` and holds: for ``seconds``, else for the provider
    timeout, then fails as timed out.
    """
    lines = ['[held_provider]', 'driver = %s' % driver,
             'hold_at = %s' % ','.join(points),
             'marker_dir = %s' % markers]
    if seconds is not None:
        lines.append('hold_seconds = %s' % seconds)
    return '\n'.join(lines) + '\n'


def nova_view(novas: dict, prefix: str) -> dict:
    """What a deployment owns on each Nova, as Nova itself lists it.

    :returns: ``{provider: {'servers': {id: (key_name, queue id tag)},
        'keypairs': {name}}}`` for the servers and key pairs named after
        ``prefix``.
    """
    view = {}
    mark = prefix + '-'
    for provider, nova in novas.items():
        servers = {
            server.id: (server.key_name,
                        server.metadata.get('openmultistack_queue_id'))
            for server in nova.servers.list()
            if (server.key_name or '').startswith(mark) or
            server.name.startswith(mark)}
        keypairs = {keypair.name for keypair in nova.keypairs.list()
                    if keypair.name.startswith(mark)}
        view[provider] = {'servers': servers, 'keypairs': keypairs}
    return view
