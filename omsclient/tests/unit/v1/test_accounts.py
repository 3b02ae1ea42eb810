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

from omsclient.common import exceptions
from omsclient.tests.unit import fixtures as oms_fixtures
from omsclient.v1 import accounts

ACCOUNTS = oms_fixtures.API + '/accounts/'
ACCOUNT = {'id': 1, 'provider': 'conoha', 'username': 'gncu1',
           'auth_url': 'https://identity.tyo1.conoha.io/v2.0',
           'tenant_name': 'gnct26543406', 'tenant_id': 'abc',
           'region_name': 'tyo1', 'version': '2', 'status': 'available',
           'regist_date': '2016-08-01T00:00:00Z'}
DJANGO_404 = ('<!DOCTYPE html><html><head><title>Page not found at '
              '/api/accounts/</title></head></html>')


class TestAccounts(oms_fixtures.TestCase):

    def setUp(self):
        super().setUp()
        self.accounts = self.make_client().accounts
        self.requests.get(oms_fixtures.API + '/',
                          json=oms_fixtures.REFERENCE_ROOT)

    def test_create(self):
        # Even a server that echoed the password back would not make the
        # client keep it.
        self.requests.post(ACCOUNTS, status_code=201,
                           json=dict(ACCOUNT, password='hunter2'))
        account = self.accounts.create(provider='conoha',
                                       password='hunter2')
        self.assertIsInstance(account, accounts.Account)
        self.assertEqual({'provider': 'conoha', 'password': 'hunter2'},
                         self.calls('POST')[0].json())
        self.assertRaises(AttributeError, getattr, account, 'password')
        self.assertEqual(ACCOUNT, account.to_dict(include_secrets=True))
        self.assertNotIn('hunter2', repr(account))

    def test_create_field_errors(self):
        self.requests.post(ACCOUNTS, status_code=400,
                           json={'auth_url': ['Enter a valid URL.']})
        exc = self.assertRaises(exceptions.BadRequest,
                                self.accounts.create, auth_url='x')
        self.assertEqual('auth_url: Enter a valid URL. (HTTP 400)', str(exc))
        self.assertEqual({'auth_url': ['Enter a valid URL.']}, exc.details)

    def test_list(self):
        self.requests.get(ACCOUNTS, json=[ACCOUNT, dict(ACCOUNT, id=2)])
        listing = self.accounts.list()
        self.assertEqual([], self.calls('GET'))
        self.assertEqual([1, 2], [a.id for a in listing])

    def test_get(self):
        self.requests.get(ACCOUNTS + '1/', json=ACCOUNT)
        self.assertEqual('tyo1', self.accounts.get(1).region_name)

    def test_get_missing_account(self):
        self.requests.get(ACCOUNTS + '9/', status_code=404,
                          json=oms_fixtures.NOT_FOUND)
        self.assertRaises(exceptions.NotFound, self.accounts.get, 9)

    def test_update(self):
        self.requests.patch(ACCOUNTS + '1/',
                            json=dict(ACCOUNT, status='unavailable'))
        account = self.accounts.update(1, status='unavailable',
                                       password='new')
        self.assertEqual('unavailable', account.status)
        self.assertEqual({'status': 'unavailable', 'password': 'new'},
                         self.calls('PATCH')[0].json())
        self.assertNotIn('password', account.to_dict(include_secrets=True))

    def test_delete(self):
        self.requests.delete(ACCOUNTS + '1/', status_code=204)
        self.assertIsNone(self.accounts.delete(1))
        self.assertEqual(1, len(self.calls('DELETE')))

    def test_forbidden(self):
        self.requests.get(ACCOUNTS, status_code=403, json={
            'detail': 'You do not have permission to perform this action.'})
        self.assertRaises(exceptions.Forbidden, list, self.accounts.list())


def accounts_of(*providers):
    """Accounts 1, 2, ... of these providers, alternately available."""
    return [dict(ACCOUNT, id=number, provider=provider,
                 status=('available', 'unavailable')[number % 2 == 0])
            for number, provider in enumerate(providers, 1)]


#: The filters of the reference service, by the field each compares.
FILTERS = {name: (lambda entry, name=name: entry[name])
           for name in ('provider', 'region_name', 'status')}


