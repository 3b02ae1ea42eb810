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

"""Part 5: a long list printed by the ``openstack`` command.

A loopback server plays the RabbitMQ management API with 5,000 queues
(``--queues``); ``openmultistack-metering-api`` (no authentication, one
process) relays them. Three commands are timed in turn, ``--runs`` times:

``openstack --version``
    what every ``openstack`` run costs before any command;
``openstack metric rabbit list queues -f value``
    the list through the metering API, printed;
``curl``
    the same list through the metering API, written to ``/dev/null``:
    what the service and the transfer cost alone.

The figure that counts is the list command's time beyond
``openstack --version``, against the time of ``curl``.
"""

import http.server
import json
import os
import pathlib
import shutil
import sys
import threading
from typing import Any

from omsclient.tests.bench import common
from omsclient.tests.bench import service_process

NAME = 'cli'
QUEUES = 5000
TARGET = 1.2


def queue(number: int) -> dict[str, Any]:
    """One queue record shaped like RabbitMQ's ``GET /api/queues``."""
    return {
        'name': 'notifications.info.%05d' % number, 'vhost': '/',
        'durable': True, 'auto_delete': False, 'exclusive': False,
        'arguments': {'x-queue-type': 'classic'}, 'node': 'rabbit@bench',
        'state': 'running', 'type': 'classic', 'consumers': number % 3,
        'messages': number % 17, 'messages_ready': number % 17,
        'messages_unacknowledged': 0, 'memory': 10952 + number,
        'policy': None, 'exclusive_consumer_tag': None,
        'idle_since': '2016-08-09T02:29:34.461Z',
        'message_stats': {'publish': number, 'publish_details':
                          {'rate': 0.0}},
    }


class _Management(http.server.ThreadingHTTPServer):
    """Answers ``GET /api/queues`` with ``count`` queues."""

    daemon_threads = True

    def __init__(self, count: int) -> None:
        self.body = json.dumps([queue(n) for n in range(count)]).encode()
        super().__init__((common.LOOPBACK, 0), _Handler)
        self.thread = threading.Thread(target=self.serve_forever,
                                       daemon=True)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server: _Management

    def do_GET(self) -> None:
        found = self.path.split('?')[0].rstrip('/') == '/api/queues'
        body = self.server.body if found else b'{"error": "not found"}'
        self.send_response(200 if found else 404)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def _openstack() -> str | None:
    path = pathlib.Path(sys.executable).with_name('openstack')
    return str(path) if path.exists() else shutil.which('openstack')


def _missing() -> str | None:
    if not shutil.which('curl'):
        return 'curl is not installed'
    if _openstack() is None:
        return 'the openstack command is not installed'
    return service_process.missing('openmultistack-metering-api',
                                   'openmultistack.cmd.metering')


def run(options) -> common.PartResult:
    missing = _missing()
    if missing:
        return common.PartResult.skipped(NAME, missing)
    logs = pathlib.Path(options.output) / 'logs' / NAME
    management = _Management(options.queues)
    management.thread.start()
    try:
        with service_process.state_dir(logs) as state:
            timings = _measure(state, management, options)
    finally:
        management.shutdown()
        management.server_close()
    data = {'timings': timings, 'queues': options.queues, 'target': TARGET,
            'result': result(timings)}
    return common.PartResult(name=NAME, ran=True, data=data,
                             summary=summarise(timings, options))


def _measure(state: pathlib.Path, management: _Management,
             options) -> dict[str, Any]:
    port = service_process.free_port()
    base = 'http://%s:%d' % (common.LOOPBACK, port)
    config = state / 'metering.conf'
    service_process.write_config(config, {
        'DEFAULT': {'state_dir': state, 'auth_strategy': 'noauth'},
        'metering': {'host': common.LOOPBACK, 'port': port, 'workers': 1},
        'rabbit_management': {'url': 'http://%s:%d/api/' % (
            common.LOOPBACK, management.server_port)},
    })
    service_process.db_sync(config, state / 'manage.log')
    openstack = _openstack() or 'openstack'   # found by _missing()
    env = dict(os.environ)
    commands = {
        'openstack --version': ([openstack, '--version'], env),
        'metric rabbit list queues -f value': (
            [openstack, '--os-auth-type', 'none', '--os-endpoint', base,
             'metric', 'rabbit', 'list', 'queues', '-f', 'value'], env),
        'curl': (['curl', '-sf', '-o', os.devnull,
                  base + '/v2/rabbit/queues'], env),
    }
    with service_process.running('openmultistack-metering-api', config,
                                 base + '/', state / 'metering.log'):
        return common.time_interleaved(commands, options.runs)


def result(timings: dict[str, Any]) -> float | None:
    """The list's time beyond ``--version``, against curl's."""
    beyond = (timings['metric rabbit list queues -f value']['median_s']
              - timings['openstack --version']['median_s'])
    return common.ratio(beyond, timings['curl']['median_s'])


def summarise(timings: dict[str, Any], options) -> list[common.Block]:
    rows = [[name, t['median_s'], t['median_cpu_s'], t['returncode']]
            for name, t in timings.items()]
    return [
        '%d queues, medians of %d interleaved runs.' % (
            options.queues, options.runs),
        common.Table(['command', 'wall s', 'CPU s', 'exit'], rows),
        common.Table(common.TARGET_HEADER, targets({'timings': timings})),
    ]


def targets(data: dict[str, Any]) -> list[list[Any]]:
    """The row of the target."""
    return [['openstack metric rabbit list queues -f value, time beyond '
             'openstack --version vs curl', result(data['timings']),
             '<= %s' % TARGET]]
