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


"""/api/providers/ over HTTP: the accounts as the workers found them."""

import datetime

from openmultistack.db import models
from openmultistack.tests.unit.api import base
from openmultistack.tests.unit.api import test_policy

CHECKED = datetime.datetime(2026, 12, 7, 20, 0, 0, 123456,
                            tzinfo=datetime.timezone.utc)


class TestProviders(base.APITestCase):

    def setUp(self):
        super().setUp()
        self.a = self.add_account(provider='a', region_name='RegionOne')
        self.b = self.add_account(provider='b', driver='simulated',
                                  region_name='', status='unavailable')
        self.c = self.add_account(provider='c')
        self.add_state(
            account_id=self.a, reachable=True, instances_used=2,
            instances_max=10, cores_used=2, cores_max=20, ram_used=1024,
            ram_max=51200, checked_at=CHECKED)
        self.add_state(
            account_id=self.b, reachable=False,
            reason='cannot connect to http://b.test (Connection refused)',
            checked_at=CHECKED)
        for status in (models.RUN, models.BOOT):
            self.add_instance(self.add_queue(status=status), self.a)
        # Entries without an instance run nowhere.
        self.add_queue(status=models.REQUEST)

    def add_state(self, **values):
        with self.session() as session:
            session.add(models.ProviderState(**values))

    def get(self, path, status=200):
        return self.assertJSON(self.request('GET', path), status)

    def test_list(self):
        self.assertEqual([
            {'provider': 'a', 'account_id': self.a, 'driver': 'nova',
             'region_name': 'RegionOne', 'status': 'available',
             'reachable': True, 'reason': None,
             'quota': {'instances': {'used': 2, 'limit': 10},
                       'cores': {'used': 2, 'limit': 20},
                       'ram': {'used': 1024, 'limit': 51200}},
             'entries': 2, 'checked_at': '2026-12-07T20:00:00.123456Z'},
            {'provider': 'b', 'account_id': self.b, 'driver': 'simulated',
             'region_name': '', 'status': 'unavailable',
             'reachable': False,
             'reason': 'cannot connect to http://b.test (Connection '
                       'refused)',
             'quota': None, 'entries': 0,
             'checked_at': '2026-12-07T20:00:00.123456Z'},
            {'provider': 'c', 'account_id': self.c, 'driver': 'nova',
             'region_name': 'RegionOne', 'status': 'available',
             'reachable': None, 'reason': None, 'quota': None,
             'entries': 0, 'checked_at': None},
        ], self.get('/api/providers/'))

    def test_show(self):
        self.assertEqual(self.get('/api/providers/')[0],
                         self.get('/api/providers/a/'))
        self.assertIsNone(self.get('/api/providers/c/')['reachable'])

    def test_show_unknown(self):
        self.assertEqual({'detail': 'Not found.'},
                         self.get('/api/providers/nowhere/', 404))

    def test_paging(self):
        def names(query):
            return [p['provider']
                    for p in self.get('/api/providers/?' + query)]
        self.assertEqual(['a'], names('limit=1'))
        self.assertEqual(['b'], names('limit=1&marker=a'))
        self.assertEqual(['b', 'c'], names('marker=a'))
        self.assertEqual([], names('marker=c'))
        self.assertEqual({'marker': ['Marker nowhere not found.']},
                         self.get('/api/providers/?marker=nowhere', 400))
        self.assertEqual(['limit'], list(self.get(
            '/api/providers/?limit=0', 400)))

    def test_a_repeated_name_pages_on_after_its_last(self):
        again = self.add_account(provider='a')
        self.assertEqual([self.a, self.b, self.c, again],
                         [p['account_id'] for p in
                          self.get('/api/providers/')])
        self.assertEqual(self.a, self.get('/api/providers/a/')['account_id'])
        self.assertEqual([], self.get('/api/providers/?marker=a'))

    def test_removed_account_is_gone(self):
        with self.session() as session:
            session.delete(session.get(models.Account, self.c))
        self.get('/api/providers/c/', 404)

    def test_root_names_the_providers(self):
        self.assertEqual(base.BASE + '/api/providers/',
                         self.get('/api/')['providers'])


class TestProviderPolicy(test_policy.PolicyTestCase):

    def test_admin_only(self):
        for path in ('/api/providers/', '/api/providers/prov-a/'):
            for who in (test_policy.ALICE, test_policy.CAROL):
                self.assertJSON(
                    self.request('GET', path, headers=who), 403,
                    {'detail': 'You do not have permission to perform '
                               'this action.'})
        data = self.assertJSON(self.request(
            'GET', '/api/providers/', headers=test_policy.ADMIN), 200)
        self.assertEqual([('prov-a', 2)],
                         [(p['provider'], p['entries']) for p in data])
        self.assertEqual(self.account_id, self.assertJSON(self.request(
            'GET', '/api/providers/prov-a/', headers=test_policy.ADMIN),
            200)['account_id'])
