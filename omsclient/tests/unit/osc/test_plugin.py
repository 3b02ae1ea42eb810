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

import argparse
import json
import subprocess
import sys

import fixtures
from keystoneauth1 import session as ks_session
from osc_lib import exceptions as osc_exc
import requests_mock
import testtools

from omsclient.osc import plugin

HEAVY_MODULES = ('omsclient.common.http', 'omsclient.client',
                 'keystoneauth1.session', 'ijson', 'requests', 'cliff',
                 'osc_lib.utils', 'openstack')

PROBE = '''
import importlib, json, sys
before = set(sys.modules)
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(set(sys.modules) - before)))
'''


def modules_loaded_by(module):
    """The modules that importing ``module`` loads, in a new Python."""
    out = subprocess.run([sys.executable, '-c', PROBE, module], check=True,
                         capture_output=True, text=True).stdout
    return set(json.loads(out))


class FakeClientManager:
    """The part of osc-lib's ClientManager that make_client may use."""

    def __init__(self, endpoint, version='1'):
        self._api_version = {plugin.API_NAME: version}
        self._endpoint = endpoint
        self.region_name = 'RegionTwo'
        self.interface = 'internal'
        self.session = ks_session.Session()
        self.auth_setups = 0
        self.lookups = []

    def setup_auth(self):
        self.auth_setups += 1

    def get_endpoint_for_service_type(self, service_type, region_name=None,
                                      interface='public'):
        self.lookups.append((service_type, region_name, interface))
        return self._endpoint


class TestPluginImport(testtools.TestCase):

    def test_import_loads_no_heavy_module(self):
        loaded = modules_loaded_by('omsclient.osc.plugin')
        self.assertIn('omsclient.osc.plugin', loaded)
        heavy = {name for name in loaded
                 if name.split('.')[0] in HEAVY_MODULES
                 or name in HEAVY_MODULES}
        self.assertEqual(set(), heavy)
        ours = {name for name in loaded if name.startswith('omsclient')}
        self.assertEqual({'omsclient', 'omsclient.osc',
                          'omsclient.osc.plugin'}, ours)


class TestPlugin(testtools.TestCase):

    def test_constants(self):
        self.assertEqual('multistack', plugin.API_NAME)
        self.assertEqual('os_multistack_api_version',
                         plugin.API_VERSION_OPTION)
        self.assertEqual({'1': 'omsclient.client.Client'},
                         plugin.API_VERSIONS)

    def test_option_default(self):
        self.useFixture(fixtures.EnvironmentVariable(
            'OS_MULTISTACK_API_VERSION'))
        parser = plugin.build_option_parser(argparse.ArgumentParser())
        self.assertEqual('1', parser.parse_args([]).os_multistack_api_version)
        args = parser.parse_args(['--os-multistack-api-version', '2'])
        self.assertEqual('2', args.os_multistack_api_version)

    def test_option_from_environment(self):
        self.useFixture(fixtures.EnvironmentVariable(
            'OS_MULTISTACK_API_VERSION', '7'))
        parser = plugin.build_option_parser(argparse.ArgumentParser())
        self.assertEqual('7', parser.parse_args([]).os_multistack_api_version)

    def test_option_has_help(self):
        parser = plugin.build_option_parser(argparse.ArgumentParser())
        self.assertIn('OS_MULTISTACK_API_VERSION', parser.format_help())

    @requests_mock.Mocker()
    def test_make_client_no_http(self, m):
        manager = FakeClientManager('http://oms.test:8765')
        client = plugin.make_client(manager)
        self.assertEqual(
            [('multistack', 'RegionTwo', 'internal')], manager.lookups)
        self.assertEqual(1, manager.auth_setups)
        self.assertFalse(m.called)
        self.assertTrue(hasattr(client, 'queues'))

    def test_make_client_talks_to_the_endpoint(self):
        manager = FakeClientManager('http://oms.test:8765')
        client = plugin.make_client(manager)
        with requests_mock.Mocker() as m:
            m.get('http://oms.test:8765/api/queues/1/',
                  json={'id': 1, 'status': 'RUN', 'instance': None})
            entry = client.queues.get(1)
        self.assertEqual('RUN', entry.status)

    def test_check_api_version(self):
        for version in ('1', '1.0', '1.00'):
            self.assertTrue(plugin.check_api_version(version))
        # v1 would name the command group openstack.multistack.vv1.
        for version in ('2', '1.1', '', 'one', 'v1', ' 1'):
            error = self.assertRaises(osc_exc.UnsupportedVersion,
                                      plugin.check_api_version, version)
            self.assertIn('supported: 1', str(error))

    def test_make_client_version_with_minor_part(self):
        client = plugin.make_client(FakeClientManager('http://oms.test',
                                                      version='1.0'))
        self.assertTrue(hasattr(client, 'queues'))

    def test_make_client_unknown_version(self):
        manager = FakeClientManager('http://oms.test', version='9')
        self.assertRaises(osc_exc.UnsupportedVersion,
                          plugin.make_client, manager)
