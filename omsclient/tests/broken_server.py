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

"""A real HTTP server on 127.0.0.1 that misbehaves on purpose.

Every request is answered by one *misbehaviour* of :data:`MISBEHAVIOURS`,
chosen by the first path segment: ``http://127.0.0.1:<port>/<name>/`` is
an endpoint that always misbehaves that way, for any path below it. A
misbehaviour is one line: a status, body and headers, or a callable that
writes the answer itself (stalls, drips, resets)::

    Misbehaviour('html-500', status=500, body=b'<html>...</html>'),
    Misbehaviour('stall', act=stall),

The server records the headers of every request it gets, by misbehaviour
(``server.seen``), so that a test can check that a credential never
reached the other origin of a redirect.

    with BrokenServer() as server:
        endpoint = server.endpoint('deep')
"""

from __future__ import annotations

from collections.abc import Callable
import dataclasses
import gzip
import http.server
import json
import socket
import threading
import time
from typing import Any

#: What a request may carry that must not reach another origin.
TOKEN = 'tok-3f1b9a77c2d84e5f'
PASSWORD = 'pw-9d2e41c07b6a'

ENTRY = {'id': 1, 'status': 'RUN', 'regist_datetime': '2016-08-09T02:29Z',
         'instance': None}
LOG = {'id': 1, 'desc': 'started', 'time': '2016-08-02 06:58:24'}

_BOM = b'\xef\xbb\xbf'

Act = Callable[['Handler', 'Misbehaviour'], None]


@dataclasses.dataclass
class Misbehaviour:
    """One way of answering wrongly.

    :param name: the first path segment that selects it.
    :param status: the HTTP status of the answer.
    :param body: the body, sent whole with its length.
    :param headers: more headers (``Content-Type`` defaults to JSON).
    :param act: instead of the above, writes the whole answer itself.
    :param benign: a client may succeed against it (the answer is odd but
        usable): ``True`` for every command and call, or the commands and
        calls that may.
    """

    name: str
    status: int = 200
    body: bytes = b''
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    act: Act | None = None
    benign: bool | tuple[str, ...] = False

    def succeeds(self, what: str) -> bool:
        """Whether a command or call may succeed against it."""
        if isinstance(self.benign, bool):
            return self.benign
        return what in self.benign


