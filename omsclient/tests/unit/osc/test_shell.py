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

"""The multistack commands inside the real openstack command.

The whole of python-openstackclient runs in-process (plugin loading,
global options, clouds.yaml, make_client, output and errors); only the
HTTP answers come from requests-mock.
"""

import io
import json
import os

import fixtures
from osc_lib import clientmanager
import requests
from requests_mock.contrib import fixture as rm_fixture
import testtools

from omsclient.tests.unit import fixtures as oms_fixtures
from omsclient.tests.unit.osc.v1 import fakes

ENDPOINT = oms_fixtures.ENDPOINT
NO_AUTH = ['--os-auth-type', 'none', '--os-endpoint', ENDPOINT]


class ShellTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        # No clouds.yaml or OS_* variable of the machine running the tests.
        self.home = self.useFixture(fixtures.TempDir()).path
        for name in [n for n in os.environ if n.startswith('OS_')]:
            self.useFixture(fixtures.EnvironmentVariable(name))
        self.useFixture(fixtures.EnvironmentVariable('HOME', self.home))
        self.useFixture(fixtures.EnvironmentVariable(
            'OS_CLIENT_CONFIG_FILE', os.path.join(self.home, 'none.yaml')))
        self.requests = self.useFixture(rm_fixture.Fixture())
        self.useFixture(fixtures.MockPatch(
            'keystoneauth1.session.time.sleep'))

    def openstack(self, *argv):
        """Run the openstack command; return (exit code, stdout, stderr)."""
        from openstackclient import shell
        # The openstack command caches each plugin's client on the
        # ClientManager class, for the life of the process: start afresh.
        for cache in vars(clientmanager.ClientManager).values():
            if hasattr(cache, '_handle'):
                cache._handle = None
        stdout, stderr = io.StringIO(), io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stdout', stdout))
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', stderr))
        try:
            code = shell.OpenStackShell().run(list(argv))
        except SystemExit as exit:
            code = exit.code
        return code, stdout.getvalue(), stderr.getvalue()

    def clouds_yaml(self, **keys):
        """Write a clouds.yaml with the cloud ``oms`` of ``keys``."""
        clouds = os.path.join(self.home, 'clouds.yaml')
        self.useFixture(fixtures.EnvironmentVariable(
            'OS_CLIENT_CONFIG_FILE', clouds))
        with open(clouds, 'w') as f:
            f.write('clouds:\n  oms:\n    auth_type: none\n')
            f.writelines('    %s: %s\n' % item for item in keys.items())


