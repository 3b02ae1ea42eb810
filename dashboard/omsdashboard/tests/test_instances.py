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
from keystoneauth1 import token_endpoint
from omsclient.common import exceptions as oms_exceptions

from omsdashboard.tests import helpers

INDEX_URL = reverse('horizon:project:multistack_instances:index')
CREATE_URL = reverse('horizon:project:multistack_instances:create')
KEY = '-----BEGIN RSA PRIVATE KEY-----\nsecret\n-----END RSA PRIVATE KEY-----'


def running_entry(entry_id=1):
    return helpers.queue(
        id=entry_id, status='RUN', regist_datetime='2016-08-09T02:29:34Z',
        instance={'id': 7, 'name': 'vm-7', 'ip_addr': '192.0.2.7',
                  'key_name': 'oms-7', 'key_raw': KEY,
                  'account': {'provider': 'nova-a'}})


class InstancesIndexTests(helpers.TestCase):
    def test_lists_entries_without_their_keys(self):
        self.oms.queues.list.return_value = iter([
            running_entry(),
            helpers.queue(id=2, status='BOOT', provider='nova-b',
                          instance=None),
            helpers.queue(id=3, status='FAILED', instance=None,
                          fault='every provider refused'),
        ])
        response = self.client.get(INDEX_URL)
        self.assertEqual(200, response.status_code)
        rows = response.context['table'].data
        self.assertEqual([1, 2, 3], [row.id for row in rows])
        self.assertContains(response, '192.0.2.7')
        self.assertContains(response, 'nova-b')
        self.assertContains(response, 'every provider refused')
        self.assertNotContains(response, 'PRIVATE KEY')
        self.assertNotContains(response, 'secret')

    def test_shows_the_flavor_and_image_chosen(self):
        entry = running_entry()
        entry = helpers.queue(**dict(entry.to_dict(), instance=dict(
            entry.instance, flavor={'id': '3', 'name': 'm1.medium'},
            image={'id': '9f2c', 'name': 'ubuntu-22.04'})))
        self.oms.queues.list.return_value = iter([
            entry, helpers.queue(id=2, status='REQUEST', instance=None)])
        response = self.client.get(INDEX_URL)
        table = response.context['table']
        self.assertEqual(
            [['m1.medium', 'ubuntu-22.04'], [None, None]],
            [[row.cells[name].data for name in ('flavor', 'image')]
             for row in table.get_rows()])
        self.assertContains(response, 'Flavor Chosen')

    def test_client_uses_the_token_and_the_catalog_endpoint(self):
        self.oms.queues.list.return_value = iter([])
        self.client.get(INDEX_URL)
        args, kwargs = self.oms_factory.call_args
        self.assertEqual(('1',), args)
        self.assertEqual(helpers.MULTISTACK_URL, kwargs['endpoint'])
        auth = kwargs['session'].auth
        self.assertIsInstance(auth, token_endpoint.Token)
        self.assertEqual(self.token.id, auth.token)

    def test_only_unsettled_rows_update_themselves(self):
        self.oms.queues.list.return_value = iter([
            running_entry(1), helpers.queue(id=2, status='BOOT')])
        response = self.client.get(INDEX_URL)
        rows = {row.datum.id: row for row in
                response.context['table'].get_rows()}
        # Horizon's script polls the rows of class "warning ajax-update":
        # those whose status is neither a success nor a failure.
        self.assertIs(True, rows[1].status)
        self.assertNotIn('warning', rows[1].classes)
        self.assertIsNone(rows[2].status)
        self.assertIn('warning', rows[2].classes)
        self.assertIn('ajax-update', rows[2].classes)

    def test_row_update_reads_the_one_entry(self):
        self.oms.queues.get.return_value = running_entry(4)
        response = self.client.get(
            INDEX_URL + '?action=row_update&table=entries&obj_id=4',
            HTTP_X_REQUESTED_WITH='XMLHttpRequest')
        self.assertEqual(200, response.status_code)
        self.oms.queues.get.assert_called_once_with('4')
        self.assertContains(response, 'RUN')
        self.assertNotContains(response, 'PRIVATE KEY')

    def test_service_down_shows_a_banner_not_an_error_page(self):
        self.oms.queues.list.side_effect = oms_exceptions.ConnectionRefused(
            'Unable to connect to http://oms.example.com:8765')
        response = self.client.get(INDEX_URL)
        self.assertEqual(200, response.status_code)
        self.assertMessageCount(response, error=1)
        self.assertEqual([], response.context['table'].data)


