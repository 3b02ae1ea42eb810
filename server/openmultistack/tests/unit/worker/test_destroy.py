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

"""Destroying entries: server, key pair, then the entry."""

import datetime

from openmultistack.db import models
from openmultistack.db import types
from openmultistack.providers import base as provider_base
from openmultistack.tests.unit.worker import base

METADATA_KEY = provider_base.QUEUE_ID_METADATA_KEY


class TestDestroy(base.WorkerTestCase):

    def boot_one(self, account_id):
        queue_id = self.add_queue()
        worker = self.start_worker()
        entry = self.wait_for_status(queue_id, models.RUN)
        return worker, queue_id, entry.instance

    def request_destroy(self, queue_id):
        # What the API does on DELETE.
        with self.session() as session:
            entry = session.get(models.Queue, queue_id)
            entry.status = models.DESTROY
            entry.claimed_by = None
            entry.lease_expires = None

    def test_destroy_deletes_server_key_pair_and_entry(self):
        account_id = self.add_sim_account('sim-a')
        _, queue_id, instance = self.boot_one(account_id)
        provider = self.provider(account_id)
        self.assertTrue(provider.has_keypair(instance.key_name))

        self.request_destroy(queue_id)
        self.wait_until_gone(queue_id)

        self.assertRaises(provider_base.NotFound, provider.get,
                          instance.instance_id)
        self.assertFalse(provider.has_keypair(instance.key_name))
        self.assertIsNone(self.get_row(models.Instance, instance.id))
        self.assertEqual(
            'queue %d: destroyed (server %s on provider sim-a deleted)'
            % (queue_id, instance.instance_id),
            self.events_of(queue_id)[-1][1])

    def test_unreachable_provider_is_retried_later(self):
        account_id = self.add_sim_account('sim-a')
        _, queue_id, instance = self.boot_one(account_id)
        # The provider goes down.
        with self.session() as session:
            session.get(models.Account, account_id).tenant_name = (
                'unreachable')

        self.request_destroy(queue_id)

        def postponed():
            if any('could not destroy' in desc
                   for _, desc in self.events_of(queue_id)):
                return self.queue(queue_id)
        entry = self.wait_for(postponed, 'the deletion to fail')

        # Kept, and nobody claims it again before the retry interval.
        self.assertEqual(models.DESTROY, entry.status)
        self.assertGreater(entry.lease_expires,
                           types.utcnow() + datetime.timedelta(seconds=30))
        self.assertIsNotNone(self.get_row(models.Instance, instance.id))

        # The provider is back and the retry time has come.
        with self.session() as session:
            session.get(models.Account, account_id).tenant_name = 'demo'
            session.get(models.Queue, queue_id).lease_expires = (
                types.utcnow())
        self.wait_until_gone(queue_id)
        self.assertEqual([], self.provider(account_id)
                         .find_servers_by_metadata(METADATA_KEY,
                                                   str(queue_id)))

    def test_server_that_outlives_its_deletion_is_retried(self):
        account_id = self.add_sim_account('sticky', tenant_name='undeletable')
        _, queue_id, instance = self.boot_one(account_id)
        self.config.config(group='worker', delete_timeout=1)

        self.request_destroy(queue_id)

        def postponed():
            return [desc for _, desc in self.events_of(queue_id)
                    if 'could not destroy' in desc]
        [desc] = self.wait_for(postponed, 'the deletion to fail')
        self.assertIn('server %s still exists 1 s after its deletion'
                      % instance.instance_id, desc)
        self.assertEqual(models.DESTROY, self.queue(queue_id).status)

    def test_destroy_without_instance_sweeps_orphans(self):
        # A worker died after asking for a server, before recording it.
        account_id = self.add_sim_account('sim-a')
        queue_id = self.add_queue(status=models.DESTROY)
        provider = self.provider(account_id)
        provider.create_keypair('oms-%d' % queue_id)
        orphan = provider.boot('orphan', provider.find_image(None),
                               provider.find_flavor(None),
                               'oms-%d' % queue_id,
                               {METADATA_KEY: str(queue_id)})
        untouched = provider.boot('other', provider.find_image(None),
                                  provider.find_flavor(None),
                                  'oms-%d' % queue_id,
                                  {METADATA_KEY: str(queue_id + 1)})
        self.start_worker()

        self.wait_until_gone(queue_id)

        self.assertRaises(provider_base.NotFound, provider.get, orphan.id)
        self.assertEqual(untouched.id, provider.get(untouched.id).id)
        self.assertFalse(provider.has_keypair('oms-%d' % queue_id))
        self.assertIn('queue %d: deleted orphan server %s on provider sim-a'
                      % (queue_id, orphan.id),
                      [d for _, d in self.events_of(queue_id)])

    def test_destroy_while_booting_cleans_up(self):
        account_id = self.add_sim_account('stuck', tenant_name='stuck')
        queue_id = self.add_queue()
        self.start_worker(boot_timeout=600)
        entry = self.wait_for_status(queue_id, models.BOOT)
        self.assertIsNotNone(entry.instance)

        self.request_destroy(queue_id)
        self.wait_until_gone(queue_id)

        provider = self.provider(account_id)
        self.assertEqual([], provider.find_servers_by_metadata(
            METADATA_KEY, str(queue_id)))
        self.assertFalse(provider.has_keypair('oms-%d' % queue_id))
