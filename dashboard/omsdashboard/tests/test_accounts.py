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

from django.urls import reverse
from omsclient.common import exceptions as oms_exceptions

from omsdashboard.tests import helpers

INDEX_URL = reverse('horizon:admin:multistack_accounts:index')
CREATE_URL = reverse('horizon:admin:multistack_accounts:create')
PASSWORD = 'never-shown-0123'


def nova_account(account_id=1, **info):
    fields = dict(id=account_id, provider='nova-a', driver='nova',
                  region_name='RegionOne', tenant_name='providers',
                  username='oms-provider', auth_url='http://keystone/v3',
                  status='available', password=PASSWORD)
    fields.update(info)
    return helpers.account(**fields)


def form_data(**fields):
    data = {'provider': 'nova-c', 'driver': 'nova',
            'auth_url': 'http://keystone/v3', 'username': 'u',
            'password': PASSWORD, 'tenant_name': 't', 'status': 'available'}
    data.update(fields)
    return data


class AccountsIndexTests(helpers.AdminTestCase):
    def test_lists_accounts_without_passwords(self):
        self.oms.accounts.list.return_value = iter([
            nova_account(1), nova_account(2, provider='nova-b')])
        response = self.client.get(INDEX_URL)
        self.assertEqual(200, response.status_code)
        self.assertContains(response, 'nova-b')
        self.assertNotContains(response, PASSWORD)

    def test_providers_columns(self):
        self.oms.accounts.list.return_value = iter([
            nova_account(1), nova_account(2, provider='nova-b'),
            nova_account(3, provider='nova-c')])
        self.oms.providers.list.return_value = iter([
            helpers.provider(
                provider='nova-a', account_id=1, reachable=True,
                quota={'instances': {'used': 2, 'limit': 10},
                       'cores': {'used': 4, 'limit': -1},
                       'ram': {'used': 1024, 'limit': 51200}}, entries=2),
            helpers.provider(provider='nova-b', account_id=2,
                             reachable=False, reason='connection refused',
                             quota=None, entries=0)])
        response = self.client.get(INDEX_URL)
        self.assertEqual(200, response.status_code)
        table = response.context['table']
        cells = {row.datum.id: [row.cells[name].data for name in (
            'reachable', 'reason', 'instances', 'cores', 'ram', 'entries')]
            for row in table.get_rows()}
        # None is shown as Horizon's empty value.
        self.assertEqual({
            1: ['Yes', None, '2/10', '4/unlimited', '1024/51200', 2],
            2: ['No', 'connection refused', None, None, None, 0],
            3: [None, None, None, None, None, None]}, cells)
        for text in ('Instances (used/limit)', '4/unlimited',
                     'connection refused'):
            self.assertContains(response, text)

    def test_providers_error_keeps_the_accounts(self):
        self.oms.accounts.list.return_value = iter([nova_account(1)])
        self.oms.providers.list.side_effect = oms_exceptions.NotSupported(
            'the OpenMultiStack service at http://oms.example.com:8765/api '
            'does not support providers (it has no providers resource)')
        response = self.client.get(INDEX_URL)
        self.assertEqual(200, response.status_code)
        self.assertMessageCount(response, error=1)
        self.assertEqual([1], [row.datum.id for row in
                               response.context['table'].get_rows()])

    def test_service_error_shows_a_banner(self):
        self.oms.accounts.list.side_effect = oms_exceptions.Forbidden(
            'Policy does not allow it.', http_status=403)
        response = self.client.get(INDEX_URL)
        self.assertEqual(200, response.status_code)
        self.assertMessageCount(response, error=1)


