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
from openmultistack.tests.unit import base


class TestBootstrap(base.TestCase):

    def providers(self):
        with self.session() as session:
            return [(account.provider, account.driver) for account in
                    session.query(models.Account).order_by(models.Account.id)]

    def test_two_accounts_on_an_empty_database(self):
        with self.session() as session:
            names = bootstrap.simulated_accounts(session, 2)
        self.assertEqual(['simulated-a', 'simulated-b'], names)
        self.assertEqual([('simulated-a', 'simulated'),
                          ('simulated-b', 'simulated')], self.providers())
        self.assertIn('simulated-b', self.event_descs()[-1])

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
