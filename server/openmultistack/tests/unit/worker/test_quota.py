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

"""Quota-aware booting: the provider order, skips, the provider state."""

import sqlalchemy as sa

from openmultistack.db import api as db_api
from openmultistack.db import models
from openmultistack.providers import base as provider_base
from openmultistack.tests.unit.worker import base
from openmultistack.worker import context as worker_context
from openmultistack.worker import limits


class NoLimits(provider_base.Provider):
    """A driver that cannot tell its limits (the base's default)."""

    find_image = find_flavor = import_keypair = delete_keypair = None
    boot = get = delete_server = find_servers_by_metadata = None


NoLimits.__abstractmethods__ = frozenset()


class TestQuotaAwareBoot(base.WorkerTestCase):

    def add_quota_account(self, provider, quota='', **fields):
        return self.add_sim_account(
            provider, auth_url='simulated://%s?boot_seconds=0.05%s'
            % (provider, quota), **fields)

    def descs(self, queue_id):
        return [desc for _, desc in self.events_of(queue_id)]

    def test_provider_without_room_is_skipped(self):
        full = self.add_quota_account('full', '&instances=0')
        good = self.add_quota_account('good', '&instances=10&ram=512')
        queue_id = self.add_queue()
        # No periodic check: the state is the one read before the boot.
        self.start_worker(provider_check_interval=0)

        entry = self.wait_for_status(queue_id, models.RUN)

        self.assertEqual(good, entry.instance.account_id)
        self.assertIn(('WARNING', 'queue %d: provider full refused (quota): '
                       'instances 0 of 0 used' % queue_id),
                      self.events_of(queue_id))
        # Nothing was asked of it: not even a key pair.
        self.assertFalse(self.provider(full).has_keypair('oms-%d'
                                                         % queue_id))
        state = self.get_row(models.ProviderState, good)
        self.assertEqual((True, 0, 10, 0, 512), (
            state.reachable, state.instances_used, state.instances_max,
            state.ram_used, state.ram_max))

    def test_failed_names_each_provider_without_room(self):
        self.add_quota_account('full', '&instances=0')
        self.add_quota_account('small', '&ram=256')
        queue_id = self.add_queue()
        self.start_worker()
        entry = self.wait_for_status(queue_id, models.FAILED)
        self.assertEqual('every provider refused: full: instances 0 of 0 '
                         'used; small: needs 512 MB RAM, 256 of 256 MB free',
                         entry.fault)

    def test_cached_limits_count_the_servers_asked_for(self):
        account = self.add_quota_account('one', '&instances=1')
        queue_id = self.add_queue()
        # No periodic check: its read would replace the one counted.
        worker = self.start_worker(limits_cache_seconds=3600,
                                   provider_check_interval=0)
        self.wait_for_status(queue_id, models.RUN)
        # Read before the boot (0 of 1 used), cached for an hour, and the
        # server asked for counted in.
        self.assertEqual((True, 1), (
            worker.ctx.limits.get(account, 3600)[0],
            worker.ctx.limits.get(account, 3600)[1].instances_used))
        second = self.add_queue()
        entry = self.wait_for_status(second, models.FAILED)
        self.assertEqual('every provider refused: one: instances 1 of 1 '
                         'used', entry.fault)

    def test_most_free_first_unknown_last(self):
        half = self.add_quota_account('half', '&instances=2')
        self.add_quota_account('down', tenant_name='unreachable')
        free = self.add_quota_account('free')
        provider = self.provider(half)
        provider.create_keypair('k')
        provider.boot('other', provider.find_image(None),
                      provider.find_flavor(None), 'k', {})
        queue_id = self.add_queue()
        self.start_worker(provider_order='most-free')
        entry = self.wait_for_status(queue_id, models.RUN)
        self.assertEqual(free, entry.instance.account_id)
        self.assertIn('queue %d: provider order (most-free): free, half, '
                      'down' % queue_id, self.descs(queue_id))

    def test_spread_takes_turns(self):
        self.add_quota_account('a')
        self.add_quota_account('b')
        self.start_worker(provider_order='spread')
        orders = set()
        for _ in range(2):
            queue_id = self.add_queue()
            self.wait_for_status(queue_id, models.RUN)
            orders.update(d.split(': ', 2)[2] for d in self.descs(queue_id)
                          if 'provider order (spread)' in d)
        self.assertEqual({'a, b', 'b, a'}, orders)

    def test_requested_provider_first_in_the_order(self):
        self.add_quota_account('a')
        wanted = self.add_quota_account('b')
        queue_id = self.add_queue(provider='b')
        self.start_worker(provider_order='spread')
        entry = self.wait_for_status(queue_id, models.RUN)
        self.assertEqual(wanted, entry.instance.account_id)
        self.assertIn('queue %d: provider order (spread): b, a' % queue_id,
                      self.descs(queue_id))

    def test_boots_on_a_schema_without_the_state_table(self):
        # The schema of the previous release, as during a rolling upgrade.
        with db_api.get_engine().begin() as connection:
            connection.execute(sa.text('DROP TABLE provider_state'))
        self.add_quota_account('a', '&instances=1')
        queue_id = self.add_queue()
        self.start_worker()
        self.wait_for_status(queue_id, models.RUN)
        self.assertIn('Could not record the state of provider account 1: ',
                      self.logs.output)
        self.assertNotIn('Traceback', self.logs.output)

    def test_every_account_is_checked_periodically(self):
        up = self.add_quota_account('up', '&cores=4')
        down = self.add_quota_account('down', tenant_name='unreachable',
                                      status=models.ACCOUNT_UNAVAILABLE)
        self.start_worker(provider_check_interval=60)
        self.wait_for(lambda: self.get_row(models.ProviderState, down),
                      'the state of the accounts')
        state = self.wait_for(lambda: self.get_row(models.ProviderState, up),
                              'the state of the first account')
        self.assertEqual((True, None, 0, 4), (
            state.reachable, state.reason, state.cores_used,
            state.cores_max))
        state = self.get_row(models.ProviderState, down)
        self.assertFalse(state.reachable)
        self.assertIn('cannot connect', state.reason)
        self.assertIsNone(state.instances_max)