class TestOpenStackShell(ShellTestCase):

    def test_list_json(self):
        self.requests.get(oms_fixtures.QUEUES,
                          json=[oms_fixtures.ORIGINAL_QUEUE])
        code, out, err = self.openstack(*NO_AUTH + [
            'multistack', 'queue', 'list', '-f', 'json'])
        self.assertEqual(0, code, err)
        self.assertEqual([{'ID': 1, 'Status': 'RUN', 'Provider': 'conoha',
                           'IP Address': '133.130.111.194',
                           'Registered': '2016-08-09T02:29:34.461432Z'}],
                         json.loads(out))

    def test_error_is_one_line_without_traceback(self):
        self.requests.get(oms_fixtures.QUEUES + '99/', status_code=404,
                          json=oms_fixtures.NOT_FOUND)
        self.requests.get(oms_fixtures.QUEUES, json=[])
        code, out, err = self.openstack(*NO_AUTH + [
            'multistack', 'queue', 'show', '99'])
        self.assertEqual(1, code)
        self.assertEqual('', out)
        self.assertEqual("Unable to show queue entry 99: No queue entry "
                         "with ID or name '99' (HTTP 404)\n", err)

    def test_api_version_with_minor_part(self):
        self.requests.get(oms_fixtures.QUEUES, json=[])
        for version in ('1', '1.0'):
            code, out, err = self.openstack(*NO_AUTH + [
                '--os-multistack-api-version', version,
                'multistack', 'queue', 'list', '-f', 'json'])
            self.assertEqual(0, code, err)
            self.assertEqual([], json.loads(out))
            self.assertEqual('', err)

    def test_unsupported_api_version_is_one_line(self):
        code, out, err = self.openstack(*NO_AUTH + [
            '--os-multistack-api-version', '2',
            'multistack', 'queue', 'list'])
        self.assertEqual(1, code)
        self.assertEqual('', out)
        self.assertEqual("Unsupported multistack API version '2' "
                         "(--os-multistack-api-version, "
                         "OS_MULTISTACK_API_VERSION); supported: 1\n", err)
        self.assertEqual([], self.requests.request_history)

    def test_unsupported_metering_api_version_is_one_line(self):
        code, out, err = self.openstack(*NO_AUTH + [
            '--os-oms-metering-api-version', '3', 'metric', 'log', 'list'])
        self.assertEqual(1, code)
        self.assertEqual("Unsupported oms-metering API version '3' "
                         "(--os-oms-metering-api-version, "
                         "OS_OMS_METERING_API_VERSION); supported: 2\n", err)

    def test_unreachable_server(self):
        self.requests.get(oms_fixtures.QUEUES,
                          exc=requests.exceptions.ConnectionError(
                              'Connection refused'))
        code, out, err = self.openstack(*NO_AUTH + [
            'multistack', 'queue', 'list', '-f', 'value'])
        self.assertEqual(1, code)
        self.assertEqual('', out)
        self.assertNotIn('Traceback', err)
        self.assertIn('Unable to list queue entries: ', err.splitlines()[-1])

    def test_delete_reports_each_failure_on_stderr(self):
        self.requests.delete(oms_fixtures.QUEUES + '1/', status_code=204)
        self.requests.delete(oms_fixtures.QUEUES + '2/', status_code=404,
                             json=oms_fixtures.NOT_FOUND)
        self.requests.delete(oms_fixtures.QUEUES + '3/', status_code=204)
        code, out, err = self.openstack(*NO_AUTH + [
            'multistack', 'queue', 'delete', '1', '2', '3'])
        self.assertEqual(1, code)
        self.assertEqual('', out)
        self.assertEqual(['Failed to delete queue entry 2: Not found. '
                          '(HTTP 404)',
                          '1 of 3 queue entries failed to delete'],
                         err.splitlines())
        self.assertEqual(3, len(self.requests.request_history))

    def test_create_and_wait(self):
        self.useFixture(fixtures.MonkeyPatch('omsclient.common.utils.time',
                                             fakes.FakeClock()))
        self.requests.post(oms_fixtures.QUEUES, status_code=201,
                           json=oms_fixtures.queue(4, 'REQUEST', False))
        self.requests.get(oms_fixtures.QUEUES + '4/', [
            {'json': oms_fixtures.queue(4, 'BOOT', False)},
            {'json': oms_fixtures.queue(4, 'RUN')}])
        code, out, err = self.openstack(*NO_AUTH + [
            'multistack', 'queue', 'create', '--wait', '-f', 'json'])
        self.assertEqual(0, code, err)
        shown = json.loads(out)
        self.assertEqual('RUN', shown['Status'])
        self.assertNotIn('key_raw', shown['Instance'])
        self.assertEqual(['Queue entry 4: REQUEST', 'Queue entry 4: BOOT',
                          'Queue entry 4: RUN'],
                         [line.rsplit(' (', 1)[0]
                          for line in err.splitlines()])

    def test_debug_shows_the_traceback(self):
        self.requests.get(oms_fixtures.QUEUES + '99/', status_code=404,
                          json=oms_fixtures.NOT_FOUND)
        code, out, err = self.openstack(*NO_AUTH + [
            '--debug', 'multistack', 'queue', 'show', '99'])
        self.assertEqual(1, code)
        self.assertIn('Traceback', err)

    def test_parse_error(self):
        code, out, err = self.openstack(*NO_AUTH + [
            'multistack', 'queue', 'list', '--limit', 'many'])
        self.assertEqual(2, code)
        self.assertIn('--limit', err)
        self.assertEqual([], self.requests.request_history)

    def test_clouds_yaml_endpoint_override(self):
        self.clouds_yaml(
            multistack_endpoint_override='http://other.test:8765/api/')
        self.requests.get('http://other.test:8765/api/queues/', json=[])
        code, out, err = self.openstack(
            '--os-cloud', 'oms', 'multistack', 'queue', 'list', '-f', 'json')
        self.assertEqual(0, code, err)
        self.assertEqual([], json.loads(out))
        self.assertEqual(1, len(self.requests.request_history))

    def test_account_password_not_in_debug_output(self):
        self.requests.post(oms_fixtures.API + '/accounts/', status_code=201,
                           json={'id': 3, 'provider': 'conoha'})
        code, out, err = self.openstack(*NO_AUTH + [
            '--debug', 'multistack', 'account', 'create', '--provider',
            'conoha', '--password', 'Sup3r-s3cret!', '-f', 'json'])
        self.assertEqual(0, code, err)
        self.assertEqual(3, json.loads(out)['ID'])
        self.assertNotIn('Sup3r-s3cret!', out + err)
        self.assertEqual('Sup3r-s3cret!',
                         self.requests.last_request.json()['password'])

    def test_password_of_the_endpoint_not_in_debug_output(self):
        endpoint = ENDPOINT.replace('://', '://admin:s3cr3tPW@')
        self.requests.get(endpoint + '/api/queues/', exc=(
            requests.exceptions.ConnectTimeout(
                'Connection to %s timed out' % endpoint)))
        for api in ('--os-multistack-timeout', '--os-oms-metering-timeout'):
            code, out, err = self.openstack(
                '--debug', '--os-auth-type', 'none', '--os-endpoint',
                endpoint, api, '5', 'multistack', 'queue', 'list')
            self.assertEqual(1, code)
            self.assertIn('START with options', err)
            self.assertIn('Traceback', err)
            self.assertIn('http://***@oms.test', err)
            self.assertNotIn('s3cr3tPW', out + err)

    def test_help_documents_every_option(self):
        code, out, err = self.openstack(
            'help', 'multistack', 'queue', 'create')
        self.assertEqual(0, code, err)
        for option in ('--image', '--flavor', '--name', '--provider',
                       '--wait', '--timeout'):
            self.assertIn(option, out)


