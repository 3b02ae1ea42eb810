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


"""Part 6: many entries at once, with the worker's default settings.

Three accounts of the SIMULATED provider, whose servers are ``BUILD``
for two seconds (the ``boot_seconds`` query parameter of their
``auth_url``). All entries are created at once (eight requests in
parallel) and the time from the first request until every one is
``RUN`` is measured:

``sqlite``
    one ``openmultistack-all`` process on its SQLite file, with 50, 200
    and 500 entries;
``postgresql``
    one ``openmultistack-api`` and one, two and three
    ``openmultistack-worker`` processes on a throw-away PostgreSQL
    cluster, with 1,000 entries (skipped, with the reason, where Debian's
    PostgreSQL is not installed).

The worker options are the defaults, as an operator gets them; the
200 entries on SQLite and the two workers on PostgreSQL run once more
with ``[worker] key_type = rsa``, to show what RSA key generation
costs (the targets are judged on the defaults). The service's CPU time
per entry (every process started, from the first creation to the last
``RUN``) moves less with the machine's load than the times do. After
each run, every entry is checked: none lost (each one ``RUN``) and none
booted twice (each entry's server id unique, and each server that the
simulated clouds hold, listed in their ``[simulated] servers_file``,
tagged with a different entry and named by it). One at a time, the
200 entries would take 400 s.
"""

from concurrent import futures
import contextlib
import pathlib
import time
from typing import Any, Iterable

from omsclient.tests.bench import common
from omsclient.tests.bench import postgres
from omsclient.tests.bench import service_process
from omsclient.tests.bench import worker

NAME = 'throughput'
PROVIDERS = 'abc'
BOOT_SECONDS = 2
SQLITE_ENTRIES = (50, 200, 500)
POSTGRES_ENTRIES = 1000
POSTGRES_WORKERS = (1, 2, 3)
#: The rows run again with ``[worker] key_type = rsa``.
RSA_ROWS = (('sqlite', 1, 200), ('postgresql', 2, POSTGRES_ENTRIES))
CREATE_THREADS = 8
POLL_SECONDS = 1.0
# Generous: a run that does not finish says so in its row.
TIMEOUT = 60 + 1.0 * POSTGRES_ENTRIES
QUEUE_ID_METADATA_KEY = 'openmultistack_queue_id'
#: The targets of issue 22, with the defaults: (engine, workers, entries)
#: -> seconds.
TARGETS = {('sqlite', 1, 200): 20, ('postgresql', 2, 1000): 60}
DEFAULT_KEY_TYPE = 'ed25519'


def accounts() -> list[dict[str, str]]:
    return worker.simulated_accounts(PROVIDERS, BOOT_SECONDS, 'throughput')


def _config(path: pathlib.Path, state: pathlib.Path, port: int,
            servers_file: pathlib.Path, key_type: str,
            database: str | None = None) -> None:
    sections: dict[str, dict[str, Any]] = {
        'DEFAULT': {'state_dir': state, 'auth_strategy': 'noauth',
                    'bootstrap_simulated_accounts': 0},
        'api': {'host': common.LOOPBACK, 'port': port},
        'metering': {'host': common.LOOPBACK,
                     'port': service_process.free_port()},
        'worker': {'resource_prefix': 'oms-throughput',
                   'key_type': key_type},
        'simulated': {'servers_file': servers_file},
    }
    if database:
        sections['database'] = {'connection': database}
    service_process.write_config(path, sections)


def _create(oms, entries: int) -> list[int]:
    with futures.ThreadPoolExecutor(CREATE_THREADS) as pool:
        return list(pool.map(lambda _: oms.queues.create().id,
                             range(entries)))