class TestAccountList(oms_fixtures.TestCase):
    """Filters and pages, with servers that honour some or none of them."""

    def serve(self, entries, filters=FILTERS, paged=True, max_limit=None):
        self.server = oms_fixtures.FakeListServer(entries, filters, paged,
                                                  max_limit)
        self.requests.get(ACCOUNTS, json=self.server)
        return self.make_client().accounts

    def ids(self, accounts, **kwargs):
        return [account.id for account in accounts.list(**kwargs)]

    def test_filters_are_sent(self):
        accounts = self.serve(accounts_of('a', 'b', 'a', 'a'))
        self.assertEqual([3], self.ids(accounts, provider='a',
                                       status='available', marker=1))
        self.assertEqual([{'provider': ['a'], 'status': ['available'],
                           'marker': ['1']}], self.server.queries)

    def test_filters_ignored_by_the_server(self):
        accounts = self.serve(accounts_of('a', 'b', 'a', 'a'), filters={})
        self.assertEqual([1, 3], self.ids(accounts, provider='a',
                                          region_name='tyo1',
                                          status='available'))
        self.assertEqual([], self.ids(accounts, region_name='tyo2'))

    def test_pages_until_the_limit(self):
        accounts = self.serve(accounts_of(*'abcde'), max_limit=2)
        self.assertEqual([2, 3, 4], self.ids(accounts, limit=3, marker=1))
        self.assertEqual([{'limit': ['3'], 'marker': ['1']},
                          {'limit': ['1'], 'marker': ['3']}],
                         self.server.queries)

    def test_limit_and_marker_ignored_by_the_server(self):
        accounts = self.serve(accounts_of(*'abcde'), filters={},
                              paged=False)
        self.assertEqual([3, 4], self.ids(accounts, limit=2, marker=2))
        self.assertEqual(1, len(self.server.queries))

    def test_negative_limit(self):
        accounts = self.serve(accounts_of('a'))
        self.assertRaises(ValueError, accounts.list, limit=-1)

    def test_find_asks_for_the_provider(self):
        accounts = self.serve(accounts_of('a', 'b', 'c'))
        self.assertEqual(2, accounts.find('b').id)
        self.assertEqual([{'provider': ['b']}], self.server.queries)
        self.assertEqual(2, accounts.find_id('b'))

    def test_find_with_a_server_ignoring_the_filter(self):
        accounts = self.serve(accounts_of('a', 'b', 'c'), filters={})
        self.assertEqual(3, accounts.find('c').id)
        self.assertRaises(exceptions.NotFound, accounts.find, 'd')

    def test_find_by_id_sends_no_list(self):
        accounts = self.serve(accounts_of('a'))
        self.requests.get(ACCOUNTS + '1/', json=ACCOUNT)
        self.assertEqual(1, accounts.find('1').id)
        self.assertEqual(5, accounts.find_id(5))
        self.assertEqual([], self.server.queries)

    def test_provider_name_not_unique(self):
        accounts = self.serve(accounts_of('a', 'b', 'a'))
        exc = self.assertRaises(exceptions.NoUniqueMatch, accounts.find,
                                'a')
        self.assertEqual("2 accounts have the provider name 'a' (IDs 1, "
                         "3): give an ID", str(exc))


class TestAccountsOnOriginalServer(oms_fixtures.TestCase):
    """The original service has no account API at all."""

    def setUp(self):
        super().setUp()
        self.accounts = self.make_client().accounts
        self.requests.get(oms_fixtures.API + '/',
                          json=oms_fixtures.ORIGINAL_ROOT)
        for method in ('GET', 'POST', 'PATCH', 'DELETE'):
            self.requests.register_uri(
                method, ACCOUNTS, status_code=404, text=DJANGO_404,
                headers={'Content-Type': 'text/html'})
            self.requests.register_uri(
                method, ACCOUNTS + '1/', status_code=404, text=DJANGO_404,
                headers={'Content-Type': 'text/html'})

    def check(self, call, *args, **kwargs):
        exc = self.assertRaises(exceptions.NotSupported, call, *args,
                                **kwargs)
        self.assertEqual('this OpenMultiStack server has no account '
                         'management API', str(exc))

    def test_list(self):
        self.check(list, self.accounts.list())

    def test_create(self):
        self.check(self.accounts.create, provider='conoha')

    def test_item_calls(self):
        self.check(self.accounts.get, 1)
        self.check(self.accounts.update, 1, status='available')
        self.check(self.accounts.delete, 1)
        # The API root was read once for the three calls.
        self.assertEqual(1, len(self.calls('GET', '/api/')))
