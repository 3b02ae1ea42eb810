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

"""Workers killed or stopped at each step, against the stack's real Nova.

Each test runs a deployment of its own (:mod:`deployment`) whose workers
boot on the stack's two Nova providers. A first worker is held at a named
call to Nova by the tests' ``held`` driver (fault injection,
``tools/stack/providers``) and killed there with SIGKILL (or stopped with
SIGTERM); a second worker then takes over once
the lease has expired. What is checked is the end state as the service
and as Nova itself report it: the entry settles, and Nova holds exactly
the server and key pair the entry names, nothing else, and nothing at all
after the entry is deleted.
"""

import signal
from typing import Any

from omsclient.tests.functional import base
from omsclient.tests.functional import compute
from omsclient.tests.functional import deployment

# Short leases: a dead worker's entries are taken over within seconds.
WORKER_OPTIONS = {'lease_duration': 4, 'poll_interval': 0.2,
                  'status_poll_interval': 0.2, 'boot_timeout': 120,
                  'provider_timeout': 20, 'delete_timeout': 120,
                  'destroy_retry_interval': 2,
                  'graceful_shutdown_timeout': 30}


class RecoveryTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        for name, provider in self.stack['nova'].items():
            self.require_http(provider['endpoint'], 'Nova provider %s'
                              % name)
        self.novas = {name: compute.client(self.stack, name)
                      for name in self.stack['nova']}
        self.oms = self.useFixture(deployment.Deployment(
            self.stack, **WORKER_OPTIONS))
        self.oms.add_nova_accounts(held=True)
        self.addCleanup(self._nothing_left_behind)

    def on_nova(self) -> dict:
        return deployment.nova_view(self.novas, self.oms.prefix)

    def assert_nova_holds_only(self, *entries: dict) -> None:
        """Nova has the entries' servers and key pairs, nothing else."""
        expected: dict[str, dict[str, Any]] = {
            p: {'servers': {}, 'keypairs': set()} for p in self.novas}
        for entry in entries:
            instance = entry['instance']
            owned = expected[instance['account']['provider']]
            key_name = self.oms.key_name(entry['id'])
            self.assertEqual(key_name, instance['key_name'])
            owned['servers'][instance['instance_id']] = (key_name,
                                                         str(entry['id']))
            owned['keypairs'].add(key_name)
        # A server deleted on take-over may take a moment to go.
        base.wait_for(lambda: self.on_nova() == expected, 120,
                      'Nova to hold only what the entries name: %s'
                      % expected)

    def assert_nothing_on_nova(self) -> None:
        # Nova lists a server it answers DELETED for (which the worker
        # takes as gone) until its compute service has finished with it.
        nothing: dict = {p: {'servers': {}, 'keypairs': set()}
                         for p in self.novas}
        base.wait_for(lambda: self.on_nova() == nothing, 60,
                      'Nova to hold nothing of the entries')

    def delete_and_check_nothing_left(self, queue_id: int) -> None:
        self.oms.call('DELETE', '/api/queues/%d/' % queue_id, 204)
        self.oms.wait_until_gone(queue_id)
        self.assert_nothing_on_nova()

    def _nothing_left_behind(self):
        # Whatever the outcome, leave the shared Nova providers clean.
        for provider, owned in self.on_nova().items():
            nova = self.novas[provider]
            for server_id in owned['servers']:
                nova.servers.delete(server_id)
            for name in owned['keypairs']:
                nova.keypairs.delete(name)

    def row(self, queue_id):
        return self.oms.row(queue_id)


