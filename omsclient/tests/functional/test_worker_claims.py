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

"""Several worker processes claim from one PostgreSQL database.

200 entries, booted on two simulated providers by one and by four
``openmultistack-worker`` processes: every entry reaches ``RUN`` once,
and no entry is ever asked of a provider twice. Each worker logs every
boot request it sends ("queue N: asking provider P for a server"); the
logs of all the processes together name each entry exactly once.

The throughput (entries per second from the first claim to the last
``RUN``, from the events' own timestamps) is attached to the result as
the detail ``throughput``; it is reported, never asserted.
"""

import collections
import re

import testtools.content

from omsclient.tests.functional import base
from omsclient.tests.functional import deployment

ENTRIES = 200
WORKER_OPTIONS = {'max_concurrent_boots': 4, 'poll_interval': 0.1,
                  'status_poll_interval': 0.05, 'lease_duration': 60}
BOOT_REQUEST = re.compile(r'queue (\d+): asking provider \S+ for a server')


class ClaimTest(base.TestCase):

    def run_workers(self, count: int) -> None:
        oms = self.useFixture(deployment.Deployment(self.stack,
                                                    **WORKER_OPTIONS))
        oms.add_simulated_accounts(2, boot_seconds=0.2)
        # Inserted by one statement so that the workers find them all at
        # once: the API's POST is tested elsewhere.
        with oms.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO queues (status, project_id, user_id, "
                "regist_datetime, updated_datetime) "
                "SELECT 'REQUEST', 'claims', 'claims', "
                "now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC' "
                "FROM generate_series(1, %d)" % ENTRIES)
        workers = [oms.start_worker('w%d' % n, wait=False)
                   for n in range(count)]
        for worker in workers:
            oms.wait_started(worker)

        def all_settled():
            return oms.rows(
                "SELECT count(*) AS n FROM queues WHERE status IN "
                "('RUN', 'FAILED')")[0].n == ENTRIES
        base.wait_for(all_settled, 600, 'the %d entries to settle'
                      % ENTRIES, interval=0.5)

        statuses = oms.rows('SELECT status, count(*) AS n FROM queues '
                            'GROUP BY status')
        self.assertEqual({'RUN': ENTRIES}, {r.status: r.n for r in statuses})
        queue_ids = [r.id for r in oms.rows('SELECT id FROM queues')]

        # Each entry was asked of a provider once, by one process.
        asked: collections.Counter[int] = collections.Counter()
        for worker in workers:
            asked.update(int(m) for m in BOOT_REQUEST.findall(
                worker.output()))
        self.assertEqual({q: 1 for q in queue_ids}, dict(asked))

        # One claim, one boot, one RUN each; none taken over, one server
        # each and no server twice.
        events: collections.Counter[tuple[int, str]] = collections.Counter()
        claimed_by: collections.Counter[str] = collections.Counter()
        for row in oms.rows('SELECT queue_id, "desc" FROM events '
                            'WHERE queue_id IS NOT NULL'):
            kind = row.desc.split(': ', 1)[1].split(' ', 1)[0]
            events[(row.queue_id, kind)] += 1
            if kind == 'RECIVE':
                claimed_by[row.desc.rsplit(' ', 1)[1]] += 1
        for queue_id in queue_ids:
            self.assertEqual(
                (1, 1, 1, 0),
                tuple(events[(queue_id, kind)]
                      for kind in ('RECIVE', 'BOOT', 'RUN', 'taken')),
                'events of entry %d' % queue_id)
        servers = oms.rows('SELECT instance_id FROM instances')
        self.assertEqual(ENTRIES, len({r.instance_id for r in servers}))
        self.assertEqual(ENTRIES, len(servers))

        window = oms.rows(
            "SELECT extract(epoch FROM max(time) FILTER (WHERE \"desc\" "
            "LIKE '%: RUN %') - min(time) FILTER (WHERE \"desc\" LIKE "
            "'%: RECIVE %')) AS seconds FROM events")[0].seconds
        self.addDetail('throughput', testtools.content.text_content(
            '%d workers: %d entries in %.1f s = %.1f entries/s; claimed '
            'per worker: %s' % (count, ENTRIES, window,
                                ENTRIES / float(window),
                                dict(sorted(claimed_by.items())))))
        for worker in workers:
            worker.kill()

    def test_one_worker(self):
        self.run_workers(1)

    def test_four_workers(self):
        self.run_workers(4)