def _run_all(oms, entries: int, pids: list[int]) -> dict[str, Any]:
    """Create ``entries`` entries at once; wait until none is pending.

    :param pids: the service's processes (with their children), whose
        CPU time the result gives.
    """
    for account in accounts():
        oms.accounts.create(**account)
    cpu = sum(common.cpu_seconds(pid) for pid in pids)
    start = time.monotonic()
    created = _create(oms, entries)
    queued = time.monotonic() - start
    counts: dict[str, int] = {}
    listed: list = []
    while time.monotonic() - start < TIMEOUT:
        listed = list(oms.queues.list())
        counts = {}
        for entry in listed:
            counts[entry.status] = counts.get(entry.status, 0) + 1
        if counts.get('RUN', 0) + counts.get('FAILED', 0) >= entries:
            break
        time.sleep(POLL_SECONDS)
    elapsed = time.monotonic() - start
    cpu = sum(common.cpu_seconds(pid) for pid in pids) - cpu
    return {'entries': entries,
            'service_cpu_ms_per_entry': round(cpu * 1000 / entries, 1),
            'seconds_to_all_run': round(elapsed, 2),
            'seconds_to_queue': round(queued, 2),
            'entries_per_s': round(entries / elapsed, 1),
            'statuses': counts,
            '_created': created, '_listed': listed}


def check(created: Iterable[int], listed: Iterable,
          servers: Iterable[dict]) -> dict[str, Any]:
    """Entries lost or booted twice, from the API and the clouds' records.

    :param created: the ids the creations answered with.
    :param listed: the entries listed at the end.
    :param servers: every server the simulated clouds hold.

    An entry that is not ``RUN`` is lost; a server of its (one being
    booted when the time ran out) does not count as a second boot.
    """
    by_id = {entry.id: entry for entry in listed}
    lost = sorted(i for i in created
                  if getattr(by_id.get(i), 'status', None) != 'RUN')
    server_of: dict[str, int] = {}
    twice: set[int] = set()
    for entry in by_id.values():
        instance_id = (entry.instance or {}).get('instance_id')
        if instance_id in server_of:
            twice.update((entry.id, server_of[instance_id]))
        elif instance_id:
            server_of[instance_id] = entry.id
    tagged: dict[int, list[str]] = {}
    for server in servers:
        queue_id = int(server['metadata'].get(QUEUE_ID_METADATA_KEY, -1))
        tagged.setdefault(queue_id, []).append(server['id'])
    for queue_id, ids in tagged.items():
        entry = by_id.get(queue_id)
        if entry is not None and entry.status != 'RUN':
            continue  # lost (still in progress when time ran out)
        if len(ids) > 1 or entry is None or \
                (entry.instance or {}).get('instance_id') != ids[0]:
            twice.add(queue_id)
    return {'lost': lost, 'booted_twice': sorted(twice),
            'servers': sum(len(ids) for ids in tagged.values())}


def _servers(files: Iterable[pathlib.Path]) -> list[dict]:
    from openmultistack.providers import simulated
    servers = []
    for path in files:
        if path.exists():
            servers += simulated.read_servers_file(str(path))
    return servers


def _finish(result: dict[str, Any], files: list[pathlib.Path]
            ) -> dict[str, Any]:
    result.update(check(result.pop('_created'), result.pop('_listed'),
                        _servers(files)))
    result['correct'] = not result['lost'] and not result['booted_twice'] \
        and result['servers'] == result['entries']
    return result


def sqlite_row(entries: int, logs: pathlib.Path,
               key_type: str = DEFAULT_KEY_TYPE) -> dict[str, Any]:
    from omsclient import client
    port = service_process.free_port()
    base = 'http://%s:%d' % (common.LOOPBACK, port)
    with service_process.state_dir(logs) as state:
        config = state / 'openmultistack.conf'
        servers_file = state / 'servers.json'
        _config(config, state, port, servers_file, key_type)
        with service_process.running('openmultistack-all', config,
                                     base + '/api/', state / 'all.log'
                                     ) as proc:
            result = _run_all(client.Client('1', endpoint=base), entries,
                              [proc.pid])
            result = _finish(result, [servers_file])
    result.update(engine='sqlite', workers=1, key_type=key_type)
    return result