def _send(handler: Handler, status: int, body: bytes,
          headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    headers = dict({'Content-Type': 'application/json'}, **(headers or {}))
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header('Content-Length', str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _hold(handler: Handler) -> None:
    handler.wfile.flush()
    handler.server.release.wait(60)


def _start(handler: Handler, length: int | None, first: bytes) -> None:
    """Send a 200's headers (promising ``length`` bytes) and ``first``."""
    handler.send_response(200)
    handler.send_header('Content-Type', 'application/json')
    if length is not None:
        handler.send_header('Content-Length', str(length))
    handler.end_headers()
    handler.wfile.write(first)


def stall(handler: Handler, bad: Misbehaviour) -> None:
    """Accept the request and never answer."""
    _hold(handler)


def stall_after_headers(handler: Handler, bad: Misbehaviour) -> None:
    """Send the headers of a long body, then nothing."""
    _start(handler, 1000, b'[')
    _hold(handler)


def drip(handler: Handler, bad: Misbehaviour) -> None:
    """Send a body a byte at a time, forever (each byte in time)."""
    _start(handler, 100000, b'[{"id": 1, "desc": "')
    while not handler.server.release.is_set():
        handler.wfile.write(b'x')
        handler.wfile.flush()
        time.sleep(0.2)


def head_drip(handler: Handler, bad: Misbehaviour) -> None:
    """Send the status line, then a header a byte at a time, for ever.

    Each byte comes in time: only a bound on the whole head ends it.
    """
    handler.wfile.write(b'HTTP/1.1 200 OK\r\nX-Drip: ')
    while not handler.server.release.is_set():
        handler.wfile.write(b'x')
        handler.wfile.flush()
        time.sleep(0.2)
    handler.close_connection = True


def reset(handler: Handler, bad: Misbehaviour) -> None:
    """Close the connection with a reset, without an answer."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                  b'\x01\x00\x00\x00\x00\x00\x00\x00')
    handler.close_connection = True


def truncated(handler: Handler, bad: Misbehaviour) -> None:
    """Promise a body longer than the one sent, and close."""
    _start(handler, 5000, json.dumps([ENTRY, ENTRY]).encode()[:-10])
    handler.close_connection = True


def redirect_elsewhere(handler: Handler, bad: Misbehaviour) -> None:
    """Redirect to the same path on the other origin (``localhost``)."""
    other = 'http://localhost:%d/recorder%s' % (
        handler.server.server_address[1], handler.path)
    _send(handler, 307, b'', {'Location': other})


def retry_after_growing(handler: Handler, bad: Misbehaviour) -> None:
    """503 asking for 1 s, then for 30 s: more than a client waits in all."""
    asked = len(handler.server.seen[bad.name]) % 2
    _send(handler, 503, b'', {'Retry-After': '1' if asked else '30'})


def huge(handler: Handler, bad: Misbehaviour) -> None:
    """A single string of 40 MB, streamed."""
    _start(handler, None, b'[{"id": 1, "desc": "')
    piece = b'x' * 65536
    for _i in range(640):
        handler.wfile.write(piece)
    handler.wfile.write(b'"}]')
    handler.close_connection = True


def _paged(handler: Handler, bad: Misbehaviour) -> None:
    # Every page, whatever page, marker or limit is asked for.
    _send(handler, 200, bad.body)


def _entries(**fields: Any) -> bytes:
    """A list of one entry that also reads as a log record, with ``fields``."""
    return json.dumps([dict(ENTRY, **dict(LOG, **fields))]).encode()


def _deep(levels: int) -> bytes:
    return b'[' * levels + b']' * levels


#: The commands and calls that read a whole list without paging.
LISTS = ('multistack queue list', 'multistack account list',
         'multistack instance list', 'metric rabbit list users',
         'metric log list', 'metric log list --all', 'queues.list',
         'accounts.list', 'instances.list', 'rabbit.list', 'logs.list',
         'logs.list_all', 'multistack queue list -f value',
         'metric rabbit list users -f value', 'metric log list -f table')
#: Those that expect no body.
DELETES = ('multistack queue delete 1', 'multistack account delete 1',
           'queues.delete')
#: The lists of queue entries asked for by pages.
PAGED = ('multistack queue list --limit 2 --status RUN', 'queues.list(limit)')


MISBEHAVIOURS: list[Misbehaviour] = [
    Misbehaviour('html-500', status=500,
                 body=b'<html><body><h1>Server Error</h1></body></html>',
                 headers={'Content-Type': 'text/html'}),
    Misbehaviour('empty-502', status=502),
    Misbehaviour('error-not-string', status=400,
                 body=b'{"detail": {"a": [1, {"b": null}]}}'),
    Misbehaviour('not-found', status=404, body=b'{"detail": "Not found."}'),
    Misbehaviour('html-200', body=b'<html></html>',
                 headers={'Content-Type': 'text/html'}),
    Misbehaviour('empty-200', benign=DELETES),
    Misbehaviour('stall', act=stall),
    Misbehaviour('stall-after-headers', act=stall_after_headers),
    Misbehaviour('drip', act=drip),
    Misbehaviour('head-drip', act=head_drip),
    Misbehaviour('reset', act=reset),
    Misbehaviour('truncated', act=truncated),
    Misbehaviour('redirect-elsewhere', act=redirect_elsewhere, benign=True),
    # Redirects: a loop, other schemes, a Location that is not UTF-8 (the
    # byte 0xff).
    *(Misbehaviour(name, status=status, headers={'Location': location})
      for name, status, location in (
          ('redirect-loop', 302, '/redirect-loop/'),
          ('redirect-file', 302, 'file:///etc/passwd'),
          ('redirect-data', 301, 'data:application/json,[]'),
          ('redirect-javascript', 307, 'javascript:alert(1)'),
          ('location-not-utf8', 302, '/caf\xff/'))),
    Misbehaviour('retry-after-3600', status=503,
                 headers={'Retry-After': '3600'}),
    Misbehaviour('retry-after-growing', act=retry_after_growing),
    # 10 MB of entries in 30 kB: a decompression bomb.
    Misbehaviour('gzip-bomb', body=gzip.compress(b'[' + b','.join(
        [b'{"id": 1, "desc": "x"}'] * 450000) + b']'),
        headers={'Content-Encoding': 'gzip'}),
    Misbehaviour('bad-gzip', body=b'[{"id": 1}]',
                 headers={'Content-Encoding': 'gzip'}),
    Misbehaviour('huge', act=huge),
    Misbehaviour('deep', body=_deep(200000)),
    Misbehaviour('invalid-utf8', body=b'[{"id": 1, "desc": "\xff\xfe"}]'),
    Misbehaviour('latin-1', benign=True,
                 body='[{"id": 1, "desc": "caf\xe9"}]'.encode('latin-1'),
                 headers={'Content-Type':
                          'application/json; charset=latin-1'}),
    # A UTF-8 byte order mark before the document (RFC 8259 lets a
    # reader ignore it): a list, an object and an error alike.
    Misbehaviour('bom-list', benign=LISTS + DELETES + PAGED,
                 body=_BOM + _entries()),
    Misbehaviour('bom-object', benign=True,
                 body=_BOM + json.dumps(dict(ENTRY, **LOG)).encode()),
    Misbehaviour('bom-error', status=400,
                 body=_BOM + b'{"detail": "Refused with a BOM."}'),
    Misbehaviour('nan', body=b'[{"id": 1, "desc": NaN}]'),
    Misbehaviour('infinity', body=b'{"id": 1, "value": Infinity}'),
    Misbehaviour('huge-id', body=b'[{"id": 1' + b'0' * 400 + b'}]'),
    Misbehaviour('no-ids', act=_paged, benign=LISTS + DELETES,
                 body=json.dumps([{'status': 'RUN', 'desc': 'x'}]).encode()),
    Misbehaviour('ignored-paging', act=_paged, benign=LISTS + DELETES + (
        'multistack queue list --limit 2 --status RUN', 'queues.list(limit)'),
        body=json.dumps([{'id': 'b', 'desc': 'x', 'status': 'RUN'},
                         {'id': 'a', 'desc': 'y', 'status': 'RUN'}]).encode()),
    Misbehaviour('unknown-charset', body=b'[]',
                 headers={'Content-Type': 'application/json; charset=x-no'}),
    # A delete ignores the body of a 2xx answer: it may succeed below.
    Misbehaviour('not-objects', benign=DELETES, body=b'[1, "two", null]'),
    # Falsy entries: not skipped as empty records.
    Misbehaviour('zeros', benign=DELETES, body=b'[' + b','.join(
        [b'0'] * 100000) + b']'),
    Misbehaviour('wrong-types', benign=DELETES + (
        # Lists whose records have none of these fields.
        'multistack account list', 'multistack instance list',
        'accounts.list', 'instances.list'), body=_entries(
        instance='x', tags=7, queue_totals=[1, 2], desc=5, time=[])),
    Misbehaviour('date-out-of-range', benign=LISTS + DELETES, body=_entries(
        regist_datetime='9999-12-31T23:59:59-23:59')),
    Misbehaviour('control-chars', benign=LISTS + DELETES + PAGED,
                 body=_entries(status='RUN\x1b[2J',
                               name='\x1b]0;owned\x07',
                               desc='\x1b[2J\rRUN\x07', time='\x9b2J')),
    Misbehaviour('secrets', benign=LISTS + DELETES + PAGED, body=_entries(
        password=PASSWORD, password_hash=PASSWORD,
        nested={'key_raw': PASSWORD, 'private_key': PASSWORD})),
    # Any object is a valid RabbitMQ overview.
    Misbehaviour('created-without-id', status=201, benign=DELETES + (
        'metric rabbit show', 'rabbit.get'), body=b'{"status": "REQUEST"}'),
]

BY_NAME = {bad.name: bad for bad in MISBEHAVIOURS}


class Handler(http.server.BaseHTTPRequestHandler):
    """Answers each request with the misbehaviour its path names."""

    protocol_version = 'HTTP/1.1'
    server: Server

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        name = self.path.strip('/').split('/')[0].split('?')[0]
        self.server.seen.setdefault(name, []).append(dict(self.headers))
        length = int(self.headers.get('Content-Length') or 0)
        if length:
            self.rfile.read(length)
        if name == 'recorder':
            _send(self, 200, json.dumps([ENTRY]).encode())
            return
        bad = BY_NAME.get(name)
        if bad is None:
            _send(self, 404, b'{"detail": "no such misbehaviour"}')
        elif bad.act is not None:
            bad.act(self, bad)
        else:
            _send(self, bad.status, bad.body, bad.headers)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _answer


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    release: threading.Event
    seen: dict[str, list[dict[str, str]]]

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gives up mid-answer is what the tests expect.
        pass


class BrokenServer:
    """The server, in a thread, for the length of a ``with`` block."""

    def __enter__(self) -> BrokenServer:
        self.server = Server(('127.0.0.1', 0), Handler)
        self.server.release = threading.Event()
        self.server.seen = {}
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.server.release.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def endpoint(self, name: str) -> str:
        """The endpoint of the API that misbehaves as ``name``."""
        return 'http://127.0.0.1:%d/%s' % (self.port, name)

    @property
    def seen(self) -> dict[str, list[dict[str, str]]]:
        """Headers of the requests got, by misbehaviour name."""
        return self.server.seen
