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

from osc_lib import exceptions as osc_exc

from omsclient.osc.v1 import provider
from omsclient.tests.unit import fixtures as oms_fixtures
from omsclient.tests.unit.osc.v1 import fakes
from omsclient.tests.unit.v1 import test_providers

PROVIDERS = fakes.API + '/providers/'
A = test_providers.provider('a')
B = test_providers.provider('b', 2, reachable=False,
                            reason='connection refused', quota=None,
                            entries=0, checked_at=None)


class ProviderTest(fakes.TestCommand):

    def setUp(self):
        super().setUp()
        self.requests.get(fakes.API + '/', json=oms_fixtures.REFERENCE_ROOT)


class TestListProvider(ProviderTest):

    def test_list(self):
        self.requests.get(PROVIDERS, json=[A, B])
        listed = self.run_json(provider.ListProvider, [])
        self.assertEqual([
            {'Provider': 'a', 'Driver': 'simulated', 'Region': 'RegionOne',
             'Status': 'available', 'Reachable': True, 'Reason': None,
             'Instances': {'used': 2, 'limit': 10},
             'Cores': {'used': 2, 'limit': -1},
             'RAM (MB)': {'used': 1024, 'limit': 51200}, 'Entries': 2,
             'Checked At': '2026-12-07T20:00:00.000000Z'},
            {'Provider': 'b', 'Driver': 'simulated', 'Region': 'RegionOne',
             'Status': 'available', 'Reachable': False,
             'Reason': 'connection refused', 'Instances': None,
             'Cores': None, 'RAM (MB)': None, 'Entries': 0,
             'Checked At': None}], listed)

    def test_table(self):
        self.requests.get(PROVIDERS, json=[A, B])
        output = self.run_command(provider.ListProvider, [])
        self.assertIn('| a        | simulated | RegionOne | available | True '
                      '     |                    | 2/10      | 2/unlimited '
                      '| 1024/51200 |       2 | 2026-12-07 20:00:00 UTC |',
                      output)
        self.assertIn('| b        | simulated | RegionOne | available | '
                      'False     | connection refused |           |       '
                      '      |            |       0 |      ', output)

    def test_long_and_pages(self):
        self.requests.get(PROVIDERS, json=[B])
        (listed,) = self.run_json(provider.ListProvider, [
            '--long', '--limit', '1', '--marker', 'a'])
        self.assertEqual(2, listed['Account ID'])
        self.assertEqual({'limit': ['1'], 'marker': ['a']},
                         self.requests.last_request.qs)

    def test_bad_marker(self):
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  provider.ListProvider, ['--marker', 'a/b'])
        self.assertIn("Invalid provider name 'a/b'", str(error))
        self.assertEqual([], self.calls('GET', '/api/providers/'))

    def test_original_server(self):
        self.requests.get(fakes.API + '/', json=oms_fixtures.ORIGINAL_ROOT)
        for command, argv in ((provider.ListProvider, []),
                              (provider.ShowProvider, ['a'])):
            error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                      command, argv)
            self.assertIn('the OpenMultiStack service at http://oms.test/api '
                          'does not support providers (it has no providers '
                          'resource)', str(error))
        self.assertEqual(['/api/'], sorted({r.path for r in
                                            self.requests.request_history}))

    def test_control_characters_are_escaped(self):
        self.requests.get(PROVIDERS, json=[dict(B, reason='x\x1b[2Jy')])
        for name, output in self.outputs(provider.ListProvider, [],
                                         fakes.LIST_FORMATS):
            self.assertNotIn('\x1b', output, name)


class TestShowProvider(ProviderTest):

    def test_show(self):
        self.requests.get(PROVIDERS + 'a/', json=A)
        shown = self.run_json(provider.ShowProvider, ['a'])
        self.assertEqual(['Provider', 'Account ID', 'Driver', 'Region',
                          'Status', 'Reachable', 'Reason', 'Instances',
                          'Cores', 'RAM (MB)', 'Entries', 'Checked At'],
                         list(shown))
        self.assertEqual(1, shown['Account ID'])
        output = self.run_command(provider.ShowProvider, ['a'])
        self.assertIn('| Cores      | 2/unlimited ', output)

    def test_not_found(self):
        self.requests.get(PROVIDERS + 'x/', status_code=404,
                          json=oms_fixtures.NOT_FOUND)
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  provider.ShowProvider, ['x'])
        self.assertEqual('Unable to show provider x: Not found. (HTTP 404)',
                         str(error))
