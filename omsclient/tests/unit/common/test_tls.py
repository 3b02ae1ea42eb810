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

"""TLS failures: each says what failed and what to do about it."""

import socket
import threading

import requests
import testtools

from omsclient.common import exceptions
from omsclient.tests.unit import fixtures as oms_fixtures

# requests' text for a certificate that no trusted CA signed.
UNTRUSTED = (
    "HTTPSConnectionPool(host='oms.test', port=443): Max retries exceeded "
    "with url: /api/queues/ (Caused by SSLError(SSLCertVerificationError("
    "1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
    "unable to get local issuer certificate (_ssl.c:1006)')))")


class TestUntrustedCertificate(oms_fixtures.TestCase):

    def test_names_the_ca_options(self):
        self.requests.get('https://oms.test/api/queues/',
                          exc=requests.exceptions.SSLError(UNTRUSTED))
        client = self.make_client('https://oms.test')
        exc = self.assertRaises(exceptions.CommunicationError, list,
                                client.queues.list())
        self.assertEqual(
            'The TLS certificate of https://oms.test is not trusted (unable '
            'to get local issuer certificate): give the CA that signed it '
            '(--os-cacert, or cacert in clouds.yaml), or skip the check '
            'with --insecure', str(exc))
        self.assertEqual(1, len(self.calls()))


class _PlainServer:
    """A TCP server on loopback that does not speak TLS.

    :param answer: what it sends once the client has sent something
        (``None``: nothing, it waits as a server waiting for the end of
        a request head does).
    """

    def __init__(self, answer):
        self.answer = answer
        self.listener = socket.create_server(('127.0.0.1', 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)
            if self.answer is not None:
                connection.recv(65536)
                connection.sendall(self.answer)
                connection.close()

    def close(self):
        self.listener.close()
        for connection in self.connections:
            connection.close()
        self.thread.join(10)


class TestPlainHTTPServer(testtools.TestCase):
    """``https://`` to a server that speaks plain HTTP."""

    def list_from(self, answer):
        from omsclient import client

        server = _PlainServer(answer)
        self.addCleanup(server.close)
        endpoint = 'https://127.0.0.1:%d' % server.port
        oms = client.Client('1', endpoint=endpoint, timeout=1)
        exc = self.assertRaises(exceptions.CommunicationError, list,
                                oms.queues.list())
        return str(exc), server

    def test_a_silent_server(self):
        message, server = self.list_from(None)
        self.assertEqual(
            'The TLS handshake with https://127.0.0.1:%d failed (no answer '
            'within 1 s): the server there may not speak TLS; for a '
            'plain HTTP endpoint use http://127.0.0.1:%d'
            % (server.port, server.port), message)
        # Not tried again.
        self.assertEqual(1, len(server.connections))

    def test_a_plain_http_answer(self):
        message, server = self.list_from(
            b'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n'
            b'Connection: close\r\n\r\n')
        self.assertEqual(
            'The TLS handshake with https://127.0.0.1:%d failed: the server '
            'there may not speak TLS; for a plain HTTP endpoint use '
            'http://127.0.0.1:%d' % (server.port, server.port), message)
