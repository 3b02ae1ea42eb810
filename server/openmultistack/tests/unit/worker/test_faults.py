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

"""Workers held at each step by the ``held`` driver of the tests (fault
injection, :mod:`omsstack_providers.hold`), and whose orphans are swept:
only the deployment's own."""

import datetime
import json
import os

import fixtures
from omsstack_providers import hold

from openmultistack.db import models
from openmultistack.db import types
from openmultistack.providers import base as provider_base
from openmultistack.tests.unit.worker import base

METADATA_KEY = provider_base.QUEUE_ID_METADATA_KEY


class TestHeldProvider(base.WorkerTestCase):

    def setUp(self):
        super().setUp()
        self.account_id = self.add_sim_account('sim-a', driver=hold.NAME)
        # Tried after sim-a: a worker stopping while sim-a timed out hands
        # the entry back instead of trying it.
        self.add_sim_account('sim-b', driver=hold.NAME)
        self.provider_a = self.provider(self.account_id)
        self.markers = self.useFixture(fixtures.TempDir()).path

    def marker(self, point, queue_id):
        path = hold.marker_path(self.markers, point, queue_id)
        self.wait_for(lambda: os.path.exists(path), 'marker %s' % path)
        with open(path) as marker:
            return json.load(marker)

    def test_the_wrapped_driver_without_holds(self):
        queue_id = self.add_queue()
        self.start_worker()
        entry = self.wait_for_status(queue_id, models.RUN)
        self.assertEqual([], os.listdir(self.markers))
        self.assertEqual(
            [entry.instance.instance_id],
            [s.id for s in self.provider_a.find_servers_by_metadata(
                METADATA_KEY, str(queue_id))])

    def test_holds_at_each_boot_point(self):
        for point, status in ((hold.IMPORT_KEYPAIR, models.RECIVE),
                              (hold.BOOT, models.RECIVE),
                              (hold.FIRST_GET, models.BOOT),
                              (hold.ACTIVE, models.BOOT)):
            queue_id = self.add_queue()
            self.hold_at(point, directory=self.markers)
            # An untimed hold answers "timed out" after provider_timeout.
            worker = self.start_worker(lease_duration=3, provider_timeout=2)
            marker = self.marker(point, queue_id)

            self.assertEqual((point, queue_id, 'sim-a'),
                             (marker['point'], marker['queue_id'],
                              marker['provider']))
            entry = self.queue(queue_id)
            # Held: not further along, and still claimed.
            self.assertEqual((status, worker.worker_id),
                             (entry.status, entry.claimed_by), point)
            servers = self.provider_a.find_servers_by_metadata(
                METADATA_KEY, str(queue_id))
            if point == hold.IMPORT_KEYPAIR:
                self.assertEqual([], servers)
            else:
                self.assertEqual([marker['server_id']],
                                 [s.id for s in servers])
            # Stopping hands the held entry back once the held call timed
            # out, with nothing left over.
            self.stop_worker(worker)
            entry = self.queue(queue_id)
            self.assertEqual((models.REQUEST, None),
                             (entry.status, entry.claimed_by), point)
            self.assertEqual([], self.provider_a.find_servers_by_metadata(
                METADATA_KEY, str(queue_id)))
            self.assertFalse(self.provider_a.has_keypair('oms-%d'
                                                         % queue_id))
            self.session_delete(queue_id)

    def test_a_timed_hold_goes_on(self):
        queue_id = self.add_queue()
        self.hold_at(hold.FIRST_GET, directory=self.markers, seconds=0.2)
        self.start_worker()
        entry = self.wait_for_status(queue_id, models.RUN)
        marker = self.marker(hold.FIRST_GET, queue_id)
        self.assertEqual(entry.instance.instance_id, marker['server_id'])

    def session_delete(self, queue_id):
        with self.session() as session:
            session.delete(session.get(models.Queue, queue_id))

    def test_holds_a_deletion_after_asking_for_it(self):
        queue_id = self.add_queue()
        self.start_worker()
        entry = self.wait_for_status(queue_id, models.RUN)
        with self.session() as session:
            session.get(models.Queue, queue_id).status = models.DESTROY
        self.hold_at(hold.DELETE_SERVER, directory=self.markers)
        worker = self.start_worker('worker-2')
        marker = self.marker(hold.DELETE_SERVER, queue_id)
        self.assertEqual(entry.instance.instance_id, marker['server_id'])
        self.assertEqual(models.DESTROY, self.queue(queue_id).status)
        self.stop_worker(worker)
        self.assertEqual(models.DESTROY, self.queue(queue_id).status)


class TestSweepIsFenced(base.WorkerTestCase):

    def test_other_deployments_server_with_same_queue_id_is_kept(self):
        account_id = self.add_sim_account('sim-a')
        provider = self.provider(account_id)
        queue_id = self.add_queue(
            status=models.RECIVE, claimed_by='dead-worker',
            lease_expires=types.utcnow() - datetime.timedelta(seconds=5))
        # Same account, same queue id, another resource prefix.
        provider.create_keypair('other-%d' % queue_id)
        theirs = provider.boot('theirs', provider.find_image(None),
                               provider.find_flavor(None),
                               'other-%d' % queue_id,
                               {METADATA_KEY: str(queue_id)})
        provider.create_keypair('oms-%d' % queue_id)
        orphan = provider.boot('orphan', provider.find_image(None),
                               provider.find_flavor(None),
                               'oms-%d' % queue_id,
                               {METADATA_KEY: str(queue_id)})
        self.start_worker()

        entry = self.wait_for_status(queue_id, models.RUN)

        ids = {s.id for s in provider.find_servers_by_metadata(
            METADATA_KEY, str(queue_id))}
        self.assertEqual({theirs.id, entry.instance.instance_id}, ids)
        self.assertNotIn(orphan.id, ids)
        self.assertTrue(provider.has_keypair('other-%d' % queue_id))


class TestLeaseLostMidBoot(base.WorkerTestCase):

    def test_new_holders_key_pair_is_kept(self):
        # The worker stalls after asking for a server; meanwhile its lease
        # is taken over. It deletes its own server, and not the key pair,
        # which has the name the new holder uses too.
        account_id = self.add_sim_account('sim-a', driver=hold.NAME)
        provider = self.provider(account_id)
        markers = self.useFixture(fixtures.TempDir()).path
        queue_id = self.add_queue()
        self.hold_at(hold.BOOT, directory=markers, seconds=1)
        self.start_worker()
        path = hold.marker_path(markers, hold.BOOT, queue_id)
        self.wait_for(lambda: os.path.exists(path), 'the held boot')
        with open(path) as marker:
            stalled_server = json.load(marker)['server_id']
        with self.session() as session:
            session.get(models.Queue, queue_id).claimed_by = 'new-holder'

        self.wait_for(lambda: not provider.find_servers_by_metadata(
            METADATA_KEY, str(queue_id)), 'the stalled server to go')

        self.assertRaises(provider_base.NotFound, provider.get,
                          stalled_server)
        self.assertTrue(provider.has_keypair('oms-%d' % queue_id))
        entry = self.queue(queue_id)
        self.assertEqual((models.RECIVE, 'new-holder'),
                         (entry.status, entry.claimed_by))
