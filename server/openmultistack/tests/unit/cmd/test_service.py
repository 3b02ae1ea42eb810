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


"""Serving and start-up helpers, in process."""

from importlib import metadata
import socket
import threading

import fixtures
from oslo_config import fixture as config_fixture
import requests

from openmultistack.common import service
from openmultistack.common import simple_server
from openmultistack.tests.unit import base


def hello(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'hello']


class TestAPI(base.BaseTestCase):

    def test_serves_on_the_socket_opened_first(self):
        api = simple_server.API('hello', hello, '127.0.0.1', 0, 2,
                                workers=3)
        self.addCleanup(api.socket.close)
        self.assertEqual(3, api.workers)
        self.assertEqual('http://127.0.0.1:%d' % api.address[1], api.url)
        wsgi_server = api.create_server()
        thread = threading.Thread(target=wsgi_server.run, daemon=True)
        thread.start()
        self.assertEqual('hello', requests.get(api.url, timeout=10).text)
        wsgi_server.close()
        wsgi_server.task_dispatcher.shutdown(timeout=1)
        thread.join(10)
        self.assertFalse(thread.is_alive())

    def test_one_process_per_cpu_by_default(self):
        self.useFixture(fixtures.MonkeyPatch(
            'os.sched_getaffinity', lambda pid: {0, 1, 2, 3}))
        api = simple_server.API('hello', hello, '127.0.0.1', 0, 1)
        self.addCleanup(api.socket.close)
        self.assertEqual(4, api.workers)

    def test_port_in_use(self):
        first = simple_server.API('hello', hello, '127.0.0.1', 0, 1)
        self.addCleanup(first.socket.close)
        self.assertRaises(OSError, simple_server.API, 'hello', hello,
                          '127.0.0.1', first.address[1], 1)


class TestMain(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.stderr = self.useFixture(fixtures.StringStream('stderr'))
        self.useFixture(fixtures.MonkeyPatch('sys.stderr',
                                             self.stderr.stream))

    def run_main(self, error):
        def body():
            if error is not None:
                raise error
        return service.main(body)

    def test_success(self):
        self.assertEqual(0, self.run_main(None))

    def test_startup_error_is_one_line(self):
        self.assertEqual(1, self.run_main(service.StartupError('no db')))
        self.stderr.stream.flush()
        self.assertEqual('no db\n', self.stderr.getDetails()[
            'stderr'].as_text())

    def test_os_error(self):
        self.assertEqual(1, self.run_main(OSError('address in use')))

    def test_other_errors_are_not_hidden(self):
        self.assertRaises(KeyError, self.run_main, KeyError('bug'))


class TestVersion(base.BaseTestCase):

    def test_version_is_the_service_distribution_s(self):
        # The service installed on its own, without python-omsclient.
        def version(name):
            if name != 'openmultistack':
                raise metadata.PackageNotFoundError(name)
            return '7.1.0'
        self.useFixture(fixtures.MonkeyPatch(
            'importlib.metadata.version', version))
        self.useFixture(config_fixture.Config(service.CONF))
        stdout = self.useFixture(fixtures.StringStream('stdout'))
        self.useFixture(fixtures.MonkeyPatch('sys.stdout', stdout.stream))
        error = self.assertRaises(SystemExit, service.prepare, ['--version'])
        self.assertEqual(0, error.code)
        stdout.stream.flush()
        self.assertEqual('7.1.0\n',
                         stdout.getDetails()['stdout'].as_text())


class TestCheckNoauth(base.BaseTestCase):
    """Anonymous administrators on loopback addresses only."""

    def setUp(self):
        super().setUp()
        self.config = self.useFixture(config_fixture.Config(service.CONF))
        self.config.config(auth_strategy='noauth')

    def refusal(self, group):
        return str(self.assertRaises(service.StartupError,
                                     service.check_noauth, group))

    def test_loopback_addresses(self):
        for host in ('127.0.0.1', '127.1.2.3', '::1', 'localhost',
                     'LOCALHOST', '::ffff:127.0.0.1'):
            self.assertTrue(service.is_loopback(host), host)
        for host in ('0.0.0.0', '::', '192.0.2.1', '2001:db8::1',
                     '::ffff:192.0.2.1'):
            self.assertFalse(service.is_loopback(host), host)

    def test_names_count_by_every_address(self):
        def getaddrinfo(host, *args):
            if host not in addresses:
                raise socket.gaierror(socket.EAI_NONAME, 'unknown')
            return [(None, None, None, '', (address, 0))
                    for address in addresses[host]]
        addresses = {'api.local': ['127.0.0.1', '::1'],
                     'api.example': ['127.0.0.1', '192.0.2.1']}
        self.useFixture(fixtures.MonkeyPatch('socket.getaddrinfo',
                                             getaddrinfo))
        self.assertTrue(service.is_loopback('api.local'))
        self.assertFalse(service.is_loopback('api.example'))
        self.assertFalse(service.is_loopback('unknown.example'))
        self.assertFalse(service.is_loopback(''))

    def test_loopback_starts(self):
        for group in ('api', 'metering'):
            self.config.config(host='127.0.0.1', group=group)
            service.check_noauth(group)
        self.config.config(host='::1', group='api')
        service.check_noauth('api')

    def test_any_address_is_refused(self):
        self.config.config(host='0.0.0.0', group='metering')
        message = self.refusal('metering')
        self.assertIn('[metering] host = 0.0.0.0', message)
        self.assertIn('allow_noauth_on_any_address', message)
        self.assertNotIn('\n', message)
        self.config.config(host='::', group='api')
        self.assertIn('[api] host = ::', self.refusal('api'))

    def test_outside_wsgi_server_needs_the_option(self):
        message = self.refusal(None)
        self.assertIn('WSGI server', message)
        self.config.config(allow_noauth_on_any_address=True)
        service.check_noauth(None)

    def test_option_allows_any_address(self):
        self.config.config(host='0.0.0.0', group='api')
        self.config.config(allow_noauth_on_any_address=True)
        service.check_noauth('api')

    def test_keystone_anywhere(self):
        self.config.config(auth_strategy='keystone')
        self.config.config(host='0.0.0.0', group='api')
        service.check_noauth('api')
        service.check_noauth(None)
