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

"""Booting entries: failover across providers, FAILED, concurrency."""

from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives import serialization
import fixtures

from openmultistack.db import models
from openmultistack.providers import base as provider_base
from openmultistack.providers import simulated
from openmultistack.tests.unit.worker import base


class TestBoot(base.WorkerTestCase):

    def assertNothingLeftOn(self, account_id, queue_id):
        provider = self.provider(account_id)
        self.assertEqual([], provider.find_servers_by_metadata(
            provider_base.QUEUE_ID_METADATA_KEY, str(queue_id)))
        self.assertFalse(provider.has_keypair('oms-%d' % queue_id))

    def test_events_noted_before_a_delete_are_kept(self):
        # The entry is deleted (as DELETE does) while its server is asked
        # for: the order of the providers, noted before, is still
        # written when the worker passes the entry on to be destroyed.
        account_id = self.add_sim_account('sim-a')
        queue_id = self.add_queue()
        boot = simulated.SimulatedProvider.boot

        def boot_then_deleted(provider, *args, **kwargs):
            with self.session() as session:
                session.get(models.Queue, queue_id).status = models.DESTROY
            return boot(provider, *args, **kwargs)

        self.useFixture(fixtures.MockPatchObject(
            simulated.SimulatedProvider, 'boot', boot_then_deleted))
        self.start_worker()
        self.wait_until_gone(queue_id)
        descs = [desc for _, desc in self.events_of(queue_id)]
        self.assertIn('queue %d: provider order (ordered): sim-a'
                      % queue_id, descs)
        self.assertNothingLeftOn(account_id, queue_id)

    def test_boot_records_the_instance_and_runs(self):
        account_id = self.add_sim_account('sim-a')
        queue_id = self.add_queue()
        self.start_worker()

        entry = self.wait_for_status(queue_id, models.RUN)

        self.assertIsNone(entry.fault)
        self.assertIsNone(entry.claimed_by)
        instance = entry.instance
        self.assertEqual(account_id, instance.account_id)
        self.assertEqual('oms-%d' % queue_id, instance.key_name)
        self.assertEqual('oms-%d' % queue_id, instance.name)
        self.assertTrue(instance.ip_addr.startswith('192.0.2.'))
        # The private key is a real key, of the default type (Ed25519).
        key = serialization.load_ssh_private_key(
            instance.key_raw.encode(), password=None)
        self.assertIsInstance(key, ed25519.Ed25519PrivateKey)
        # The server exists there, tagged with the queue id, with the key.
        provider = self.provider(account_id)
        server = provider.get(instance.instance_id)
        self.assertEqual(provider_base.ACTIVE, server.status)
        self.assertEqual({provider_base.QUEUE_ID_METADATA_KEY:
                          str(queue_id)}, server.metadata)
        self.assertEqual(instance.key_name, server.key_name)
        self.assertTrue(provider.has_keypair(instance.key_name))
        descs = [desc for _, desc in self.events_of(queue_id)]
        self.assertEqual('queue %d: provider order (ordered): sim-a'
                         % queue_id, descs[1])
        self.assertEqual(['RECIVE', 'provider', 'BOOT', 'RUN'],
                         [d.split()[2] for d in descs])
        for desc in descs:
            self.assertNotIn('PRIVATE KEY', desc)

    def test_entry_image_flavor_and_name_are_used(self):
        account_id = self.add_sim_account('sim-a')
        queue_id = self.add_queue(image='ubuntu-22.04', flavor='m1.small',
                                  name='web-1')
        self.start_worker()
        entry = self.wait_for_status(queue_id, models.RUN)
        self.assertEqual('web-1', entry.instance.name)
        server = self.provider(account_id).get(entry.instance.instance_id)
        self.assertEqual('web-1', server.name)

    def test_requested_provider_is_tried_first(self):
        self.add_sim_account('sim-a')
        wanted = self.add_sim_account('sim-b')
        queue_id = self.add_queue(provider='sim-b')
        self.start_worker()
        entry = self.wait_for_status(queue_id, models.RUN)
        self.assertEqual(wanted, entry.instance.account_id)

    def test_unavailable_requested_provider_is_said_and_others_used(self):
        other = self.add_sim_account('sim-a')
        self.add_sim_account('sim-b', status=models.ACCOUNT_UNAVAILABLE)
        queue_id = self.add_queue(provider='sim-b')
        self.start_worker()
        entry = self.wait_for_status(queue_id, models.RUN)
        self.assertEqual(other, entry.instance.account_id)
        self.assertIn(('WARNING', 'queue %d: requested provider sim-b has no '
                       'available account; trying the others' % queue_id),
                      self.events_of(queue_id))

    def test_failover_in_order_cleans_up_each_failed_provider(self):
        failing = [
            self.add_sim_account('down', tenant_name='unreachable'),
            self.add_sim_account('broken', tenant_name='fail'),
            self.add_sim_account('errors', tenant_name='error'),
            self.add_sim_account('full', tenant_name='quota'),
        ]
        good = self.add_sim_account('good')
        queue_id = self.add_queue()
        self.start_worker()

        entry = self.wait_for_status(queue_id, models.RUN)

        self.assertEqual(good, entry.instance.account_id)
        refusals = [desc for level, desc in self.events_of(queue_id)
                    if 'refused' in desc]
        self.assertEqual(['down', 'broken', 'errors', 'full'],
                         [desc.split()[3] for desc in refusals])
        self.assertIn('cannot connect', refusals[0])
        self.assertIn('HTTP 500', refusals[1])
        self.assertIn('went ERROR', refusals[2])
        self.assertIn('quota', refusals[3])
        # The provider whose server went to ERROR had a server and a key
        # pair: both are gone.
        self.assertNothingLeftOn(failing[2], queue_id)

    def test_server_of_a_timed_out_boot_request_is_found_and_deleted(self):
        lossy = self.add_sim_account('lossy', tenant_name='timeout')
        good = self.add_sim_account('good')
        queue_id = self.add_queue()
        self.start_worker()
        entry = self.wait_for_status(queue_id, models.RUN)
        self.assertEqual(good, entry.instance.account_id)
        self.assertNothingLeftOn(lossy, queue_id)

    def test_build_timeout_moves_on(self):
        stuck = self.add_sim_account('stuck', tenant_name='stuck')
        good = self.add_sim_account('good')
        queue_id = self.add_queue()
        self.start_worker(boot_timeout=1)
        entry = self.wait_for_status(queue_id, models.RUN)
        self.assertEqual(good, entry.instance.account_id)
        self.assertIn('still in BUILD after 1 s',
                      ' '.join(d for _, d in self.events_of(queue_id)))
        self.assertNothingLeftOn(stuck, queue_id)

    def test_failed_when_every_provider_refuses(self):
        self.add_sim_account('broken', tenant_name='fail')
        self.add_sim_account('full', tenant_name='quota')
        self.add_sim_account('off', status=models.ACCOUNT_UNAVAILABLE)
        queue_id = self.add_queue()
        self.start_worker()

        entry = self.wait_for_status(queue_id, models.FAILED)

        self.assertIsNone(entry.instance)
        self.assertIsNone(entry.claimed_by)
        self.assertTrue(entry.fault.startswith('every provider refused: '))
        self.assertIn('broken: simulated failure', entry.fault)
        self.assertIn('full: simulated quota exceeded', entry.fault)
        # The unavailable account was not asked.
        self.assertNotIn('off', entry.fault)
        events = self.events_of(queue_id)
        self.assertEqual(('ERROR', 'queue %d: FAILED: %s'
                          % (queue_id, entry.fault)), events[-1])
        self.assertEqual(2, sum(1 for level, desc in events
                                if level == 'WARNING' and 'refused' in desc))

    def test_failed_without_accounts(self):
        queue_id = self.add_queue()
        self.start_worker()
        entry = self.wait_for_status(queue_id, models.FAILED)
        self.assertEqual('no provider account is available', entry.fault)

    def test_unknown_image_is_a_refusal(self):
        self.add_sim_account('sim-a')
        queue_id = self.add_queue(image='no-such-image')
        self.start_worker()
        entry = self.wait_for_status(queue_id, models.FAILED)
        self.assertEqual('every provider refused: sim-a: image '
                         'no-such-image not found', entry.fault)
        self.assertEqual([{'provider': 'sim-a', 'reason': 'no_image',
                           'detail': 'image no-such-image not found'}],
                         entry.skipped)

    def test_configured_defaults_apply(self):
        self.add_sim_account('sim-a')
        queue_id = self.add_queue()
        self.start_worker(default_image='windows')
        entry = self.wait_for_status(queue_id, models.FAILED)
        self.assertIn('image windows not found', entry.fault)

    def test_configured_default_flavor_and_image_are_recorded(self):
        self.add_sim_account('sim-a')
        queue_id = self.add_queue()
        self.start_worker(default_image='debian-12',
                          default_flavor='m1.small')
        instance = self.wait_for_status(queue_id, models.RUN).instance
        self.assertEqual(('2', 'm1.small', 'debian-12'),
                         (instance.flavor_id, instance.flavor_name,
                          instance.image_name))

    def test_requirements_choose_the_flavor_and_image(self):
        account_id = self.add_sim_account('sim-a')
        queue_id = self.add_queue(min_ram=4096,
                                  image_properties={'os_distro': 'ubuntu'})
        self.start_worker()

        entry = self.wait_for_status(queue_id, models.RUN)

        instance = entry.instance
        self.assertEqual(('3', 'm1.medium'),
                         (instance.flavor_id, instance.flavor_name))
        ubuntu = self.provider(account_id).find_image('ubuntu-24.04')
        self.assertEqual((ubuntu, 'ubuntu-24.04'),
                         (instance.image_id, instance.image_name))
        self.assertEqual([], entry.skipped)
        self.assertIn('queue %d: BOOT server %s on provider sim-a (flavor '
                      'm1.medium, image ubuntu-24.04)'
                      % (queue_id, instance.instance_id),
                      [desc for _, desc in self.events_of(queue_id)])

    def test_skipped_providers_are_recorded_in_order(self):
        self.add_sim_account('down', tenant_name='unreachable')
        self.add_sim_account('full', tenant_name='quota')
        self.add_sim_account('slow', tenant_name='timeout')
        self.add_sim_account('broken', tenant_name='fail')
        self.add_sim_account('errors', tenant_name='error')
        good = self.add_sim_account('good')
        queue_id = self.add_queue(flavor='m1.tiny')

        self.start_worker()

        entry = self.wait_for_status(queue_id, models.RUN)
        self.assertEqual(good, entry.instance.account_id)
        self.assertEqual(
            [('down', 'unreachable'), ('full', 'quota'), ('slow', 'timeout'),
             ('broken', 'failed'), ('errors', 'failed')],
            [(skip['provider'], skip['reason']) for skip in entry.skipped])
        self.assertIn('cannot connect', entry.skipped[0]['detail'])
        self.assertIn('went ERROR', entry.skipped[4]['detail'])

    def test_nothing_large_enough_fails_with_each_providers_reason(self):
        first = self.add_sim_account('a')
        self.add_sim_account('b')
        self.add_sim_account('c', tenant_name='unreachable')
        queue_id = self.add_queue(min_ram=999999999)
        self.start_worker()

        entry = self.wait_for_status(queue_id, models.FAILED)

        detail = 'no public flavor with at least 999999999 MB RAM'
        self.assertEqual(
            [{'provider': 'a', 'reason': 'no_flavor', 'detail': detail},
             {'provider': 'b', 'reason': 'no_flavor', 'detail': detail}],
            entry.skipped[:2])
        self.assertEqual('unreachable', entry.skipped[2]['reason'])
        self.assertEqual('every provider refused: a: %s; b: %s; c: %s'
                         % (detail, detail, entry.skipped[2]['detail']),
                         entry.fault)
        self.assertIn(('WARNING', 'queue %d: provider a refused (no_flavor): '
                       '%s' % (queue_id, detail)), self.events_of(queue_id))
        # Nothing was asked of a provider without a flavor to boot.
        self.assertNothingLeftOn(first, queue_id)

    def test_a_named_flavor_below_the_minimums_is_no_flavor(self):
        self.add_sim_account('a')
        queue_id = self.add_queue(flavor='m1.tiny', min_vcpus=2,
                                  image_properties={'os_distro': 'debian'})
        self.start_worker()
        entry = self.wait_for_status(queue_id, models.FAILED)
        self.assertEqual([{'provider': 'a', 'reason': 'no_flavor',
                           'detail': 'flavor m1.tiny has 1 vCPUs, less '
                           'than 2'}], entry.skipped)

    def test_no_matching_image_is_no_image(self):
        self.add_sim_account('a')
        queue_id = self.add_queue(image_properties={'os_distro': 'fedora'})
        self.start_worker()
        entry = self.wait_for_status(queue_id, models.FAILED)
        self.assertEqual('every provider refused: a: no active image with '
                         'os_distro=fedora', entry.fault)
        self.assertEqual('no_image', entry.skipped[0]['reason'])

    def test_concurrent_boots_are_bounded(self):
        self.add_sim_account('stuck', tenant_name='stuck')
        queue_ids = [self.add_queue() for _ in range(5)]
        worker = self.start_worker(max_concurrent_boots=2, boot_timeout=600)

        self.wait_for(
            lambda: all(self.queue(q).status == models.BOOT
                        for q in queue_ids[:2]), 'two servers building')
        # Both slots are taken by servers that never finish: the other
        # entries wait, unclaimed.
        self.assertEqual(set(queue_ids[:2]), worker.in_progress())
        for queue_id in queue_ids[2:]:
            entry = self.queue(queue_id)
            self.assertEqual(models.REQUEST, entry.status)
            self.assertIsNone(entry.claimed_by)

    def test_many_entries_all_run_on_distinct_servers(self):
        account_id = self.add_sim_account('sim-a')
        queue_ids = [self.add_queue() for _ in range(8)]
        self.start_worker(max_concurrent_boots=3)
        entries = [self.wait_for_status(q, models.RUN) for q in queue_ids]
        servers = {e.instance.instance_id for e in entries}
        self.assertEqual(8, len(servers))
        self.assertEqual(8, len({e.instance.ip_addr for e in entries}))
        for entry in entries:
            self.assertEqual(account_id, entry.instance.account_id)
