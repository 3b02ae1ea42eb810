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

"""Run every command and API call against misbehaving endpoints.

``python -m omsclient.tests.misbehaviour_driver <port> <name>...`` runs,
for each misbehaviour name of :mod:`omsclient.tests.broken_server` served
on ``127.0.0.1:<port>``, every ``openstack`` command of the plugins
(python-openstackclient's real ``main``, in this process to pay its start
once) and every call of the Python API, and prints one JSON line per
case: its exit status, stdout, stderr and whether it raised.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import sys
import tempfile
import traceback
from typing import Any

from omsclient.tests import broken_server

#: Seconds each request may wait: short, so that stalls cost little.
TIMEOUT = '1'

COMMANDS = [
    'multistack queue create',
    'multistack queue create --wait --timeout 2',
    'multistack queue list',
    'multistack queue list --limit 2 --status RUN',
    'multistack queue show 1',
    'multistack queue delete 1',
    'multistack queue delete 1 --wait --timeout 2',
    'multistack account create --provider p --password pw',
    'multistack account list',
    'multistack account show 1',
    'multistack account set 1 --region r',
    'multistack account delete 1',
    'multistack instance list',
    'multistack instance show 1',
    'multistack instance key save 1 --file {tmp}/key',
    'metric rabbit show',
    'metric rabbit list users',
    'metric log list',
    'metric log list --all',
    # What reaches a terminal: the human formats, not only JSON.
    'multistack queue list -f value',
    'multistack queue show 1 -f table',
    'metric rabbit list users -f value',
    'metric log list -f table',
]


def _api_calls(endpoint: str) -> dict[str, Any]:
    from omsclient import client
    from omsclient.metering import client as metering

    oms = client.Client('1', endpoint=endpoint, token=broken_server.TOKEN,
                        timeout=float(TIMEOUT), retry_delay=0)
    cclient = metering.get_client('2', endpoint=endpoint,
                                  token=broken_server.TOKEN,
                                  timeout=float(TIMEOUT))
    return {
        'queues.list': lambda: list(oms.queues.list()),
        'queues.list(limit)': lambda: list(oms.queues.list(limit=2,
                                                           status='RUN')),
        'queues.get': lambda: oms.queues.get(1),
        'queues.create': oms.queues.create,
        'queues.delete': lambda: oms.queues.delete(1),
        'queues.wait': lambda: oms.queues.wait(1, timeout=2, interval=0.5),
        'accounts.list': lambda: list(oms.accounts.list()),
        'accounts.get': lambda: oms.accounts.get(1),
        'instances.list': lambda: list(oms.instances.list()),
        'instances.get': lambda: oms.instances.get(1),
        'rabbit.get': lambda: cclient.rabbit.get('overview'),
        'rabbit.list': lambda: list(cclient.rabbit.list('users')),
        'logs.list': lambda: list(cclient.logs.list()),
        'logs.list_all': lambda: list(cclient.logs.list_all()),
    }


def _captured(run: Any) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    root.handlers.clear()
    result: dict[str, Any] = {'raised': None}
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result['rc'] = run()
        except SystemExit as exc:
            result['rc'] = exc.code
        except Exception as exc:
            result['raised'] = type(exc).__module__ + '.' + type(exc).__name__
            result['message'] = str(exc)
            result['traceback'] = traceback.format_exc()
    result.update(stdout=out.getvalue(), stderr=err.getvalue())
    return result


def _cli(command: str, endpoint: str, tmp: str) -> dict[str, Any]:
    from openstackclient import shell

    # A password in the endpoint must never be shown.
    endpoint = endpoint.replace(
        'http://', 'http://admin:%s@' % broken_server.PASSWORD)
    argv = ['--os-auth-type', 'admin_token',
            '--os-token', broken_server.TOKEN, '--os-endpoint', endpoint,
            '--os-multistack-timeout', TIMEOUT,
            '--os-oms-metering-timeout', TIMEOUT]
    argv += command.format(tmp=tmp).split()
    if (any(verb in command for verb in (' list', ' show', ' create'))
            and ' -f ' not in command):
        argv += ['-f', 'json']
    _forget_clients()
    return _captured(lambda: shell.main(argv))


def _forget_clients() -> None:
    # osc-lib caches each plugin's client on the ClientManager class, for
    # the life of the process; every command here needs its own.
    from osc_lib import clientmanager

    for value in vars(clientmanager.ClientManager).values():
        if hasattr(value, '_handle'):
            value._handle = None


def main(port: int, names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            endpoint = 'http://127.0.0.1:%d/%s' % (port, name)
            for command in COMMANDS:
                result = _cli(command, endpoint, tmp)
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(tmp, 'key'))
                print(json.dumps(dict(result, case=name, what=command)),
                      flush=True)
            for call, run in _api_calls(endpoint).items():
                # What the caller would print: the result's repr.
                result = _captured(lambda run=run: print(repr(run())))
                result.pop('rc', None)
                print(json.dumps(dict(result, case=name, what=call)),
                      flush=True)


if __name__ == '__main__':
    main(int(sys.argv[1]), sys.argv[2:])
