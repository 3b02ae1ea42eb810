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

import io

import fixtures
from osc_lib import exceptions as osc_exc

from omsclient.osc.v1 import account
from omsclient.tests.unit import fixtures as oms_fixtures
from omsclient.tests.unit.osc.v1 import fakes

ACCOUNTS = fakes.ACCOUNTS
ACCOUNT = fakes.ACCOUNT
PASSWORD = 'Sup3r-s3cret!'
CREATE_ARGS = ['--provider', 'conoha', '--driver', 'nova',
               '--username', 'admin', '--auth-url', ACCOUNT['auth_url'],
               '--tenant-name', 'gnct26543406', '--tenant-id', 'f1a2',
               '--region', 'tyo1', '--compute-api-version', '2',
               '--user-domain', 'Default', '--project-domain', 'dom',
               '--status', 'available']
CREATE_BODY = {'provider': 'conoha', 'driver': 'nova', 'username': 'admin',
               'auth_url': ACCOUNT['auth_url'],
               'tenant_name': 'gnct26543406', 'tenant_id': 'f1a2',
               'region_name': 'tyo1', 'version': '2',
               'user_domain_name': 'Default', 'project_domain_name': 'dom',
               'status': 'available'}


class TtyInput(io.StringIO):

    def isatty(self):
        return True


class TestCreateAccount(fakes.TestCommand):

    def setUp(self):
        super().setUp()
        self.requests.post(ACCOUNTS, status_code=201, json=ACCOUNT)

    def test_create(self):
        shown = self.run_json(account.CreateAccount,
                              CREATE_ARGS + ['--password', PASSWORD])
        (call,) = self.calls('POST')
        self.assertEqual(dict(CREATE_BODY, password=PASSWORD), call.json())
        self.assertEqual(
            {'ID': 1, 'Provider': 'conoha', 'Driver': 'nova',
             'Region': 'tyo1', 'Tenant': 'gnct26543406',
             'Tenant ID': 'f1a2', 'Username': 'admin',
             'Auth URL': ACCOUNT['auth_url'], 'Version': '2',
             'User Domain': 'Default', 'Project Domain': 'dom',
             'Status': 'available',
             'Registered': '2016-08-01T09:00:00+09:00'}, shown)
        self.assertNotIn(PASSWORD, self.log.output)

    def test_password_never_shown(self):
        # Even a server that wrongly echoes the password does not get it
        # printed.
        self.requests.post(ACCOUNTS, status_code=201,
                           json=dict(ACCOUNT, password=PASSWORD))
        for name, output in self.outputs(account.CreateAccount, [
                '--provider', 'conoha', '--password', PASSWORD]):
            self.assertIn('conoha', output, name)
            self.assertNotIn(PASSWORD, output, name)
            self.assertNotIn('password', output.lower(), name)
        self.assertNotIn(PASSWORD, self.log.output)

    def test_password_prompt(self):
        getpass = self.useFixture(fixtures.MockPatch(
            'getpass.getpass', side_effect=[PASSWORD, PASSWORD])).mock
        self.app.stdin = TtyInput()
        output = self.run_command(account.CreateAccount, [
            '--provider', 'conoha', '--password-prompt'])
        self.assertEqual(2, getpass.call_count)
        self.assertEqual('Password of the provider account: ',
                         getpass.call_args_list[0][0][0])
        self.assertEqual({'provider': 'conoha', 'password': PASSWORD},
                         self.calls('POST')[0].json())
        self.assertNotIn(PASSWORD, output)

    def test_password_prompt_without_terminal(self):
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  account.CreateAccount,
                                  ['--provider', 'x', '--password-prompt'])
        self.assertIn('No terminal', str(error))
        self.assertEqual([], self.requests.request_history)

    def test_parse_errors(self):
        self.assert_parse_error(account.CreateAccount, ['--username', 'u'])
        self.assert_parse_error(account.CreateAccount, [
            '--provider', 'p', '--password', 'x', '--password-prompt'])
        self.assert_parse_error(account.CreateAccount, [
            '--provider', 'p', '--status', 'broken'])
        self.assertEqual([], self.requests.request_history)

    def test_field_errors_of_the_server(self):
        self.requests.post(ACCOUNTS, status_code=400, json={
            'auth_url': ['This field is required.']})
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  account.CreateAccount,
                                  ['--provider', 'conoha'])
        self.assertEqual('Unable to create the account: auth_url: This '
                         'field is required. (HTTP 400)', str(error))

    def test_help_documents_every_option(self):
        command = account.CreateAccount(self.app, None)
        text = command.get_parser('account create').format_help()
        for option in ('--provider', '--driver', '--username', '--password',
                       '--password-prompt', '--auth-url', '--tenant-name',
                       '--tenant-id', '--region', '--compute-api-version',
                       '--user-domain', '--project-domain', '--status'):
            self.assertIn(option, text)
        for action in command.get_parser('x')._actions:
            self.assertTrue(action.help, action.dest)


