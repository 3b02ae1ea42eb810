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

"""A create whose answer is lost, retried with its Idempotency-Key.

The first ``POST`` goes through a TCP proxy on 127.0.0.1 that passes the
request to the stack's service (behind Keystone, on PostgreSQL) and, as
soon as the service starts answering, drops both connections: the entry
exists, the client never learns about it. The same request again answers
``200`` with that entry; only one entry holds the key; the key with
another body is refused with ``409``.
"""

import selectors
import socket
import struct
import threading
import urllib.parse
import uuid

import sqlalchemy as sa

from omsclient.common import exceptions
from omsclient.tests.functional import base


class DroppingProxy:
    """Forwards requests, and drops each connection once it is answered.

    :param upstream: ``(host, port)`` of the server, plain HTTP: the
        first bytes of a TLS server are its handshake, not an answer.
    """

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.listener = socket.create_server(('127.0.0.1', 0))
        self.url = 'http://127.0.0.1:%d' % self.listener.getsockname()[1]
        self.dropped = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.listener.close()
        self._thread.join(10)

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._relay, args=(client,),
                             daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        with client, socket.create_connection(self.upstream) as server:
            with selectors.DefaultSelector() as selector:
                selector.register(client, selectors.EVENT_READ)
                selector.register(server, selectors.EVENT_READ)
                while True:
                    ready = selector.select(timeout=120)
                    if not ready:
                        return
                    for key, _ in ready:
                        if key.fileobj is server:
                            # The service answers: it has done the work.
                            # The client gets a reset, not the answer.
                            client.setsockopt(socket.SOL_SOCKET,
                                              socket.SO_LINGER,
                                              struct.pack('ii', 1, 0))
                            self.dropped += 1
                            return
                        data = client.recv(65536)
                        if not data:
                            return
                        server.sendall(data)


class IdempotentRetryTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.require_http(self.stack['oms']['api'] + '/api/',
                          'the OpenMultiStack API')
        # The API under gunicorn, behind the stack's TLS proxy.
        netloc = urllib.parse.urlsplit(self.stack['oms']['wsgi_api'])
        self.proxy = DroppingProxy((netloc.hostname, netloc.port))
        self.addCleanup(self.proxy.close)
        self.engine = sa.create_engine(self.stack['postgres']['url'])
        self.addCleanup(self.engine.dispose)

    def entries_with_key(self, key: str) -> list[int]:
        with self.engine.connect() as connection:
            return [row.id for row in connection.execute(
                sa.text('SELECT id FROM queues WHERE idempotency_key = '
                        ':key'), {'key': key})]

    def test_retry_after_a_dropped_answer(self):
        from omsclient import client

        direct = self.python_client('member')
        dropping = client.Client('1', session=self.keystone_session(),
                                 endpoint=self.proxy.url)
        key = str(uuid.uuid4())

        self.assertRaises(exceptions.CommunicationError,
                          dropping.queues.create, idempotency_key=key)
        self.assertEqual(1, self.proxy.dropped)
        created = self.entries_with_key(key)
        # The lost answer's entry exists: the service did the work.
        self.assertEqual(1, len(created))
        queue_id = created[0]
        self.addCleanup(self.openstack,
                        'multistack queue delete --wait --timeout 300 %d'
                        % queue_id, cloud='oms-member', fail_ok=True)

        # The same request again: that entry, with 200, no new one.
        url = self.stack['oms']['api'] + '/api/queues/'
        raw = self.keystone_session()
        again = raw.post(url, headers={'Idempotency-Key': key},
                         raise_exc=False)
        self.assertEqual(200, again.status_code, again.text)
        self.assertEqual(queue_id, again.json()['id'])
        self.assertEqual(queue_id,
                         direct.queues.create(idempotency_key=key).id)
        self.assertEqual([queue_id], self.entries_with_key(key))

        # The key with another request: refused, nothing created.
        other = raw.post(url, json={'name': 'another-%s' % key[:8]},
                         headers={'Idempotency-Key': key}, raise_exc=False)
        self.assertEqual(409, other.status_code, other.text)
        self.assertRaises(exceptions.Conflict, direct.queues.create,
                          name='another', idempotency_key=key)
        self.assertEqual([queue_id], self.entries_with_key(key))
