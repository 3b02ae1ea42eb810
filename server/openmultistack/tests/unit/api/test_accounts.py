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


"""/api/accounts/ over HTTP: the password never comes back."""

from openmultistack.db import models
from openmultistack.tests.unit.api import base

PASSWORD = 'Very-Secret-Password-9'
NEW_ACCOUNT = {'provider': 'conoha', 'username': 'oms',
               'password': PASSWORD, 'auth_url': 'https://id.test/v3',
               'tenant_name': 'gnct1', 'tenant_id': 'abc',
               'region_name': 'tyo1', 'version': '2.1'}


class TestAccounts(base.APITestCase):

    def create(self, **fields):
        body = dict(NEW_ACCOUNT, **fields)
        return self.request('POST', '/api/accounts/', body)

    def assertNoSecret(self, response):
        self.assertNotIn(PASSWORD.encode(), response.data)
        self.assertNotIn('password', response.get_json()
                         if isinstance(response.get_json(), dict) else {})
        self.assertNotIn(PASSWORD, self.logs.output)
        for desc in self.event_descs():
            self.assertNotIn(PASSWORD, desc)

    def test_create(self):
        response = self.create()
        account = self.assertJSON(response, 201)
        self.assertNoSecret(response)
        self.assertEqual('%s/api/accounts/%d/' % (base.BASE, account['id']),
                         response.headers['Location'])
        expected = dict(NEW_ACCOUNT, id=account['id'], driver='nova',
                        user_domain_name='Default',
                        project_domain_name='Default', status='available',
                        regist_date=account['regist_date'])
        del expected['password']
        self.assertEqual(expected, account)
        row = self.get_row(models.Account, account['id'])
        self.assertEqual(PASSWORD, row.password)
        self.assertIn('registered', self.event_descs()[-1])

    def test_create_nova_needs_credentials(self):
        data = self.assertJSON(self.request(
            'POST', '/api/accounts/', {'provider': 'p'}), 400)
        self.assertEqual({'username', 'password', 'auth_url',
                          'tenant_name'}, set(data))

    def test_create_simulated(self):
        account = self.assertJSON(self.request(
            'POST', '/api/accounts/',
            {'provider': 'sim', 'driver': 'simulated'}), 201)
        self.assertEqual(('simulated', ''),
                         (account['driver'], account['auth_url']))

    def test_create_bad_fields(self):
        data = self.assertJSON(self.create(
            driver='xen', status='broken', auth_url='not a url',
            provider=None, extra=1), 400)
        self.assertEqual({'driver', 'status', 'auth_url', 'provider',
                          'extra'}, set(data))
        with self.session() as session:
            self.assertEqual(0, session.query(models.Account).count())

    def test_list_and_get(self):
        first = self.assertJSON(self.create(), 201)
        second = self.assertJSON(self.create(provider='other'), 201)
        response = self.request('GET', '/api/accounts/')
        listed = self.assertJSON(response, 200)
        self.assertEqual([first, second], listed)
        self.assertNotIn(PASSWORD.encode(), response.data)
        response = self.request('GET', '/api/accounts/%d/' % second['id'])
        self.assertEqual(second, self.assertJSON(response, 200))
        self.assertNoSecret(response)

    def test_marker_of_a_removed_account(self):
        ids = [self.assertJSON(self.create(provider='p%d' % n), 201)['id']
               for n in range(3)]
        self.assertEqual(204, self.request(
            'DELETE', '/api/accounts/%d/' % ids[0]).status_code)
        data = self.assertJSON(self.request(
            'GET', '/api/accounts/?limit=1&marker=%d' % ids[0]), 400)
        self.assertEqual({'marker': ['Marker %d not found.' % ids[0]]}, data)
        listed = self.assertJSON(self.request(
            'GET', '/api/accounts/?limit=1&marker=%d' % ids[1]), 200)
        self.assertEqual([ids[2]], [account['id'] for account in listed])
        self.assertJSON(self.request('GET', '/api/accounts/?marker=-1'),
                        400)

    def test_filters(self):
        ids = {}
        for provider, region, status in (
                ('conoha', 'tyo1', 'available'),
                ('conoha', 'tyo2', 'unavailable'),
                ('other', 'tyo1', 'available')):
            account = self.assertJSON(self.create(
                provider=provider, region_name=region, status=status), 201)
            ids[provider, region] = account['id']

        def listed(query):
            return [account['id'] for account in self.assertJSON(
                self.request('GET', '/api/accounts/?' + query), 200)]

        self.assertEqual([ids['conoha', 'tyo1'], ids['conoha', 'tyo2']],
                         listed('provider=conoha'))
        self.assertEqual([ids['conoha', 'tyo2']],
                         listed('provider=conoha&status=unavailable'))
        self.assertEqual([ids['conoha', 'tyo1'], ids['other', 'tyo1']],
                         listed('region_name=tyo1'))
        self.assertEqual([ids['conoha', 'tyo2'], ids['other', 'tyo1']],
                         listed('region_name=tyo2&provider=conoha'
                                '&provider=other&region_name=tyo1'
                                '&marker=%d' % ids['conoha', 'tyo1']))
        self.assertEqual([ids['conoha', 'tyo1']],
                         listed('provider=conoha&limit=1'))
        self.assertEqual([], listed('provider=CONOHA'))
        # Parameters that filter nothing are ignored, as by the original.
        self.assertEqual(3, len(listed('password=x&page=2')))

    def test_unknown_status_filter(self):
        data = self.assertJSON(self.request(
            'GET', '/api/accounts/?status=enabled&status=available'), 400)
        self.assertEqual({'status': ['Unknown value "enabled"; valid '
                                     'values: available, unavailable.']},
                         data)

    def test_patch(self):
        account = self.assertJSON(self.create(), 201)
        response = self.request('PATCH', '/api/accounts/%d/' % account['id'],
                                {'status': 'unavailable',
                                 'password': 'Other-Secret-77'})
        changed = self.assertJSON(response, 200)
        self.assertEqual('unavailable', changed['status'])
        self.assertEqual('conoha', changed['provider'])
        self.assertNotIn(b'Other-Secret-77', response.data)
        row = self.get_row(models.Account, account['id'])
        self.assertEqual('Other-Secret-77', row.password)
        self.assertIn('password, status', self.event_descs()[-1])
        self.assertNotIn('Other-Secret-77', self.event_descs()[-1])

    def test_put_needs_the_required_fields(self):
        account = self.assertJSON(self.create(), 201)
        response = self.request('PUT', '/api/accounts/%d/' % account['id'],
                                {'status': 'unavailable'})
        data = self.assertJSON(response, 400)
        self.assertEqual(['This field is required.'], data['provider'])

    def test_put_keeps_password_when_absent(self):
        account = self.assertJSON(self.create(), 201)
        body = dict(NEW_ACCOUNT, region_name='tyo2')
        del body['password']
        changed = self.assertJSON(self.request(
            'PUT', '/api/accounts/%d/' % account['id'], body), 200)
        self.assertEqual('tyo2', changed['region_name'])
        self.assertEqual(PASSWORD,
                         self.get_row(models.Account, account['id']).password)

    def test_patch_cannot_empty_a_nova_account(self):
        account = self.assertJSON(self.create(), 201)
        self.assertJSON(self.request(
            'PATCH', '/api/accounts/%d/' % account['id'],
            {'driver': 'nova', 'username': None}), 400)

    def test_delete(self):
        account = self.assertJSON(self.create(), 201)
        response = self.request('DELETE', '/api/accounts/%d/' % account['id'])
        self.assertEqual(204, response.status_code)
        self.assertJSON(self.request(
            'GET', '/api/accounts/%d/' % account['id']), 404)
        self.assertIn('removed', self.event_descs()[-1])

    def test_delete_in_use(self):
        account_id = self.add_account()
        self.add_instance(self.add_queue(status=models.RUN), account_id)
        data = self.assertJSON(self.request(
            'DELETE', '/api/accounts/%d/' % account_id), 409)
        self.assertIn('instance', data['detail'])
        self.assertIsNotNone(self.get_row(models.Account, account_id))

    def test_unknown(self):
        for method in ('GET', 'PATCH', 'PUT', 'DELETE'):
            self.assertJSON(self.request(method, '/api/accounts/7/', {}),
                            404, {'detail': 'Not found.'})