class TestProviderState(base.WorkerTestCase):

    def setUp(self):
        super().setUp()
        self.ctx = worker_context.Context(
            sessionmaker=db_api.get_sessionmaker(), worker_id='w',
            options=base.CONF.worker)

    def account(self, account_id):
        return self.get_row(models.Account, account_id)

    def test_check_writes_then_updates_one_row(self):
        account = self.account(self.add_sim_account(
            'sim', auth_url='simulated://sim?instances=3'))
        self.assertEqual(3, limits.check(self.ctx, account).instances_max)
        first = self.get_row(models.ProviderState, account.id)
        provider = self.provider(account.id)
        provider.create_keypair('k')
        provider.boot('vm', provider.find_image(None), '2', 'k', {})
        limits.check(self.ctx, account)
        with self.session() as session:
            [state] = session.query(models.ProviderState).all()
        self.assertEqual((1, 2048), (state.instances_used, state.ram_used))
        self.assertGreaterEqual(state.checked_at, first.checked_at)

    def test_unreachable_then_back(self):
        account = self.account(self.add_sim_account(
            'sim', tenant_name='unreachable'))
        self.assertIsNone(limits.check(self.ctx, account))
        state = self.get_row(models.ProviderState, account.id)
        self.assertEqual((False, 'simulated outage: cannot connect to '
                          'simulated://sim?boot_seconds=0.05'),
                         (state.reachable, state.reason))
        # Cached as unknown: not asked again meanwhile.
        self.assertEqual((True, None), self.ctx.limits.get(account.id, 10))
        with self.session() as session:
            session.get(models.Account, account.id).tenant_name = 'demo'
        limits.check(self.ctx, self.account(account.id))
        state = self.get_row(models.ProviderState, account.id)
        self.assertEqual((True, None, 0), (state.reachable, state.reason,
                                           state.instances_used))

    def test_driver_without_limits(self):
        account = self.account(self.add_sim_account('sim'))
        provider = NoLimits(provider_base.Credentials(provider='sim',
                                                      auth_url=''))
        self.assertIsNone(limits.read(self.ctx, account, provider))
        state = self.get_row(models.ProviderState, account.id)
        self.assertEqual((None, None, None), (
            state.reachable, state.reason, state.instances_max))

    def test_read_uses_the_cache(self):
        account = self.account(self.add_sim_account(
            'sim', auth_url='simulated://sim?instances=3'))
        limits.read(self.ctx, account)
        with self.session() as session:
            session.query(models.ProviderState).delete()
        self.assertEqual(3, limits.read(self.ctx, account).instances_max)
        self.assertIsNone(self.get_row(models.ProviderState, account.id))

    def test_a_removed_account_is_not_recorded(self):
        account = self.account(self.add_sim_account('sim'))
        with self.session() as session:
            session.delete(session.get(models.Account, account.id))
        limits.check(self.ctx, account)
        self.assertIsNone(self.get_row(models.ProviderState, account.id))
