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


"""Simulated accounts on the first start."""

from openmultistack.db import bootstrap
from openmultistack.db import models
from openmultistack.providers import base as provider_base
from openmultistack.providers import simulated
from openmultistack.tests.unit import base


class TestBootstrap(base.TestCase):

    def providers(self):
        with self.session() as session:
            return [(account.provider, account.driver) for account in
                    session.query(models.Account).order_by(models.Account.id)]

    def test_three_accounts_on_an_empty_database(self):
        with self.session() as session:
            names = bootstrap.simulated_accounts(session, 3)
        self.assertEqual(['simulated-a', 'simulated-b', 'simulated-c'],
                         names)
        self.assertEqual([('simulated-a', 'simulated'),
                          ('simulated-b', 'simulated'),
                          ('simulated-c', 'simulated')], self.providers())
        self.assertIn('simulated-c', self.event_descs()[-1])

    def test_each_account_has_its_own_quota(self):
        with self.session() as session:
            bootstrap.simulated_accounts(session, 4)
        with self.session() as session:
            urls = [account.auth_url for account in session.query(
                models.Account).order_by(models.Account.id)]
        self.assertEqual(
            ['simulated://simulated-a?instances=10&cores=20&ram=51200',
             'simulated://simulated-b?instances=5&cores=10&ram=16384',
             'simulated://simulated-c?instances=20&cores=40&ram=102400',
             'simulated://simulated-d?instances=10&cores=20&ram=51200'],
            urls)
        limits = simulated.SimulatedProvider(provider_base.Credentials(
            provider='simulated-b', auth_url=urls[1], username='simulated',
            password='simulated',
            tenant_name='demo', region_name='RegionOne')).limits()
        self.assertEqual((5, 10, 16384), (limits.instances_max,
                                          limits.cores_max, limits.ram_max))

    def test_only_once(self):
        with self.session() as session:
            bootstrap.simulated_accounts(session, 2)
        with self.session() as session:
            self.assertEqual([], bootstrap.simulated_accounts(session, 2))
        self.assertEqual(2, len(self.providers()))

    def test_not_when_accounts_exist(self):
        self.add_account(provider='real')
        with self.session() as session:
            self.assertEqual([], bootstrap.simulated_accounts(session, 2))
        self.assertEqual([('real', 'nova')], self.providers())

    def test_zero(self):
        with self.session() as session:
            self.assertEqual([], bootstrap.simulated_accounts(session, 0))
        self.assertEqual([], self.providers())
