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
import http.server
import importlib.util
import json
import os
import subprocess
import sys
import threading
import urllib.parse

import fixtures as fx
from keystoneauth1 import exceptions as ksa_exc
from osc_lib import exceptions as osc_exc
import testtools

from omsclient.metering import client
from omsclient.osc.metering import log
from omsclient.osc import metering_plugin
from omsclient.tests.unit.metering import base
from omsclient.tests.unit.metering import fixtures
from omsclient.tests.unit.osc import test_plugin as osc_test_plugin
from omsclient.tests.unit.osc.v1 import fakes as osc_fakes

HEAVY_MODULES = ('ceilometerclient', 'keystoneauth1.session', 'requests',
                 'ijson', 'cliff', 'osc_lib', 'omsclient.metering',
                 'omsclient.common.http')

OPENSTACK = os.path.join(os.path.dirname(sys.executable), 'openstack')


class FakeClientManager(osc_test_plugin.FakeClientManager):
    """The multistack tests' fake ClientManager, for this plugin."""

    def __init__(self, endpoint, version='2'):
        super().__init__(endpoint)
        self._api_version = {metering_plugin.API_NAME: version}


class TestPluginImport(testtools.TestCase):

    def test_import_loads_no_heavy_module(self):
        loaded = osc_test_plugin.modules_loaded_by(
            'omsclient.osc.metering_plugin')
        self.assertIn('omsclient.osc.metering_plugin', loaded)
        heavy = {name for name in loaded
                 if any(name == module or name.startswith(module + '.')
                        for module in HEAVY_MODULES)}
        self.assertEqual(set(), heavy)


class TestMakeClient(base.TestCase):

    def test_constants(self):
        self.assertEqual('oms_metering', metering_plugin.API_NAME)
        self.assertEqual('os_oms_metering_api_version',
                         metering_plugin.API_VERSION_OPTION)
        self.assertIn('2', metering_plugin.API_VERSIONS)

    def test_make_client_sends_nothing_and_looks_up_lazily(self):
        manager = FakeClientManager(base.METERING)
        cclient = metering_plugin.make_client(manager)
        self.assertIsInstance(cclient, client.Client)
        self.assertEqual(1, manager.auth_setups)
        self.assertEqual([], manager.lookups)
        self.assertEqual([], self.requests.request_history)
        self.mock_item('overview')
        self.mock_item('users')
        cclient.rabbit.get('overview')
        list(cclient.rabbit.list('users'))
        self.assertEqual([('metering', 'RegionTwo', 'internal')],
                         manager.lookups)
        self.assertEqual(base.METERING + '/v2/rabbit/users',
                         self.requests.last_request.url)

    def test_endpoint_missing_from_the_catalog(self):
        manager = FakeClientManager(None)

        def not_found(service_type, region_name=None, interface='public'):
            manager.lookups.append((service_type, region_name, interface))
            raise ksa_exc.EndpointNotFound(
                '%s endpoint for %s service in %s region not found'
                % (interface, service_type, region_name))

        manager.get_endpoint_for_service_type = not_found
        self.app = osc_fakes.FakeApp(None)
        self.app.client_manager.oms_metering = (
            metering_plugin.make_client(manager))
        command = log.ListLog(self.app, None)
        parsed_args = command.get_parser('openstack metric').parse_args([])
        error = self.assertRaises(osc_exc.CommandError, command.run,
                                  parsed_args)
        self.assertIn("No 'metering' endpoint in the service catalog for "
                      "region RegionTwo / interface internal", str(error))
        self.assertIn('metering_endpoint_override', str(error))
        self.assertEqual([('metering', 'RegionTwo', 'internal')],
                         manager.lookups)
        self.assertEqual([], self.requests.request_history)

    def test_catalog_options_reach_the_adapter(self):
        cclient = metering_plugin.make_client(FakeClientManager(None))
        api = cclient.rabbit.api
        self.assertEqual(('metering', 'RegionTwo', 'internal'),
                         (api.service_type, api.region_name, api.interface))

    def test_unsupported_version(self):
        manager = FakeClientManager(base.METERING, version='1')
        error = self.assertRaises(osc_exc.UnsupportedVersion,
                                  metering_plugin.make_client, manager)
        self.assertIn('supported: 2', str(error))

    def test_version_with_minor_part(self):
        self.assertTrue(metering_plugin.check_api_version('2.0'))
        cclient = metering_plugin.make_client(
            FakeClientManager(base.METERING, version='2.0'))
        self.assertTrue(hasattr(cclient, 'rabbit'))


