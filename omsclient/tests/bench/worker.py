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
state with two provider accounts. ``--entries`` entries are queued at
once, and the time until every one of them is ``RUN`` is measured with
the worker claiming one entry at a time (``[worker] max_concurrent_boots
= 1``) and several at once. The ratio of the two is the point; the
absolute times depend on the providers.

``simulated``
    two accounts of the SIMULATED provider: a server is ``BUILD`` for one
    second, then ``ACTIVE`` (the worker still generates a real RSA key
    pair per entry).
``nova``
    with ``--nova-stack``: the two Nova providers of a running functional
    stack (``tools/stack``; the option names its ``stack.json``: each a
    Nova deployment on the fake virt driver behind the stack's Keystone)
    and ``--nova-entries`` entries (default 20); the servers are deleted
    afterwards.
"""

import json
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
    'resource_prefix': 'oms-bench',
}


def _missing() -> str | None:
    return service_process.missing_any('api', 'worker')


def simulated_accounts(letters: str = 'ab',
                       boot_seconds: float = SIMULATED_BOOT_SECONDS,
                       cloud: str = 'bench') -> list[dict[str, str]]:
    """An account of its own simulated cloud per letter."""
    return [{'provider': 'simulated-%s' % letter, 'driver': 'simulated',
             'username': 'bench', 'password': 'bench',
             'auth_url': 'simulated://%s-%s?boot_seconds=%s' % (
                 cloud, letter, boot_seconds),
             'tenant_name': 'bench', 'region_name': 'region-%s' % letter,
             'version': '2.1'} for letter in letters]


# The fields of an account, from stack.json's providers.
ACCOUNT_FIELDS = ('provider', 'driver', 'auth_url', 'username', 'password',
                  'tenant_name', 'region_name', 'user_domain_name',
                  'project_domain_name', 'version')


def stack_accounts(stack_file: str) -> list[dict[str, str]]:
    """Accounts on the Nova providers of a running functional stack."""
    stack = json.loads(pathlib.Path(stack_file).read_text())
    return [{field: provider[field] for field in ACCOUNT_FIELDS
             if provider.get(field) is not None}
            for _name, provider in sorted(stack['nova'].items())]


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


def _destroy_all(oms, timeout: float) -> bool:
    """Delete every entry (and so its server); wait until all are gone."""
    for entry in list(oms.queues.list()):
        oms.queues.delete(entry.id)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if next(iter(oms.queues.list()), None) is None:
            return True
        time.sleep(POLL_SECONDS)
    return False


def measure(max_concurrent_boots: int, entries: int,
            accounts: list[dict[str, str]], clean_up: bool = False,
            logs: pathlib.Path | None = None) -> dict[str, Any]:
    from omsclient import client
    port = service_process.free_port()
    base = 'http://%s:%d' % (common.LOOPBACK, port)
    with service_process.state_dir(logs) as state:
        config = state / 'openmultistack.conf'
        service_process.write_config(config, {
            'DEFAULT': {'state_dir': state, 'auth_strategy': 'noauth'},
            'api': {'host': common.LOOPBACK, 'port': port},
            'worker': dict(WORKER_OPTIONS,
                           max_concurrent_boots=max_concurrent_boots),
        })
        service_process.db_sync(config, state / 'manage.log')
        with service_process.running('openmultistack-api', config,
                                     base + '/api/', state / 'api.log'):
            oms = client.Client('1', endpoint=base)
            for account in accounts:
                oms.accounts.create(**account)
            with service_process.running('openmultistack-worker', config,
                                         None, state / 'worker.log'):
                result = _drain(oms, entries,
                                timeout=30 + entries * TIMEOUT_PER_ENTRY)
                if clean_up:
                    result['cleaned_up'] = _destroy_all(
                        oms, timeout=30 + entries * TIMEOUT_PER_ENTRY)
    result['max_concurrent_boots'] = max_concurrent_boots
    result['entries'] = entries
    result['entries_per_s'] = round(entries / result['seconds_to_all_run'],
                                    2)
    return result


def _row(provider: str, concurrency: int, entries: int,
         accounts: list[dict[str, str]], clean_up: bool,
         logs: pathlib.Path) -> dict[str, Any]:
    row = measure(concurrency, entries, accounts, clean_up,
                  logs / ('worker-%s-%d' % (provider, concurrency)))
    row['provider'] = provider
    return row


def run(options) -> common.PartResult:
    missing = _missing()
    if missing:
        return common.PartResult.skipped(NAME, missing)
    logs = pathlib.Path(options.output) / 'logs'
    rows = []
    for n in CONCURRENCY:
        rows.append(_row('simulated', n, options.entries,
                         simulated_accounts(), False, logs))
    if options.nova_stack:
        for n in CONCURRENCY:
            rows.append(_row('nova', n, options.nova_entries,
                             stack_accounts(options.nova_stack), True,
                             logs))
    data = {'rows': rows,
            'simulated_boot_seconds': SIMULATED_BOOT_SECONDS,
            'worker_options': WORKER_OPTIONS}
    return common.PartResult(name=NAME, ran=True, data=data,
                             summary=summarise(rows))


def summarise(rows) -> list[common.Block]:
    table = []
    serial: dict[str, float] = {}
    for r in rows:
        serial.setdefault(r['provider'], r['seconds_to_all_run'])
        table.append([
            r['provider'], r['entries'], r['max_concurrent_boots'],
            r['seconds_to_all_run'], r['seconds_to_first_run'],
            r['entries_per_s'],
            common.ratio(serial[r['provider']], r['seconds_to_all_run']),
            'yes' if r['complete'] else 'no: %s' % r['statuses']])
    return ['SQLite; simulated boots take %d s.' % SIMULATED_BOOT_SECONDS,
            common.Table(['provider', 'entries', 'max_concurrent_boots',
                          's to all RUN', 's to first RUN', 'entries/s',
                          'speed-up vs 1', 'all RUN'], table)]