class TestListAccount(fakes.TestCommand):

    def test_list(self):
        self.requests.get(ACCOUNTS, json=[ACCOUNT])
        (listed,) = self.run_json(account.ListAccount, [])
        self.assertEqual({'ID': 1, 'Provider': 'conoha', 'Driver': 'nova',
                          'Region': 'tyo1', 'Tenant': 'gnct26543406',
                          'Username': 'admin', 'Status': 'available'},
                         listed)

    def test_long(self):
        self.requests.get(ACCOUNTS, json=[dict(ACCOUNT, password=PASSWORD)])
        (listed,) = self.run_json(account.ListAccount, ['--long'])
        self.assertEqual(['ID', 'Provider', 'Driver', 'Region', 'Tenant',
                          'Username', 'Status', 'Tenant ID', 'Auth URL',
                          'Version', 'User Domain', 'Project Domain',
                          'Registered'], list(listed))
        for name, output in self.outputs(account.ListAccount, ['--long'],
                                         fakes.LIST_FORMATS):
            self.assertNotIn(PASSWORD, output, name)

    def test_filters_and_pages(self):
        self.requests.get(ACCOUNTS, json=[dict(ACCOUNT, id=2)])
        (listed,) = self.run_json(account.ListAccount, [
            '--provider', 'conoha', '--region', 'tyo1', '--status',
            'available', '--limit', '1', '--marker', '1'])
        self.assertEqual(2, listed['ID'])
        self.assertEqual({'provider': ['conoha'], 'region_name': ['tyo1'],
                          'status': ['available'], 'limit': ['1'],
                          'marker': ['1']}, self.requests.last_request.qs)

    def test_unknown_status(self):
        self.assert_parse_error(account.ListAccount, ['--status', 'enabled'])

    def test_server_without_account_api(self):
        self.requests.get(ACCOUNTS, status_code=404,
                          json=oms_fixtures.NOT_FOUND)
        self.requests.get(fakes.API + '/',
                          json=oms_fixtures.ORIGINAL_ROOT)
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  account.ListAccount, [])
        self.assertEqual('Unable to list accounts: this OpenMultiStack '
                         'server has no account management API', str(error))