class TestOptionParser(testtools.TestCase):

    def parse(self, argv=()):
        parser = metering_plugin.build_option_parser(
            argparse.ArgumentParser())
        return parser.parse_args(list(argv))

    def test_default(self):
        self.useFixture(fx.EnvironmentVariable(
            'OS_OMS_METERING_API_VERSION'))
        self.assertEqual('2', self.parse().os_oms_metering_api_version)

    def test_environment(self):
        self.useFixture(fx.EnvironmentVariable(
            'OS_OMS_METERING_API_VERSION', '3'))
        self.assertEqual('3', self.parse().os_oms_metering_api_version)

    def test_option(self):
        args = self.parse(['--os-oms-metering-api-version', '2'])
        self.assertEqual('2', args.os_oms_metering_api_version)


class _MeteringHandler(http.server.BaseHTTPRequestHandler):
    """A loopback metering API answering with the fixtures."""

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path.startswith('/v2/rabbit/'):
            body = fixtures.item(url.path[len('/v2/rabbit/'):])
        else:
            page = int(query.get('q.value', ['1'])[-1])
            pages = fixtures.log_pages(7, 3)
            body = pages[page - 1] if page <= len(pages) else []
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@testtools.skipUnless(os.path.exists(OPENSTACK),
                      'the openstack command is not installed')
class TestBesideGnocchi(testtools.TestCase):
    """The real openstack command, with gnocchiclient's plugin installed."""

    endpoint = 'http://127.0.0.1:9'

    def openstack(self, *argv):
        env = {key: value for key, value in os.environ.items()
               if not key.startswith('OS_')}
        env.update(OS_AUTH_TYPE='none', OS_ENDPOINT=self.endpoint,
                   no_proxy='127.0.0.1', NO_PROXY='127.0.0.1')
        return subprocess.run([OPENSTACK] + list(argv), env=env,
                              capture_output=True, text=True)

    def serve(self):
        server = http.server.ThreadingHTTPServer(('127.0.0.1', 0),
                                                 _MeteringHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        self.endpoint = 'http://127.0.0.1:%d' % server.server_port

    def test_commands_against_a_loopback_server(self):
        self.serve()
        result = self.openstack('metric', 'rabbit', 'list', 'users',
                                '-f', 'json')
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual([{'Name': user['name'], 'Tags': user['tags']}
                          for user in fixtures.USERS],
                         json.loads(result.stdout))
        result = self.openstack('metric', 'log', 'list', '--all',
                                '-f', 'value', '-c', 'id')
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual([str(i) for i in range(7, 0, -1)],
                         result.stdout.split())

    def test_help(self):
        ours = self.openstack('help', 'metric', 'rabbit', 'show')
        self.assertEqual(0, ours.returncode, ours.stderr)
        self.assertIn('RabbitMQ overview', ours.stdout)

    @testtools.skipUnless(importlib.util.find_spec('gnocchiclient')
                          is not None,
                          'gnocchiclient is not installed')
    def test_help_of_both_metric_command_sets(self):
        ours = self.openstack('help', 'metric', 'rabbit', 'show')
        self.assertEqual(0, ours.returncode, ours.stderr)
        self.assertIn('RabbitMQ overview', ours.stdout)
        gnocchi = self.openstack('help', 'metric', 'list')
        self.assertEqual(0, gnocchi.returncode, gnocchi.stderr)
        self.assertNotIn('conflicting option', gnocchi.stderr)

    def test_bad_item_is_one_line_and_exit_1(self):
        result = self.openstack('metric', 'rabbit', 'list', 'bindingz')
        self.assertEqual(1, result.returncode)
        self.assertEqual(1, len(result.stderr.strip().splitlines()),
                         result.stderr)
        self.assertIn("Unknown RabbitMQ item 'bindingz'", result.stderr)
        self.assertNotIn('Traceback', result.stderr)