class RegisterAccountTests(helpers.AdminTestCase):
    def test_register_sends_the_password(self):
        self.oms.accounts.create.return_value = nova_account(3)
        response = self.client.post(CREATE_URL, form_data())
        self.assertNoFormErrors(response)
        self.assertRedirectsNoFollow(response, INDEX_URL)
        self.oms.accounts.create.assert_called_once_with(
            provider='nova-c', driver='nova',
            auth_url='http://keystone/v3', username='u',
            password=PASSWORD, tenant_name='t', status='available')

    def test_password_field_never_renders_a_value(self):
        self.oms.accounts.create.side_effect = oms_exceptions.BadRequest(
            'auth_url: Enter a valid URL.', http_status=400,
            details={'auth_url': ['Enter a valid URL.']})
        response = self.client.post(CREATE_URL,
                                    form_data(auth_url='not a url'))
        self.assertEqual(200, response.status_code)
        self.assertNotContains(response, PASSWORD)

    def test_field_errors_stand_next_to_their_field(self):
        self.oms.accounts.create.side_effect = oms_exceptions.BadRequest(
            'auth_url: Enter a valid URL.', http_status=400,
            details={'auth_url': ['Enter a valid URL.'],
                     'non_field_errors': ['Something else.']})
        response = self.client.post(CREATE_URL,
                                    form_data(auth_url='not a url'))
        form = response.context['form']
        self.assertEqual(['Enter a valid URL.'], form.errors['auth_url'])
        self.assertEqual(['Something else.'], form.non_field_errors())
        self.assertMessageCount(response, error=0)

    def test_other_refusals_show_a_banner(self):
        self.oms.accounts.create.side_effect = oms_exceptions.Conflict(
            'Provider exists.', http_status=409)
        response = self.client.post(CREATE_URL, form_data())
        self.assertEqual(200, response.status_code)
        self.assertMessageCount(response, error=1)


class UpdateAccountTests(helpers.AdminTestCase):
    def _url(self, account_id=5):
        return reverse('horizon:admin:multistack_accounts:update',
                       args=[account_id])

    def test_form_starts_without_the_password(self):
        self.oms.accounts.get.return_value = nova_account(5)
        response = self.client.get(self._url())
        self.assertEqual(200, response.status_code)
        self.assertEqual('nova-a', response.context['form'].initial[
            'provider'])
        self.assertNotIn('password', response.context['form'].initial)
        self.assertNotContains(response, PASSWORD)

    def test_empty_password_keeps_the_current_one(self):
        self.oms.accounts.get.return_value = nova_account(5)
        self.oms.accounts.update.return_value = nova_account(5)
        response = self.client.post(self._url(), form_data(
            account_id='5', password='', region_name=''))
        self.assertNoFormErrors(response)
        args, fields = self.oms.accounts.update.call_args
        self.assertEqual(('5',), args)
        self.assertNotIn('password', fields)
        self.assertEqual('', fields['region_name'])

    def test_new_password_is_sent(self):
        self.oms.accounts.get.return_value = nova_account(5)
        self.oms.accounts.update.return_value = nova_account(5)
        self.client.post(self._url(), form_data(account_id='5',
                                                password='new-one'))
        self.assertEqual('new-one',
                         self.oms.accounts.update.call_args[1]['password'])


class AccountActionsTests(helpers.AdminTestCase):
    def test_disable_marks_accounts_unavailable(self):
        self.oms.accounts.list.return_value = iter([
            nova_account(1), nova_account(2)])
        response = self.client.post(INDEX_URL, {
            'action': 'accounts__disable', 'object_ids': ['1', '2']})
        self.assertRedirectsNoFollow(response, INDEX_URL)
        self.assertEqual(
            [(('1',), {'status': 'unavailable'}),
             (('2',), {'status': 'unavailable'})],
            sorted((call.args, call.kwargs)
                   for call in self.oms.accounts.update.call_args_list))

    def test_enable_offered_for_disabled_accounts_only(self):
        self.oms.accounts.list.return_value = iter([
            nova_account(1), nova_account(2, status='unavailable')])
        response = self.client.get(INDEX_URL)
        self.assertContains(response, 'accounts__enable__2')
        self.assertNotContains(response, 'accounts__enable__1')

    def test_delete(self):
        self.oms.accounts.list.return_value = iter([nova_account(1)])
        self.client.post(INDEX_URL, {'action': 'accounts__delete__1'})
        self.oms.accounts.delete.assert_called_once_with('1')