class TestTimeoutSources(ShellTestCase):
    """Every source of a command's timeout, checked alike, named."""

    def clouds(self, value):
        self.clouds_yaml(multistack_endpoint_override=ENDPOINT,
                         metering_endpoint_override=ENDPOINT,
                         multistack_timeout_seconds=value,
                         oms_metering_timeout_seconds=value)

    def refused(self, command, source, shown, *argv):
        code, out, err = self.openstack(*list(argv) + command)
        self.assertEqual(1, code, err)
        self.assertEqual('', out)
        self.assertEqual(
            ['Invalid %s %s: expected a number of seconds above 0 and at '
             'most 3600' % (source, shown)], err.splitlines())
        self.assertEqual([], self.requests.request_history)

    def test_each_source_named(self):
        for api, command in (
                ('multistack', ['multistack', 'queue', 'list']),
                ('oms-metering', ['metric', 'log', 'list'])):
            env = 'OS_%s_TIMEOUT' % api.upper().replace('-', '_')
            key = '%s_timeout_seconds' % api.replace('-', '_')
            for value, shown in (('1e10', "'1e10'"), ('abc', "'abc'"),
                                 ('99999999999999999999',
                                  "'99999999999999999999'"),
                                 ('0', "'0'"), ('nan', "'nan'")):
                self.refused(command, '--os-%s-timeout' % api, shown,
                             *NO_AUTH + ['--os-%s-timeout' % api, value])
                self.useFixture(fixtures.EnvironmentVariable(env, value))
                self.refused(command, env, shown, *NO_AUTH)
                # The command line wins, and is the one named.
                self.useFixture(fixtures.EnvironmentVariable(env, value))
                self.refused(command, '--os-%s-timeout' % api, "'-1'",
                             *NO_AUTH + ['--os-%s-timeout' % api, '-1'])
                self.useFixture(fixtures.EnvironmentVariable(env))
            # openstacksdk passes numbers on as texts.
            for value, shown in (('99999999999', "'99999999999'"),
                                 ('true', 'True'), ('abc', "'abc'"),
                                 ('.nan', "'nan'")):
                self.clouds(value)
                self.refused(command, 'clouds.yaml %s' % key, shown,
                             '--os-cloud', 'oms')

    def test_good_values_used(self):
        self.requests.get(oms_fixtures.QUEUES, json=[])
        code, out, err = self.openstack(*NO_AUTH + [
            '--os-multistack-timeout', '2.5', 'multistack', 'queue', 'list'])
        self.assertEqual(0, code, err)
        self.clouds('7')
        code, out, err = self.openstack(
            '--os-cloud', 'oms', 'multistack', 'queue', 'list')
        self.assertEqual(0, code, err)
        self.assertEqual([(2.5, 2.5), (7.0, 7.0)],
                         [r.timeout for r in self.requests.request_history])