class TestShowAccount(fakes.TestCommand):

    def test_show(self):
        self.requests.get(ACCOUNTS + '1/', json=ACCOUNT)
        output = self.run_command(account.ShowAccount, ['1'])
        self.assertRegex(output, r'\| Registered +\| 2016-08-01 00:00:00 UTC')

    def test_by_provider_name(self):
        self.requests.get(ACCOUNTS, json=[ACCOUNT])
        output = self.run_command(account.ShowAccount, [ACCOUNT['provider']])
        self.assertRegex(output, r'\| ID +\| %s ' % ACCOUNT['id'])
        (call,) = self.requests.request_history
        self.assertEqual(('GET', {'provider': [ACCOUNT['provider']]}),
                         (call.method, call.qs))

    def test_provider_name_not_unique(self):
        self.requests.get(ACCOUNTS, json=[ACCOUNT, dict(ACCOUNT, id=9)])
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  account.ShowAccount, [ACCOUNT['provider']])
        self.assertIn('2 accounts have the provider name %r (IDs %s, 9): '
                      'give an ID' % (ACCOUNT['provider'], ACCOUNT['id']),
                      str(error))

    def test_unknown_provider_name(self):
        self.requests.get(ACCOUNTS, json=[ACCOUNT])
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  account.ShowAccount, ['nowhere'])
        self.assertIn("No account with ID or provider name 'nowhere'",
                      str(error))

    def test_not_found_on_a_server_with_accounts(self):
        self.requests.get(ACCOUNTS + '7/', status_code=404,
                          json=oms_fixtures.NOT_FOUND)
        self.requests.get(fakes.API + '/',
                          json=oms_fixtures.REFERENCE_ROOT)
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  account.ShowAccount, ['7'])
        self.assertEqual('Unable to show account 7: Not found. (HTTP 404)',
                         str(error))

    def test_server_without_account_api(self):
        self.requests.get(ACCOUNTS + '7/', status_code=404,
                          json=oms_fixtures.NOT_FOUND)
        self.requests.get(fakes.API + '/',
                          json=oms_fixtures.ORIGINAL_ROOT)
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  account.ShowAccount, ['7'])
        self.assertIn('no account management API', str(error))


class TestSetAccount(fakes.TestCommand):

    def test_nothing_to_set(self):
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  account.SetAccount, ['1'])
        self.assertIn('Nothing to change', str(error))
        self.assertEqual([], self.requests.request_history)

    def test_set(self):
        self.requests.patch(ACCOUNTS + '1/', json=dict(
            ACCOUNT, status='unavailable'))
        output = self.run_command(account.SetAccount, [
            '1', '--status', 'unavailable', '--password', PASSWORD,
            '--region', 'tyo2'])
        self.assertEqual('', output)
        self.assertEqual({'status': 'unavailable', 'password': PASSWORD,
                          'region_name': 'tyo2'},
                         self.calls('PATCH')[0].json())
        self.assertNotIn(PASSWORD, self.log.output)

    def test_set_by_provider_name(self):
        self.requests.get(ACCOUNTS, json=[ACCOUNT])
        self.requests.patch(ACCOUNTS + '%s/' % ACCOUNT['id'], json=ACCOUNT)
        self.run_command(account.SetAccount, [ACCOUNT['provider'],
                                              '--region', 'tyo2'])
        self.assertEqual({'region_name': 'tyo2'},
                         self.calls('PATCH')[0].json())

    def test_account_required(self):
        self.assert_parse_error(account.SetAccount, ['--status',
                                                     'available'])


class TestDeleteAccount(fakes.TestCommand):

    def test_partial_failure(self):
        self.requests.delete(ACCOUNTS + '1/', status_code=204)
        self.requests.delete(ACCOUNTS + '2/', status_code=403, json={
            'detail': 'You do not have permission to perform this '
                      'action.'})
        self.requests.get(fakes.API + '/',
                          json=oms_fixtures.REFERENCE_ROOT)
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  account.DeleteAccount, ['2', '1'])
        self.assertEqual('1 of 2 accounts failed to delete', str(error))
        self.assertEqual(2, len(self.calls('DELETE')))
        self.assertIn('Failed to delete account 2: You do not have '
                      'permission to perform this action. (HTTP 403)',
                      self.log.output)

    def test_delete_by_provider_name(self):
        self.requests.get(ACCOUNTS, json=[ACCOUNT])
        self.requests.delete(ACCOUNTS + '%s/' % ACCOUNT['id'],
                             status_code=204)
        self.run_command(account.DeleteAccount, [ACCOUNT['provider']])
        self.assertEqual(1, len(self.calls('DELETE')))
