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


"""Part 3: CPU per request, requests per second and latency of the API.

``openmultistack-api`` (SQLite in a fresh state directory, no worker, so
entries stay ``REQUEST``) is filled with 1,000 entries, then driven by
wrk at a fixed concurrency on 127.0.0.1, one run per request kind: ``GET``
of one entry, lists of 100 and of 1,000 entries, and ``POST``; first
served by one process (``[api] workers = 1``), then every kind again by
one process with one request thread (``[api] threads = 1``, the way
OpenStack's APIs usually run under uWSGI), then ``GET`` of one entry by
one process per CPU (the default); then, when gunicorn is installed,
every kind again served by the production WSGI application
(``openmultistack.api.wsgi:application``) under gunicorn, one
synchronous worker process, the configuration coming from
``OMS_CONFIG_FILES``.

The server's CPU time per request is read from the operating system
(``/proc/<pid>/stat`` of the server's processes, user and system time)
around each run: unlike requests per second it hardly depends on what
else the machine does, and it is what the targets bound. wrk and the
service share the machine's CPUs, so requests per second compare request
kinds with each other; they are not a capacity rating.
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


# Server CPU milliseconds per request the service is meant to stay under.
TARGETS_MS = {'GET one entry': 0.4, 'GET list of 100': 1.0,
              'GET list of 1000': 4.0, 'POST': 1.0}
# Requests per second of every CPU over one process, GET of one entry.
TARGET_SCALING = 1.7
ONE = 'GET one entry'
GUNICORN = 'gunicorn'


def _kinds(first_id: int) -> list[tuple[str, str, str]]:
    return [
        (ONE, 'GET', '/api/queues/%d/' % first_id),
        ('GET list of 100', 'GET', '/api/queues/?limit=100'),
        ('GET list of 1000', 'GET', '/api/queues/?limit=1000'),
        ('POST', 'POST', '/api/queues/'),
    ]


def measure(base: str, pid: int, label: str, method: str, path: str,
            options) -> dict[str, Any]:
    """One wrk run, with the server's CPU time per request."""
    before = common.cpu_seconds(pid)
    result = wrk(base + path, method, options.connections,
                 options.duration)
    cpu = common.cpu_seconds(pid) - before
    result.update(kind=label, method=method, path=path,
                  server_cpu_ms_per_request=round(
                      cpu * 1000 / max(result['requests'], 1), 3))
    return result


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
    logs = pathlib.Path(options.output) / 'logs' / NAME
    with service_process.state_dir(logs) as state:
        rows = _serve_and_measure(state, 1, options, None)
        kinds = [(r['kind'], r['method'], r['path']) for r in rows]
        # Every kind again, on the same entries, by one request thread.
        rows += _serve_and_measure(state, 1, options, kinds, threads=1)
        # GET of the same entry, served by every CPU.
        rows += _serve_and_measure(state, 0, options, kinds[:1])
        # Every kind again, under a production WSGI server.
        if service_process.script(GUNICORN):
            rows += _wsgi_server_measure(state, options, kinds)
    data = {'rows': rows, 'connections': options.connections,
            'duration_s': options.duration, 'preloaded': PRELOAD,
            'database': 'sqlite', 'cpus': common.machine()['cpus'],
            'targets_ms': TARGETS_MS, 'target_scaling': TARGET_SCALING}
    return common.PartResult(name=NAME, ran=True, data=data,
                             summary=summarise(rows, options))


def _serve_and_measure(state: pathlib.Path, workers: int, options,
                       kinds: list[tuple[str, str, str]] | None,
                       threads: int | None = None) -> list[dict[str, Any]]:
    """Serve with ``workers`` processes (0: the default) and measure.

    Every kind on a new database, or ``kinds`` on the database of an
    earlier run; with ``threads`` request threads per process, or the
    default.
    """
    port = service_process.free_port()
    base = 'http://%s:%d' % (common.LOOPBACK, port)
    name = '%d-%s' % (workers, threads or 'default')
    config = state / ('openmultistack-%s.conf' % name)
    api: dict[str, Any] = {'host': common.LOOPBACK, 'port': port}
    if workers:
        api['workers'] = workers
    if threads:
        api['threads'] = threads
    service_process.write_config(config, {
        'DEFAULT': {'state_dir': state, 'auth_strategy': 'noauth'},
        'api': api,
    })
    if kinds is None:
        service_process.db_sync(config, state / 'manage.log')
    with service_process.running('openmultistack-api', config,
                                 base + '/api/',
                                 state / ('api-%s.log' % name)) as proc:
        if kinds is None:
            kinds = _kinds(_preload(base, PRELOAD))
        rows = []
        for label, method, path in kinds:
            result = measure(base, proc.pid, label, method, path, options)
            result['processes'] = workers or common.machine()['cpus']
            result['threads'] = threads
            rows.append(result)
    return rows


