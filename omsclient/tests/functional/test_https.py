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

"""The service as production serves it: gunicorn behind nginx, over TLS.

The ``oms`` APIs of the stack are reached through its TLS-terminating
proxy with the stack's own CA. The same raw requests as the simple
server's tests (``server/openmultistack/tests/unit/cmd/test_server.py``)
go through the proxy here: nginx refuses bad framing before gunicorn
sees it.
"""

import collections
import os
import socket
import ssl
import subprocess
import time
import urllib.parse

import fixtures
from openmultistack.tests import rawhttp

from omsclient.tests.functional import base

# What "at once" means for an answer the proxy gives without waiting.
AT_ONCE = 1.0
GUARD_TIMEOUT = 60


class HTTPSTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.api = self.stack['oms']['api']
        self.require_http(self.api + '/api/', 'the OpenMultiStack API')
        self.token = self.keystone_session().get_token()

    def other_ca(self) -> str:
        """A CA that did not sign the proxy's certificate."""
        directory = self.useFixture(fixtures.TempDir()).path
        cert = os.path.join(directory, 'other-ca.pem')
        subprocess.run(
            ['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
             'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
             '-subj', '/CN=another CA', '-keyout',
             os.path.join(directory, 'other-ca.key'), '-out', cert],
            check=True, capture_output=True)
        return cert

    # The client -----------------------------------------------------------

    def test_catalog_endpoints_are_https(self):
        self.assertTrue(self.api.startswith('https://'), self.api)
        self.openstack_json('multistack queue list', cloud='oms-member')
        self.openstack_json('metric log list', cloud='oms-admin')

    def test_a_ca_that_did_not_sign_is_one_line(self):
        other = self.other_ca()
        for command in ('multistack queue list', 'metric log list'):
            result = self.openstack(command, cloud='oms-admin',
                                    options='--os-cacert %s' % other,
                                    fail_ok=True)
            self.assertEqual(1, result.returncode, result)
            self.assert_one_line_error(result, 'certificate')
        # The endpoint mode too.
        result = self.openstack(
            'multistack queue list', cloud=None, fail_ok=True,
            options='--os-auth-type admin_token --os-token %s '
                    '--os-endpoint %s --os-cacert %s'
                    % (self.token, self.api, other))
        self.assertEqual(1, result.returncode, result)
        self.assert_one_line_error(result, 'certificate')
        self.assertNotIn(self.token, result.stderr)

    def test_insecure_skips_the_check(self):
        result = self.openstack_json(
            'multistack queue list', cloud='oms-member',
            options='--os-cacert %s --insecure' % self.other_ca())
        self.assertIsInstance(result, list)

    def test_endpoint_mode_with_the_ca(self):
        self.openstack_json(
            'multistack queue list', cloud=None,
            options='--os-auth-type admin_token --os-token %s '
                    '--os-endpoint %s --os-cacert %s'
                    % (self.token, self.api, self.stack['ca_file']))

    # The proxy and gunicorn behind it ------------------------------------

    def connect(self) -> ssl.SSLSocket:
        address = urllib.parse.urlsplit(self.api)
        context = ssl.create_default_context(cafile=self.stack['ca_file'])
        raw = socket.create_connection((address.hostname, address.port),
                                       timeout=GUARD_TIMEOUT)
        connection = context.wrap_socket(raw,
                                         server_hostname=address.hostname)
        self.addCleanup(connection.close)
        return connection

    def request(self, method: str, path: str, body: bytes = b'',
                extra: bytes = b'') -> bytes:
        return (b'%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: %s\r\n'
                b'Content-Type: application/json\r\n%s'
                b'Content-Length: %d\r\n\r\n%s'
                % (method.encode(), path.encode(), self.token.encode(),
                   extra, len(body), body))

    def assertRefusedAtOnce(self, request: bytes) -> None:
        connection = self.connect()
        start = time.monotonic()
        connection.sendall(request)
        status = rawhttp.statuses(connection, 1)[0]
        self.assertEqual(400, status, repr(request))
        self.assertLess(time.monotonic() - start, AT_ONCE, repr(request))

    def test_pipelined_requests_are_answered_in_order(self):
        connection = self.connect()
        # The POST is refused by the application (a list is no entry):
        # nothing is created, nothing boots.
        connection.sendall(self.request('GET', '/api/') +
                           self.request('POST', '/api/queues/', b'[1]') +
                           self.request('GET', '/api/'))
        self.assertEqual([200, 400, 200], rawhttp.statuses(connection, 3))
        connection = self.connect()
        connection.sendall(self.request('GET', '/api/') * 50)
        self.assertEqual([200] * 50, rawhttp.statuses(connection, 50))

    def test_bad_framing_is_refused_at_once(self):
        chunked = (b'POST /api/queues/ HTTP/1.1\r\nHost: 127.0.0.1\r\n'
                   b'Content-Type: application/json\r\n'
                   b'Transfer-Encoding: chunked\r\n\r\n%s\r\n[1]\r\n'
                   b'0\r\n\r\n')
        for size in (b'ffffffffffffffffffffffff', b'-1', b'0x3'):
            self.assertRefusedAtOnce(chunked % size)
        for request in (
                b'POST /api/queues/ HTTP/1.1\r\nHost: 127.0.0.1\r\n'
                b'Content-Length: 3\r\nContent-Length: 4\r\n\r\n[1] ',
                b'GET /api/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A : b\r\n\r\n',
                b'GET /api/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: \0\r\n\r\n',
                b'GET /api/ HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
                b'GET /api/ HTTP/1.1\r\n\r\n'):
            self.assertRefusedAtOnce(request)

    def test_one_address_is_not_one_user(self):
        request = self.request('POST', '/api/queues/', b'[1]',
                               b'Connection: close\r\n')
        connections = [self.connect() for _ in range(1000)]
        for connection in connections:
            connection.sendall(request)
        statuses = collections.Counter(rawhttp.statuses(connection, 1)[0]
                                       for connection in connections)
        self.assertEqual({400: 1000}, statuses)