class SigkillTest(RecoveryTestCase):
    """SIGKILL at each step; a second worker takes over after the lease."""

    def crash_at(self, point: str, status: str):
        first = self.oms.start_worker('first', hold_at=[point])
        queue_id = self.oms.create_entry()
        marker = self.oms.wait_marker(point, queue_id)

        first.kill(signal.SIGKILL)
        first.wait(60)
        row = self.row(queue_id)
        # Killed while holding the entry: still claimed by the dead worker.
        self.assertEqual((status, 'first'), (row.status, row.claimed_by))

        self.oms.start_worker('second')
        entry = self.oms.wait_for_status(queue_id, 'RUN')

        self.assertIn('queue %d: taken over by worker second from worker '
                      'first (lease expired)' % queue_id,
                      self.oms.events(queue_id))
        self.assert_nova_holds_only(entry)
        return queue_id, marker, entry

    def test_killed_after_claiming(self):
        queue_id, marker, entry = self.crash_at('import-keypair', 'RECIVE')
        self.assertNotIn('server_id', marker)
        self.delete_and_check_nothing_left(queue_id)

    def assert_server_event(self, queue_id, marker, what):
        """The log says what the worker did with the recorded server."""
        self.assertIn('queue %d: %s server %s on provider %s'
                      % (queue_id, what, marker['server_id'],
                         marker['provider']),
                      self.oms.events(queue_id))

    def assert_adopted(self, queue_id, marker, entry):
        """The recorded server is adopted, not booted again."""
        self.assertEqual(marker['server_id'],
                         entry['instance']['instance_id'])
        self.delete_and_check_nothing_left(queue_id)

    def test_killed_after_asking_for_the_server(self):
        # Nova has the server; the entry does not name it: found by the
        # queue id in its metadata, deleted, and the entry booted again.
        queue_id, marker, entry = self.crash_at('boot', 'RECIVE')
        self.assertNotEqual(marker['server_id'],
                            entry['instance']['instance_id'])
        self.assert_server_event(queue_id, marker, 'deleted orphan')
        self.delete_and_check_nothing_left(queue_id)

    def test_killed_during_build(self):
        self.assert_adopted(*self.crash_at('first-get', 'BOOT'))

    def test_killed_after_the_boot_before_run(self):
        queue_id, marker, entry = self.crash_at('active', 'BOOT')
        self.assert_server_event(queue_id, marker, 'adopting')
        self.assert_adopted(queue_id, marker, entry)

    def test_killed_during_delete(self):
        first = self.oms.start_worker('first', hold_at=['delete-server'])
        queue_id = self.oms.create_entry()
        entry = self.oms.wait_for_status(queue_id, 'RUN')
        self.assert_nova_holds_only(entry)

        self.oms.call('DELETE', '/api/queues/%d/' % queue_id, 204)
        marker = self.oms.wait_marker('delete-server', queue_id)
        first.kill(signal.SIGKILL)
        first.wait(60)
        self.assertEqual(entry['instance']['instance_id'],
                         marker['server_id'])
        row = self.row(queue_id)
        self.assertEqual(('DESTROY', 'first'), (row.status, row.claimed_by))

        self.oms.start_worker('second')
        self.oms.wait_until_gone(queue_id)
        self.assert_nothing_on_nova()


class SigtermTest(RecoveryTestCase):
    """SIGTERM in the middle of boots: they finish, or are handed back."""

    ENTRIES = 3

    def sigterm_while_building(self, expected_status, **worker_options):
        """Stop a worker with SIGTERM while it builds every entry.

        Each entry is then in ``expected_status``, claimed by no worker.
        """
        worker = self.oms.start_worker(
            'first', hold_at=['first-get'], **worker_options)
        queue_ids = [self.oms.create_entry() for _ in range(self.ENTRIES)]
        for queue_id in queue_ids:
            self.oms.wait_marker('first-get', queue_id)

        worker.kill(signal.SIGTERM)
        self.assertEqual(0, worker.wait(120))

        for queue_id in queue_ids:
            row = self.row(queue_id)
            self.assertEqual((expected_status, None),
                             (row.status, row.claimed_by))
        return queue_ids

    def test_boots_in_progress_finish(self):
        # Held in BUILD for a few seconds each, well within the grace
        # period: SIGTERM arrives while all of them are booting.
        queue_ids = self.sigterm_while_building(
            'RUN', hold_seconds=5, graceful_shutdown_timeout=60)
        self.assert_nova_holds_only(
            *[self.oms.entry(q) for q in queue_ids])

    def test_boots_held_past_the_grace_period_are_handed_back(self):
        queue_ids = self.sigterm_while_building(
            'REQUEST', graceful_shutdown_timeout=1)
        # What was created for them is gone from Nova.
        base.wait_for(lambda: not any(
            owned['servers'] or owned['keypairs']
            for owned in self.on_nova().values()), 120,
            'the handed back entries to leave nothing on Nova')

        # Handed back, not stuck: the next worker boots them at once.
        self.oms.start_worker('second')
        for queue_id in queue_ids:
            self.oms.wait_for_status(queue_id, 'RUN')
        self.assert_nova_holds_only(
            *[self.oms.entry(q) for q in queue_ids])