class CreateEntryTests(helpers.TestCase):
    def test_empty_form_sends_no_options(self):
        self.oms.queues.create.return_value = helpers.queue(
            id=9, status='REQUEST')
        response = self.client.post(CREATE_URL, {'method': 'CreateEntryForm'})
        self.assertNoFormErrors(response)
        self.assertRedirectsNoFollow(response, INDEX_URL)
        self.oms.queues.create.assert_called_once_with(
            image=None, flavor=None, name=None, provider=None)

    def test_options_are_sent(self):
        self.oms.queues.create.return_value = helpers.queue(
            id=9, status='REQUEST')
        self.client.post(CREATE_URL, {'image': 'cirros', 'flavor': 'm1.tiny',
                                      'name': 'web', 'provider': 'nova-a'})
        self.oms.queues.create.assert_called_once_with(
            image='cirros', flavor='m1.tiny', name='web', provider='nova-a')

    def test_requirements_are_sent(self):
        self.oms.queues.create.return_value = helpers.queue(
            id=9, status='REQUEST')
        response = self.client.post(CREATE_URL, {
            'min_ram': '4096', 'min_vcpus': '0', 'min_disk': '',
            'image_properties': 'os_distro=ubuntu\r\n\r\n'
                                ' os_version = 22.04=lts\r\n'})
        self.assertNoFormErrors(response)
        self.oms.queues.create.assert_called_once_with(
            image=None, flavor=None, name=None, provider=None,
            min_ram=4096, min_vcpus=0,
            image_properties={'os_distro': 'ubuntu',
                              'os_version': '22.04=lts'})

    def test_bad_requirements_stand_next_to_their_field(self):
        for field, value, error in (
                ('min_ram', '-1', 'greater than or equal to 0'),
                ('min_vcpus', '2147483648', 'less than or equal to '
                 '2147483647'),
                ('min_disk', 'big', 'Enter a whole number'),
                ('image_properties', 'os_distro', 'Expected key=value on '
                 'each line, not &quot;os_distro&quot;'),
                ('image_properties', 'os distro=ubuntu',
                 'Invalid image property key'),
                ('image_properties', 'os_distro=',
                 'Invalid image property value')):
            response = self.client.post(CREATE_URL, {field: value})
            self.assertEqual(200, response.status_code)
            self.assertIn(field, response.context['form'].errors)
            self.assertContains(response, error)
        self.oms.queues.create.assert_not_called()

    def test_server_without_requirements_shows_why(self):
        self.oms.queues.create.side_effect = oms_exceptions.NotSupported(
            'the OpenMultiStack service at http://oms.example.com:8765/api '
            'does not support min_ram (it has no requirement-based choice)')
        response = self.client.post(CREATE_URL, {'min_ram': '512'})
        self.assertEqual(200, response.status_code)
        self.assertMessageCount(response, error=1)

    def test_refusal_is_shown_with_the_service_reason(self):
        self.oms.queues.create.side_effect = oms_exceptions.BadRequest(
            'provider: No account named "nowhere".', http_status=400)
        response = self.client.post(CREATE_URL, {'provider': 'nowhere'})
        self.assertEqual(200, response.status_code)
        self.assertMessageCount(response, error=1)
        message = list(response.context['messages'])[0].message
        self.assertIn('The service refused the new entry.', message)
        self.assertIn('No account named', message)


class DeleteEntriesTests(helpers.TestCase):
    def test_deletes_every_selected_entry(self):
        self.oms.queues.list.return_value = iter([
            running_entry(1), running_entry(2)])
        response = self.client.post(INDEX_URL, {
            'action': 'entries__delete', 'object_ids': ['1', '2']})
        self.assertRedirectsNoFollow(response, INDEX_URL)
        self.assertEqual(['1', '2'], sorted(
            call.args[0] for call in self.oms.queues.delete.call_args_list))

    def test_delete_is_confirmed(self):
        # Horizon's script asks for confirmation of "danger" actions.
        self.oms.queues.list.return_value = iter([running_entry(1)])
        response = self.client.get(INDEX_URL)
        action = response.context['table'].get_table_actions()[1]
        self.assertEqual('delete', action.name)
        self.assertTrue(action.requires_input)
        self.assertEqual('danger', action.action_type)


class PrivateKeyTests(helpers.TestCase):
    def test_key_is_a_pem_attachment_with_a_safe_name(self):
        self.oms.instances.get_private_key.return_value = helpers.private_key(
            key_name='../../etc/.passwd key', key_raw=KEY)
        response = self.client.get(reverse(
            'horizon:project:multistack_instances:private_key', args=[7]))
        self.assertEqual(200, response.status_code)
        self.oms.instances.get_private_key.assert_called_once_with('7')
        self.assertEqual('application/x-pem-file', response['Content-Type'])
        self.assertEqual('attachment; filename="etc_.passwd_key.pem"',
                         response['Content-Disposition'])
        self.assertEqual('no-store', response['Cache-Control'])
        self.assertEqual(KEY.encode(), response.content)

    def test_key_without_a_name_is_named_after_the_instance(self):
        self.oms.instances.get_private_key.return_value = helpers.private_key(
            key_name=None, key_raw=KEY)
        response = self.client.get(reverse(
            'horizon:project:multistack_instances:private_key', args=[7]))
        self.assertEqual('attachment; filename="instance-7.pem"',
                         response['Content-Disposition'])

    def test_refused_key_goes_back_to_the_list_with_a_banner(self):
        self.oms.instances.get_private_key.side_effect = (
            oms_exceptions.Forbidden('Policy does not allow it.',
                                     http_status=403))
        response = self.client.get(reverse(
            'horizon:project:multistack_instances:private_key', args=[7]))
        self.assertRedirectsNoFollow(response, INDEX_URL)
        self.assertMessageCount(error=1)

    def test_download_offered_for_running_entries_only(self):
        self.oms.queues.list.return_value = iter([
            running_entry(1), helpers.queue(id=2, status='BOOT')])
        response = self.client.get(INDEX_URL)
        key_url = reverse('horizon:project:multistack_instances:private_key',
                          args=[7])
        self.assertContains(response, key_url, count=1)


class MemberTests(helpers.TestCase):
    def test_admin_panels_are_refused(self):
        for url in ('horizon:admin:multistack_accounts:index',
                    'horizon:admin:rabbitmq:index',
                    'horizon:admin:system_log:index'):
            response = self.client.get(reverse(url))
            self.assertEqual(403, response.status_code, url)
        self.oms.accounts.list.assert_not_called()
        self.metering.rabbit.get.assert_not_called()
