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

"""Running the multistack commands in unit tests.

The commands get a real :class:`omsclient.v1.client.Client`; requests-mock
answers at the HTTP boundary. Waiting uses a fake clock: ``sleep``
advances it instead of sleeping.
"""

import io
import json
import types

import fixtures

from omsclient.tests.unit import fixtures as oms_fixtures

ENDPOINT = oms_fixtures.ENDPOINT
API = oms_fixtures.API
QUEUES = oms_fixtures.QUEUES
ACCOUNTS = API + '/accounts/'
INSTANCES = API + '/instances/'

#: Every output format of cliff, with the options that select it.
FORMATS = {'table': [], 'json': ['-f', 'json'], 'yaml': ['-f', 'yaml'],
           'value': ['-f', 'value'], 'shell': ['-f', 'shell']}
LIST_FORMATS = dict(FORMATS, csv=['-f', 'csv'])
del LIST_FORMATS['shell']

#: An account as the reference service sends it (no password).
ACCOUNT = {
    'id': 1, 'provider': 'conoha', 'driver': 'nova', 'username': 'admin',
    'auth_url': 'https://identity.tyo1.conoha.io/v2.0',
    'tenant_name': 'gnct26543406', 'tenant_id': 'f1a2', 'region_name':
    'tyo1', 'version': '2', 'user_domain_name': 'Default',
    'project_domain_name': 'dom', 'status': 'available',
    'regist_date': '2016-08-01T09:00:00+09:00',
}

#: An instance as the reference service sends it (no key_raw).
INSTANCE = {
    'id': 1, 'name': '133-130-111-194',
    'instance_id': 'bec7c0ea-2262-4d73-aa6d-002d1e231103',
    'ip_addr': '133.130.111.194', 'key_name': 'gShakAACHA',
    'account': {'provider': 'conoha', 'region_name': 'tyo1',
                'tenant_name': 'gnct26543406'},
    'queue_id': 1,
}


class FakeClock:
    """``time.monotonic`` and ``time.sleep`` without waiting."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class FakeApp:
    """What a command uses of the openstack application."""

    def __init__(self, client):
        self.client_manager = types.SimpleNamespace(multistack=client)
        self.stdin = io.StringIO()
        self.stdout = io.StringIO()
        self.stderr = io.StringIO()


class TestCommand(oms_fixtures.TestCase):
    """A command test: real client, HTTP answered by requests-mock."""

    def setUp(self):
        super().setUp()
        self.client = self.make_client()
        self.app = FakeApp(self.client)
        self.clock = FakeClock()
        for module in ('omsclient.common.utils',
                       'omsclient.osc.v1.utils'):
            self.useFixture(fixtures.MonkeyPatch(module + '.time',
                                                 self.clock))

    def run_command(self, command_class, argv):
        """Run a command; return what it printed on stdout."""
        self.app.stdout = io.StringIO()
        command = command_class(self.app, None)
        parser = command.get_parser('openstack multistack')
        parsed_args = parser.parse_args(argv)
        command.run(parsed_args)
        return self.app.stdout.getvalue()

    def run_json(self, command_class, argv):
        return json.loads(self.run_command(command_class,
                                           list(argv) + ['-f', 'json']))

    def assert_parse_error(self, command_class, argv):
        """The arguments are refused by the parser, with usage on stderr."""
        stderr = io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', stderr))
        command = command_class(self.app, None)
        parser = command.get_parser('openstack multistack')
        error = self.assertRaises(SystemExit, parser.parse_args, argv)
        self.assertEqual(2, error.code)
        self.assertIn('error:', stderr.getvalue())
        return stderr.getvalue()

    def outputs(self, command_class, argv, formats=FORMATS):
        """Run a command once per output format; yield what it printed."""
        for name, options in formats.items():
            yield name, self.run_command(command_class,
                                         list(argv) + options)
