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


"""Part 3: requests per second and latency of the reference API.

``openmultistack-api`` (SQLite in a fresh state directory, no worker, so
entries stay ``REQUEST``) is filled with 1,000 entries, then driven by
wrk at a fixed concurrency on 127.0.0.1, one run per request kind: ``GET``
of one entry, lists of 100 and of 1,000 entries, and ``POST``. wrk and the
service share the machine's CPUs: the figures compare request kinds with
each other, they are not a capacity rating.
"""

import json
import pathlib
import shutil
import subprocess
from typing import Any

import requests

from omsclient.tests.bench import common
from omsclient.tests.bench import service_process

NAME = 'service'
PRELOAD = 1000
WRK_SCRIPT = (pathlib.Path(__file__).resolve().parents[3] / 'tools' /
              'bench' / 'wrk.lua')


def _kinds(first_id: int) -> list[tuple[str, str, str]]:
    return [
        ('GET one entry', 'GET', '/api/queues/%d/' % first_id),
        ('GET list of 100', 'GET', '/api/queues/?limit=100'),
        ('GET list of 1000', 'GET', '/api/queues/?limit=1000'),
        ('POST', 'POST', '/api/queues/'),
    ]


def wrk(url: str, method: str, connections: int,
        duration: int) -> dict[str, Any]:
    """Run wrk once; return its JSON line with requests per second."""
    threads = min(connections, 2)
    proc = subprocess.run(
        ['wrk', '-t%d' % threads, '-c%d' % connections,
         '-d%ds' % duration, '--timeout', '10s', '-s', str(WRK_SCRIPT),
         url, '--', method],
        capture_output=True, text=True, check=True)
    line = [x for x in proc.stdout.splitlines() if x.startswith('{')][-1]
    result = json.loads(line)
    seconds = result['duration_us'] / 1e6
    result['requests_per_s'] = round(result['requests'] / seconds, 1)
    return result


def _missing() -> str | None:
    if not shutil.which('wrk'):
        return 'wrk is not installed (apt-get install -y wrk)'
    if not WRK_SCRIPT.exists():
        return '%s is missing' % WRK_SCRIPT
    return service_process.missing('openmultistack-api',
                                   'openmultistack.cmd.api')


def run(options) -> common.PartResult:
    missing = _missing()
    if missing:
        return common.PartResult.skipped(NAME, missing)
    port = service_process.free_port()
    base = 'http://%s:%d' % (common.LOOPBACK, port)
    logs = pathlib.Path(options.output) / 'logs' / NAME
    with service_process.state_dir(logs) as state:
        config = state / 'openmultistack.conf'
        service_process.write_config(config, {
            'DEFAULT': {'state_dir': state, 'auth_strategy': 'noauth'},
            'api': {'host': common.LOOPBACK, 'port': port},
        })
        service_process.db_sync(config, state / 'manage.log')
        with service_process.running('openmultistack-api', config,
                                     base + '/api/', state / 'api.log'):
            first_id = _preload(base, PRELOAD)
            rows = []
            for label, method, path in _kinds(first_id):
                result = wrk(base + path, method, options.connections,
                             options.duration)
                result.update(kind=label, method=method, path=path)
                rows.append(result)
    data = {'rows': rows, 'connections': options.connections,
            'duration_s': options.duration, 'preloaded': PRELOAD,
            'database': 'sqlite'}
    return common.PartResult(name=NAME, ran=True, data=data,
                             summary=summarise(rows, options))


def _preload(base: str, count: int) -> int:
    with requests.Session() as session:
        first = session.post(base + '/api/queues/', timeout=30)
        first.raise_for_status()
        for _ in range(count - 1):
            session.post(base + '/api/queues/',
                         timeout=30).raise_for_status()
    return first.json()['id']


def summarise(rows, options) -> list[common.Block]:
    base = rows[0]['requests_per_s'] if rows else 0
    table = [[r['kind'], r['requests_per_s'],
              round(r['latency_us']['p50'] / 1000, 2),
              round(r['latency_us']['p99'] / 1000, 2),
              r['errors']['status'] + r['errors']['timeout'],
              common.ratio(r['requests_per_s'], base)] for r in rows]
    return ['wrk, %d connections, %d s per kind, SQLite, %d entries '
            'preloaded.' % (options.connections, options.duration,
                            PRELOAD),
            common.Table(['request', 'requests/s', 'p50 ms', 'p99 ms',
                          'errors', 'vs GET one'], table)]