def postgres_row(workers: int, entries: int, logs: pathlib.Path,
                 key_type: str = DEFAULT_KEY_TYPE) -> dict[str, Any]:
    from omsclient import client
    port = service_process.free_port()
    base = 'http://%s:%d' % (common.LOOPBACK, port)
    with service_process.state_dir(logs) as state, \
            postgres.cluster(state / 'postgres.log') as database, \
            contextlib.ExitStack() as stack:
        config = state / 'openmultistack.conf'
        _config(config, state, port, state / 'servers-api.json', key_type,
                database)
        service_process.db_sync(config, state / 'manage.log')
        pids = [stack.enter_context(service_process.running(
            'openmultistack-api', config, base + '/api/',
            state / 'api.log')).pid]
        files = []
        for number in range(1, workers + 1):
            worker_config = state / ('worker-%d.conf' % number)
            files.append(state / ('servers-%d.json' % number))
            _config(worker_config, state, port, files[-1], key_type,
                    database)
            pids.append(stack.enter_context(service_process.running(
                'openmultistack-worker', worker_config, None,
                state / ('worker-%d.log' % number))).pid)
        result = _run_all(client.Client('1', endpoint=base), entries, pids)
        # The workers' records are complete once they have stopped.
        stack.close()
        result = _finish(result, files)
    result.update(engine='postgresql', workers=workers, key_type=key_type)
    return result


def run(options) -> common.PartResult:
    missing = service_process.missing_any('all', 'api', 'worker')
    if missing:
        return common.PartResult.skipped(NAME, missing)
    logs = pathlib.Path(options.output) / 'logs'
    rows = [sqlite_row(n, logs / ('throughput-sqlite-%d' % n))
            for n in SQLITE_ENTRIES]
    no_postgres = postgres.missing()
    if not no_postgres:
        rows += [postgres_row(n, POSTGRES_ENTRIES,
                              logs / ('throughput-postgresql-%d' % n))
                 for n in POSTGRES_WORKERS]
    for engine, workers, entries in RSA_ROWS:
        log = logs / ('throughput-%s-%d-rsa' % (engine, workers))
        if engine == 'sqlite':
            rows.append(sqlite_row(entries, log, 'rsa'))
        elif not no_postgres:
            rows.append(postgres_row(workers, entries, log, 'rsa'))
    data = {'rows': rows, 'boot_seconds': BOOT_SECONDS,
            'providers': len(PROVIDERS), 'postgresql_skipped': no_postgres}
    return common.PartResult(name=NAME, ran=True, data=data,
                             summary=summarise(data))


def summarise(data: dict[str, Any]) -> list[common.Block]:
    table = [[r['engine'], r['workers'], r['key_type'], r['entries'],
              r['seconds_to_queue'], r['seconds_to_all_run'],
              r['entries_per_s'], r['service_cpu_ms_per_entry'],
              'yes' if r['correct'] else 'NO: lost %s, twice %s, %s' % (
                  r['lost'][:5], r['booted_twice'][:5], r['statuses'])]
             for r in data['rows']]
    blocks: list[common.Block] = [
        '%d simulated providers, boots take %d s; worker defaults but for '
        'the key type of some rows.' % (
            data['providers'], data['boot_seconds']),
        common.Table(['database', 'worker processes', 'key type', 'entries',
                      's to create', 's to all RUN', 'entries/s',
                      'service CPU ms per entry',
                      'each booted once, none lost'], table)]
    if data['postgresql_skipped']:
        blocks.append('PostgreSQL rows not run: %s.'
                      % data['postgresql_skipped'])
    return blocks


def targets(data: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for r in data['rows']:
        target = TARGETS.get((r['engine'], r['workers'], r['entries']))
        if target is not None and r['key_type'] == DEFAULT_KEY_TYPE:
            rows.append(['%d entries to RUN, %s, %d worker process(es)'
                         % (r['entries'], r['engine'], r['workers']),
                         '%s s%s' % (r['seconds_to_all_run'],
                                     '' if r['correct'] else
                                     ' (NOT all RUN once)'),
                         '<= %d s' % target])
    return rows
