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

"""Part 2: memory and time of reading a long list.

A loopback server (``stream_server``) streams a generated list of 10^4,
10^5 and 10^6 queue entries. A fresh child process per measurement reads
it in one of three ways and reports its peak RSS (``getrusage``) above
what it held before the request, and the wall-clock time:

``omsclient stream``
    ``for entry in client.queues.list()``: the Python API's generator.
``omsclient list()``
    ``list(client.queues.list())``: the same, materialised by the caller.
``json.loads``
    a keystoneauth1 session ``GET`` and ``response.json()``: the whole
    body and then the whole list in memory, as python-ceilometerclient
    and python-novaclient read every answer.
``requests .json()``
    ``requests.get(url).json()``: the same without keystoneauth1, the
    reference of the target: the generator should take at most
    0.8 times its time, in at most 30 MB above the interpreter's size.

Besides the wall-clock time, each child reports its CPU time (user and
system, ``getrusage``): the generator reads while the server writes, so
on a busy machine its wall-clock time suffers more than that of a reader
that waits for the whole body first.
"""

import json
import resource
import subprocess
import sys
import time
from typing import Any

from omsclient.tests.bench import common
from omsclient.tests.bench import stream_server

NAME = 'streaming'
STREAM = 'omsclient stream'
REFERENCE = 'requests .json()'
MODES = (STREAM, 'omsclient list()', 'json.loads', REFERENCE)
#: The generator's time against the reference's, and its added memory.
TARGET_RATIO = 0.8
TARGET_ADDED_MIB = 30


def _peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(mode: str, endpoint: str) -> dict[str, Any]:
    """Read the list once in ``mode``; runs in the child process."""
    if mode == REFERENCE:
        import requests
        url = endpoint + '/api/queues/'

        def read():
            return len(requests.get(url).json())
    elif mode == 'json.loads':
        from keystoneauth1 import session
        sess = session.Session()
        url = endpoint + '/api/queues/'

        def read():
            return len(sess.get(url, logger=None).json())
    else:
        from omsclient import client
        queues = client.Client('1', endpoint=endpoint).queues
        if mode == 'omsclient list()':
            def read():
                return len(list(queues.list()))
        else:
            def read():
                return sum(1 for _entry in queues.list())
    before = _peak_rss_kib()
    cpu_before = _cpu_seconds()
    start = time.perf_counter()
    count = read()
    seconds = time.perf_counter() - start
    return {'count': count, 'seconds': round(seconds, 3),
            'cpu_seconds': round(_cpu_seconds() - cpu_before, 3),
            'peak_rss_mib': round(_peak_rss_kib() / 1024, 1),
            'added_rss_mib': round((_peak_rss_kib() - before) / 1024, 1)}


def _run_child(mode: str, endpoint: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, '-m', __name__, mode, endpoint],
        capture_output=True, text=True, check=False)
    if proc.returncode:
        lines = proc.stderr.strip().splitlines() or ['exit %d' %
                                                     proc.returncode]
        return {'error': lines[-1]}
    return json.loads(proc.stdout)


def _client_missing() -> str | None:
    try:
        from omsclient import client
        client.get_client_class('1')
    except ImportError as exc:
        return 'the Python API is not importable yet (%s)' % exc
    return None


def run(options) -> common.PartResult:
    missing = _client_missing()
    if missing:
        return common.PartResult.skipped(NAME, missing)
    rows = []
    for size in options.sizes:
        with stream_server.ListServer(size) as server:
            for mode in MODES:
                result = _run_child(mode, server.endpoint)
                result.update(entries=size, mode=mode)
                rows.append(result)
    return common.PartResult(name=NAME, ran=True, data={'rows': rows},
                             summary=summarise(rows))


def summarise(rows) -> list[common.Block]:
    by_size: dict[int, dict[str, Any]] = {}
    for row in rows:
        by_size.setdefault(row['entries'], {})[row['mode']] = row
    table = []
    for size, modes in by_size.items():
        reference = modes.get(REFERENCE, {})
        for mode, row in modes.items():
            table.append([
                size, mode, row.get('seconds', row.get('error')),
                row.get('cpu_seconds'), row.get('added_rss_mib'),
                row.get('peak_rss_mib'),
                common.ratio(row.get('seconds', 0),
                             reference.get('seconds', 0)),
                common.ratio(row.get('cpu_seconds', 0),
                             reference.get('cpu_seconds', 0))])
    blocks: list[common.Block] = [common.Table(
        ['entries', 'reader', 'seconds', 'CPU s', 'added RSS MiB',
         'peak RSS MiB', 'time vs requests', 'CPU vs requests'], table)]
    if by_size:
        blocks.append(common.Table(common.TARGET_HEADER,
                                   targets({'rows': rows})))
    return blocks


def targets(data: dict[str, Any]) -> list[list[Any]]:
    """The rows of the targets, for the largest list measured."""
    rows = data['rows']
    size = max(row['entries'] for row in rows)
    modes = {row['mode']: row for row in rows if row['entries'] == size}
    stream, reference = modes.get(STREAM, {}), modes.get(REFERENCE, {})
    return [
        ['client.queues.list(), %d entries, time vs requests .json() '
         '(CPU time: %s)' % (size, common.ratio(
             stream.get('cpu_seconds', 0),
             reference.get('cpu_seconds', 0))),
         common.ratio(stream.get('seconds', 0), reference.get('seconds', 0)),
         '<= %s' % TARGET_RATIO],
        ['client.queues.list(), %d entries, added memory MiB' % size,
         stream.get('added_rss_mib'), '<= %s' % TARGET_ADDED_MIB],
    ]


if __name__ == '__main__':
    print(json.dumps(measure(sys.argv[1], sys.argv[2])))
