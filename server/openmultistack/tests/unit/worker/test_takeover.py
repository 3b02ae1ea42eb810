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

"""Taking over the entries of a worker that died (expired lease)."""

import datetime

from openmultistack.db import models
from openmultistack.db import types
from openmultistack.providers import base as provider_base
from openmultistack.tests.unit.worker import base

METADATA_KEY = provider_base.QUEUE_ID_METADATA_KEY


class TestTakeOver(base.WorkerTestCase):

    def setUp(self):
        super().setUp()
        self.account_id = self.add_sim_account('sim-a')
        self.provider_a = self.provider(self.account_id)

    def dead_worker_entry(self, status=models.BOOT) -> int:
        return self.add_queue(
            status=status, claimed_by='dead-worker',
            lease_expires=types.utcnow() - datetime.timedelta(seconds=5))

    def server_for(self, queue_id, name='left-behind'):
        key_name = 'oms-%d' % queue_id
        self.provider_a.create_keypair(key_name)
        return self.provider_a.boot(
            name, self.provider_a.find_image(None),
            self.provider_a.find_flavor(None), key_name,
            {METADATA_KEY: str(queue_id)})

    def servers_of(self, queue_id):
        return self.provider_a.find_servers_by_metadata(METADATA_KEY,
                                                        str(queue_id))

    def test_recorded_server_is_adopted(self):
        queue_id = self.dead_worker_entry()
        server = self.server_for(queue_id)
        self.add_instance(queue_id, self.account_id, name=server.name,
                          instance_id=server.id, ip_addr='',
                          key_name='oms-%d' % queue_id)
        self.start_worker()

        entry = self.wait_for_status(queue_id, models.RUN)

        self.assertEqual(server.id, entry.instance.instance_id)
        self.assertTrue(entry.instance.ip_addr.startswith('192.0.2.'))
        self.assertEqual([server.id], [s.id for s in self.servers_of(
            queue_id)])
        descs = [d for _, d in self.events_of(queue_id)]
        self.assertIn('queue %d: taken over by worker worker-1 from worker '
                      'dead-worker (lease expired)' % queue_id, descs)
        self.assertIn('queue %d: adopting server %s on provider sim-a'
                      % (queue_id, server.id), descs)

    def test_vanished_server_is_booted_again(self):
        queue_id = self.dead_worker_entry()
        self.add_instance(queue_id, self.account_id,
                          instance_id='9e3a1f5c-0000-4000-8000-000000000000',
                          key_name='oms-%d' % queue_id)
        self.start_worker()

        entry = self.wait_for_status(queue_id, models.RUN)

        self.assertNotEqual('9e3a1f5c-0000-4000-8000-000000000000',
                            entry.instance.instance_id)
        self.assertEqual([entry.instance.instance_id],
                         [s.id for s in self.servers_of(queue_id)])

    def test_failed_server_is_deleted_and_booted_again(self):
        errors = self.add_sim_account('errors', tenant_name='error')
        broken = self.provider(errors)
        queue_id = self.dead_worker_entry()
        broken.create_keypair('oms-%d' % queue_id)
        server = broken.boot('x', broken.find_image(None),
                             broken.find_flavor(None), 'oms-%d' % queue_id,
                             {METADATA_KEY: str(queue_id)})
        self.add_instance(queue_id, errors, instance_id=server.id,
                          key_name='oms-%d' % queue_id)
        self.start_worker()

        entry = self.wait_for_status(queue_id, models.RUN)

        self.assertEqual(self.account_id, entry.instance.account_id)
        self.assertRaises(provider_base.NotFound, broken.get, server.id)
        self.assertFalse(broken.has_keypair('oms-%d' % queue_id))

    def test_unrecorded_orphan_is_deleted_and_entry_booted(self):
        # The worker died between asking for a server and recording it.
        queue_id = self.dead_worker_entry(models.RECIVE)
        orphan = self.server_for(queue_id)
        self.start_worker()

        entry = self.wait_for_status(queue_id, models.RUN)

        self.assertNotEqual(orphan.id, entry.instance.instance_id)
        self.assertEqual([entry.instance.instance_id],
                         [s.id for s in self.servers_of(queue_id)])
        self.assertIn('queue %d: deleted orphan server %s on provider sim-a'
                      % (queue_id, orphan.id),
                      [d for _, d in self.events_of(queue_id)])

    def test_live_lease_is_left_alone(self):
        queue_id = self.add_queue(
            status=models.BOOT, claimed_by='alive',
            lease_expires=types.utcnow() + datetime.timedelta(hours=1))
        worker = self.start_worker()
        other = self.add_queue()
        self.wait_for_status(other, models.RUN)
        self.assertNotIn(queue_id, worker.in_progress())
        entry = self.queue(queue_id)
        self.assertEqual((models.BOOT, 'alive'),
                         (entry.status, entry.claimed_by))