def _wsgi_server_measure(state: pathlib.Path, options,
                         kinds: list[tuple[str, str, str]]
                         ) -> list[dict[str, Any]]:
    """``kinds`` on the database of an earlier run, under gunicorn."""
    port = service_process.free_port()
    base = 'http://%s:%d' % (common.LOOPBACK, port)
    config = state / 'openmultistack-wsgi.conf'
    service_process.write_config(config, {
        'DEFAULT': {'state_dir': state, 'auth_strategy': 'noauth',
                    # A WSGI server's address is not known to the
                    # application: noauth must be allowed explicitly.
                    'allow_noauth_on_any_address': 'true',
                    'log_file': state / 'api-wsgi-app.log'}})
    argv = [service_process.installed_script(GUNICORN), '--workers', '1',
            '--bind', '%s:%d' % (common.LOOPBACK, port),
            'openmultistack.api.wsgi:application']
    environment = {'OMS_CONFIG_FILES': str(config)}
    with service_process.running_argv(argv, base + '/api/',
                                      state / 'api-wsgi.log',
                                      env=environment) as proc:
        rows = []
        for label, method, path in kinds:
            result = measure(base, proc.pid, label, method, path, options)
            result.update(processes=1, threads=1, server=GUNICORN)
            rows.append(result)
    return rows


def _one_thread(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Server CPU ms per request of each kind with one request thread."""
    return {r['kind']: r['server_cpu_ms_per_request'] for r in rows
            if r.get('threads') == 1 and not r.get('server')}


def _wsgi_server(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Server CPU ms per request of each kind under gunicorn."""
    return {r['kind']: r['server_cpu_ms_per_request'] for r in rows
            if r.get('server') == GUNICORN}


def _preload(base: str, count: int) -> int:
    with requests.Session() as session:
        first = session.post(base + '/api/queues/', timeout=30)
        first.raise_for_status()
        for _ in range(count - 1):
            session.post(base + '/api/queues/',
                         timeout=30).raise_for_status()
    return first.json()['id']


def _single(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The runs of one process with the default threads."""
    return [r for r in rows if r['processes'] == 1 and not r.get('threads')
            and not r.get('server')]


def _every(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The runs of one process per CPU."""
    return [r for r in rows if r['processes'] != 1]


def summarise(rows, options) -> list[common.Block]:
    single = _single(rows)
    one_thread = _one_thread(rows)
    wsgi_server = _wsgi_server(rows)
    base = single[0]['requests_per_s'] if single else 0
    table = []
    for r in single:
        table.append([
            r['kind'], r['server_cpu_ms_per_request'],
            one_thread.get(r['kind'], ''), wsgi_server.get(r['kind'], ''),
            '<= %s' % TARGETS_MS[r['kind']], r['requests_per_s'],
            round(r['latency_us']['p50'] / 1000, 2),
            round(r['latency_us']['p99'] / 1000, 2),
            r['errors']['status'] + r['errors']['timeout'],
            common.ratio(r['requests_per_s'], base)])
    blocks: list[common.Block] = [
        'wrk, %d connections, %d s per kind, SQLite, %d entries '
        'preloaded; server CPU from /proc of its processes.' % (
            options.connections, options.duration, PRELOAD),
        common.Table(['request (1 process)', 'server CPU ms/request',
                      'the same, 1 thread', 'gunicorn, 1 worker',
                      'target', 'requests/s',
                      'p50 ms', 'p99 ms',
                      'errors', 'vs GET one'], table)]
    every = _every(rows)
    if single and every:
        blocks.append(common.Table(
            ['GET one entry', 'processes', 'requests/s',
             'server CPU ms/request', 'vs 1 process', 'target'],
            [['1 process', 1, base, single[0]['server_cpu_ms_per_request'],
              1.0, ''],
             ['every CPU', every[0]['processes'],
              every[0]['requests_per_s'],
              every[0]['server_cpu_ms_per_request'],
              common.ratio(every[0]['requests_per_s'], base),
              '>= %s' % TARGET_SCALING]]))
    return blocks


def targets(data: dict[str, Any]) -> list[list[Any]]:
    """The rows of the targets: CPU per request, every CPU vs one."""
    rows = data['rows']
    single = _single(rows)
    others = [(label, found(rows)) for label, found in (
        ('1 thread', _one_thread), ('gunicorn', _wsgi_server))]
    every = _every(rows)
    table: list[list[Any]] = [
        ['%s, server CPU ms per request%s' % (r['kind'], ''.join(
            ' (%s: %s)' % (label, values[r['kind']])
            for label, values in others if r['kind'] in values)),
         r['server_cpu_ms_per_request'], '<= %s' % TARGETS_MS[r['kind']]]
        for r in single]
    if single and every:
        table.append([
            'GET one entry, requests/s on every CPU (%d processes) vs one '
            'process' % every[0]['processes'],
            common.ratio(every[0]['requests_per_s'],
                         single[0]['requests_per_s']),
            '>= %s' % TARGET_SCALING])
    return table
