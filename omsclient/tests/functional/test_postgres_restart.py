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

"""PostgreSQL restarts while entries are created and booted.

A deployment of its own (an API and a worker on the stack's PostgreSQL,
with simulated providers that record their servers in a file) gets 100
entries from concurrent clients. Once the first 20 are
created and booting, the stack's PostgreSQL stops; the other 80 creates
are sent, and PostgreSQL starts again once every client has one in
flight. A create that fails meanwhile fails cleanly (a client exception)
and is sent again with its ``Idempotency-Key``. Afterwards every entry
runs, none is duplicated, the simulated providers hold exactly the
servers of the entries (no orphan, none twice), and every process, of
the deployment and of the stack's own service, is still the one that ran
before and serves: nothing was restarted by hand.
"""

import concurrent.futures
import os
import subprocess
import threading
import uuid

from omsclient import client
from omsclient.common import exceptions
from omsclient.tests.functional import base
from omsclient.tests.functional import deployment
from openmultistack.providers import simulated

ENTRIES = 100
BEFORE_OUTAGE = 20
CLIENTS = 8
# Safety nets against a hang, not measurements.
CREATE_PATIENCE = 120
RUN_PATIENCE = 180
# What a create may fail with while the database is away: the service
# answers 5xx once its own retries are spent, or the answer is late.
OUTAGE_ERRORS = (exceptions.InternalServerError,
                 exceptions.ServiceUnavailable,
                 exceptions.GatewayTimeout,
                 exceptions.CommunicationError)
STACK_SERVICES = ('oms-api', 'oms-metering', 'oms-worker')
QUEUE_ID_METADATA_KEY = 'openmultistack_queue_id'


class PostgreSQLRestartTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.oms = self.useFixture(deployment.Deployment(
            self.stack, poll_interval=0.1, status_poll_interval=0.2,
            max_concurrent_boots=16, lease_duration=10))
        self.oms.add_simulated_accounts(2, boot_seconds=0.5)
        # One worker: a simulated cloud lives in the memory of one
        # process, so only that process can adopt a server it booted
        # before it lost the database.
        self.record = os.path.join(self.oms.dir, 'servers.json')
        self.worker = self.oms.start_worker(
            'w1', config='[simulated]\nservers_file = %s\n' % self.record)
        self.client = client.Client('1', endpoint=self.oms.api_url)
        self.in_flight = threading.Semaphore(0)
        self.addCleanup(self.start_postgres_if_stopped)

    def stack_pids(self) -> dict:
        status = subprocess.run(
            self.stack['stackctl'] + ['status'], capture_output=True,
            text=True, timeout=base.COMMAND_TIMEOUT, check=True).stdout
        return {name: pid for name, pid in (line.split()
                                            for line in status.splitlines())}

    def start_postgres_if_stopped(self) -> None:
        if self.stack_pids().get('postgres') == 'stopped':
            self.stackctl('restart', 'postgres')

    def create(self, key: str) -> int:
        """Create one entry, sending it again after a clean failure."""
        def attempt():
            self.in_flight.release()
            try:
                return self.client.queues.create(idempotency_key=key).id
            except OUTAGE_ERRORS:
                return None
        return base.wait_for(attempt, CREATE_PATIENCE,
                             'the entry of key %s' % key, interval=1)

    def servers(self) -> list:
        """Every server the simulated providers of the worker hold."""
        return simulated.read_servers_file(self.record)

    def test_entries_survive_a_restart(self):
        processes = [self.oms.api, self.worker]
        stack_pids = {name: self.stack_pids()[name]
                      for name in STACK_SERVICES}
        keys = [str(uuid.uuid4()) for _ in range(ENTRIES)]

        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            queue_ids = list(pool.map(self.create, keys[:BEFORE_OUTAGE]))
            self.stackctl('stop', 'postgres')
            self.in_flight = threading.Semaphore(0)
            during = pool.map(self.create, keys[BEFORE_OUTAGE:])
            for _ in range(CLIENTS):
                self.assertTrue(self.in_flight.acquire(
                    timeout=CREATE_PATIENCE))
            self.stackctl('restart', 'postgres')
            queue_ids += list(during)

        self.assertEqual(ENTRIES, len(set(queue_ids)))
        entries = [self.oms.wait_for_status(queue_id, 'RUN',
                                            timeout=RUN_PATIENCE)
                   for queue_id in queue_ids]
        self.assertEqual(
            sorted(queue_ids),
            sorted(row.id for row in self.oms.rows('SELECT id FROM queues')))
        owners = {entry['instance']['instance_id']: str(entry['id'])
                  for entry in entries}
        self.assertEqual(ENTRIES, len(owners))

        servers = self.servers()
        self.assertEqual(sorted(owners),
                         sorted(server['id'] for server in servers))
        self.assertEqual(owners, {
            server['id']: server['metadata'][QUEUE_ID_METADATA_KEY]
            for server in servers})

        self.assertTrue(all(process.alive() for process in processes),
                        [process.output()[-2000:] for process in processes])
        self.assertEqual(stack_pids, {name: self.stack_pids()[name]
                                      for name in STACK_SERVICES})
        # The stack's own service, on the same PostgreSQL, serves again.
        self.openstack_json('multistack queue list', cloud='oms-member')
