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


"""Part 4: how fast the worker brings queued entries to ``RUN``.

``openmultistack-api`` and ``openmultistack-worker`` run on a fresh SQLite
state with two accounts of the SIMULATED provider (a server is ``BUILD``
for one second, then ``ACTIVE``; the worker still generates a real RSA
key pair per entry). ``--entries`` entries are queued at once, and the
time until every one of them is ``RUN`` is measured with the worker
claiming one entry at a time (``[worker] max_concurrent_boots = 1``) and
several at once. The ratio of the two is the point; the absolute times
depend on the simulated boot time.
"""

import pathlib
import time
from typing import Any

from omsclient.tests.bench import common
from omsclient.tests.bench import service_process

NAME = 'worker'
CONCURRENCY = (1, 8)
SIMULATED_BOOT_SECONDS = 1
POLL_SECONDS = 0.5
TIMEOUT_PER_ENTRY = 5.0

WORKER_OPTIONS = {
    'poll_interval': 0.2,
    'status_poll_interval': 0.25,
}


def _missing() -> str | None:
    for name, module in (('openmultistack-api', 'openmultistack.cmd.api'),
                         ('openmultistack-worker',
                          'openmultistack.cmd.worker')):
        reason = service_process.missing(name, module)
        if reason:
            return reason
    return None


def _register_accounts(oms) -> None:
    for letter in 'ab':
        oms.accounts.create(
            provider='simulated-%s' % letter, driver='simulated',
            username='bench', password='bench',
            auth_url='simulated://bench-%s?boot_seconds=%s' % (
                letter, SIMULATED_BOOT_SECONDS),
            tenant_name='bench', region_name='region-%s' % letter,
            version='2.1')


def _drain(oms, entries: int, timeout: float) -> dict[str, Any]:
    """Queue ``entries`` entries; poll until all are RUN or FAILED."""
    start = time.monotonic()
    for _ in range(entries):
        oms.queues.create()
    queued = time.monotonic() - start
    first_run = None
    counts: dict[str, int] = {}
    while time.monotonic() - start < timeout:
        counts = {}
        for entry in oms.queues.list():
            counts[entry.status] = counts.get(entry.status, 0) + 1
        if first_run is None and counts.get('RUN'):
            first_run = time.monotonic() - start
        if counts.get('RUN', 0) + counts.get('FAILED', 0) >= entries:
            break
        time.sleep(POLL_SECONDS)
    return {'seconds_to_all_run': round(time.monotonic() - start, 2),
            'seconds_to_queue': round(queued, 2),
            'seconds_to_first_run': None if first_run is None
            else round(first_run, 2),
            'statuses': counts,
            'complete': counts.get('RUN', 0) == entries}


def measure(max_concurrent_boots: int, entries: int,
            logs: pathlib.Path | None = None) -> dict[str, Any]:
    from omsclient import client
    port = service_process.free_port()
    base = 'http://%s:%d' % (common.LOOPBACK, port)
    with service_process.state_dir(logs) as state:
        config = state / 'openmultistack.conf'
        service_process.write_config(config, {
            'DEFAULT': {'state_dir': state},
            'api': {'host': common.LOOPBACK, 'port': port},
            'worker': dict(WORKER_OPTIONS,
                           max_concurrent_boots=max_concurrent_boots),
        })
        service_process.db_sync(config, state / 'manage.log')
        with service_process.running('openmultistack-api', config,
                                     base + '/api/', state / 'api.log'):
            oms = client.Client('1', endpoint=base)
            _register_accounts(oms)
            with service_process.running('openmultistack-worker', config,
                                         None, state / 'worker.log'):
                result = _drain(oms, entries,
                                timeout=30 + entries * TIMEOUT_PER_ENTRY)
    result['max_concurrent_boots'] = max_concurrent_boots
    result['entries_per_s'] = round(entries / result['seconds_to_all_run'],
                                    2)
    return result


def run(options) -> common.PartResult:
    missing = _missing()
    if missing:
        return common.PartResult.skipped(NAME, missing)
    logs = pathlib.Path(options.output) / 'logs'
    rows = [measure(n, options.entries, logs / ('worker-%d' % n))
            for n in CONCURRENCY]
    data = {'rows': rows, 'entries': options.entries,
            'provider': 'simulated',
            'simulated_boot_seconds': SIMULATED_BOOT_SECONDS,
            'worker_options': WORKER_OPTIONS}
    return common.PartResult(name=NAME, ran=True, data=data,
                             summary=summarise(rows, options.entries))


def summarise(rows, entries: int) -> list[str]:
    serial = rows[0]['seconds_to_all_run']
    table = [[r['max_concurrent_boots'], r['seconds_to_all_run'],
              r['seconds_to_first_run'], r['entries_per_s'],
              common.ratio(serial, r['seconds_to_all_run']),
              'yes' if r['complete'] else 'no: %s' % r['statuses']]
             for r in rows]
    return ['%d entries, simulated provider (%d s per boot), SQLite.' % (
        entries, SIMULATED_BOOT_SECONDS),
        common.Table(['max_concurrent_boots', 's to all RUN',
                      's to first RUN', 'entries/s', 'speed-up vs 1',
                      'all RUN'], table)]
