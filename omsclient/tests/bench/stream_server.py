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

"""A loopback HTTP server that streams a generated list of queue entries.

It answers ``GET <anything>/queues/`` with a JSON list of ``count``
entries of the shape of API-CONTRACT.md's ``<queue>`` (a nested
``instance`` with its ``key_raw`` and ``account``), sent with chunked
transfer encoding while it is being generated, the way a real service
streams a large answer. The server never holds the
whole body: what a client keeps in memory is the client's doing.
"""

import http.server
import json
import threading
from typing import Iterator

from omsclient.tests.bench import common

CHUNK_BYTES = 64 * 1024

# One entry with a %(id)d placeholder; the rest is constant.
_TEMPLATE = json.dumps({
    'id': 0,
    'status': 'RUN',
    'regist_datetime': '2016-08-09T02:29:34.461432Z',
    'instance': {
        'id': 0,
        'name': '133-130-111-194',
        'instance_id': 'bec7c0ea-2262-4d73-aa6d-002d1e231103',
        'ip_addr': '133.130.111.194',
        'key_name': 'gShakAACHA',
        'key_raw': '-----BEGIN RSA PRIVATE KEY-----\n...',
        'account': {'provider': 'conoha', 'region_name': 'tyo1',
                    'tenant_name': 'gnct26543406'},
    },
}, separators=(',', ':')).replace('"id":0', '"id":%(id)d')


def entry(entry_id: int) -> bytes:
    """Return the JSON text of entry ``entry_id``."""
    return (_TEMPLATE % {'id': entry_id}).encode()


def body_chunks(count: int, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Yield the JSON list of ``count`` entries in ~``chunk_bytes`` pieces."""
    pending = [b'[']
    size = 1
    for entry_id in range(1, count + 1):
        piece = entry(entry_id)
        if entry_id > 1:
            piece = b',' + piece
        pending.append(piece)
        size += len(piece)
        if size >= chunk_bytes:
            yield b''.join(pending)
            pending, size = [], 0
    pending.append(b']')
    yield b''.join(pending)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server: 'ListServer'

    def do_GET(self):
        if not self.path.split('?', 1)[0].endswith('/queues/'):
            body = b'{"detail": "Not found."}'
            self.send_response(404)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Transfer-Encoding', 'chunked')
        self.end_headers()
        for chunk in body_chunks(self.server.count):
            self.wfile.write(b'%x\r\n%s\r\n' % (len(chunk), chunk))
        self.wfile.write(b'0\r\n\r\n')

    def log_message(self, format, *args):
        pass


class ListServer(http.server.ThreadingHTTPServer):
    """Serve a list of ``count`` entries on 127.0.0.1 (a free port)."""

    daemon_threads = True

    def __init__(self, count: int):
        self.count = count
        super().__init__((common.LOOPBACK, 0), _Handler)
        self._thread = threading.Thread(target=self.serve_forever,
                                        daemon=True)

    @property
    def endpoint(self) -> str:
        return 'http://%s:%d' % (common.LOOPBACK, self.server_port)

    def __enter__(self) -> 'ListServer':
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join()
