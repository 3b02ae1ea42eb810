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


"""Serving WSGI applications with cheroot, and the process life cycle.

Each server reads the head of every request (request line and headers)
ahead of its request threads, without blocking: a thread is given a
connection only once the whole head has arrived, so clients that send
slowly, or not at all, hold no thread. Heads must arrive within
``client_header_timeout``, the rest of a request within
``client_body_timeout``, and one client address may hold at most
``max_connections_per_client`` connections.

With ``workers`` above one, the listening sockets are opened once and
shared by that many forked processes, each with its own request threads;
the first process only watches them (see :func:`run`).
"""

import dataclasses
import os
import select
import signal
import socket
import threading
import time
import typing

from cheroot import server as cheroot_server
from cheroot import wsgi
from oslo_log import log as logging

from openmultistack.common import service
from openmultistack import conf
from openmultistack.db import api as db_api

CONF = conf.CONF
LOG = logging.getLogger(__name__)
# Seconds a server thread may take to end after its requests did.
STOP_GRACE = 5
# Bytes of request line and headers; larger requests get cheroot's 413.
MAX_HEADER_SIZE = 64 * 1024
# How long, and how much, unread input is drained before a close.
LINGER_SECONDS = 1.0
LINGER_BYTES = 1024 * 1024
# Seconds a forked process must have run for its end to be a crash
# worth a new process rather than a start-up failure that stops all.
RESPAWN_AFTER = 5.0
# How often the first process looks after the others, in seconds.
WATCH_INTERVAL = 0.5
_HEAD_ENDS = (b'\r\n\r\n', b'\n\n')
_REFUSED = (b'HTTP/1.1 503 Service Unavailable\r\n'
            b'Content-Type: text/plain\r\nRetry-After: 1\r\n'
            b'Connection: close\r\nContent-Length: %d\r\n\r\n%s')
_TOO_MANY = b'Too many connections from this address; retry later.\n'


class Service(typing.Protocol):
    def start(self) -> None:
        """Start, and return at once."""

    def stop(self) -> None:
        """Stop, and return once stopped."""


def default_workers() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def listen(host: str, port: int, backlog: int) -> socket.socket:
    """A listening TCP socket on ``host``/``port``, shareable by forks."""
    family, _, _, _, address = socket.getaddrinfo(
        host, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0,
        socket.AI_PASSIVE)[0]
    sock = socket.create_server(address[:2], family=family,
                                backlog=backlog)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class _ReadAhead:
    """The socket of a connection, behind the bytes read ahead of it.

    The server's connection thread puts the head of a request here; the
    request thread reads it first, then the socket, each read bounded by
    ``deadline`` (a ``time.monotonic()`` value) when there is one.
    """

    def __init__(self, sock: socket.socket, timeout: float):
        self._sock = sock
        self._timeout = timeout
        self.buffer = bytearray()
        self.deadline: typing.Optional[float] = None
        self.timed_out = False

    def recv_into(self, buffer, nbytes: int = 0, flags: int = 0) -> int:
        if self.buffer:
            count = min(len(buffer), len(self.buffer))
            buffer[:count] = self.buffer[:count]
            del self.buffer[:count]
            return count
        try:
            if self.deadline is not None:
                remaining = self.deadline - time.monotonic()
                if remaining <= 0:
                    # The text cheroot recognises as a timeout (408).
                    raise socket.timeout('timed out')
                self._sock.settimeout(min(remaining, self._timeout))
            return self._sock.recv_into(buffer, nbytes, flags)
        except socket.timeout:
            self.timed_out = True
            raise

    def read_available(self, limit: int) -> bool:
        """Read what has arrived, without waiting; ``True`` at the end.

        The end is the end of the request head, of the stream or of
        ``limit`` bytes: the request thread takes over from there.
        """
        timeout = self._sock.gettimeout()
        if timeout is None:
            # A blocking socket (never cheroot's): made non-blocking for
            # the reads, then restored.
            self._sock.setblocking(False)
            try:
                return self._read_available(self._sock.recv, limit)
            finally:
                self._sock.settimeout(timeout)
        # A socket with a timeout is non-blocking underneath, but its
        # recv() polls first: read the descriptor, one system call.
        fileno = self._sock.fileno()
        return self._read_available(
            lambda size: os.read(fileno, size), limit)

    def _read_available(self, recv: typing.Callable[[int], bytes],
                        limit: int) -> bool:
        try:
            while len(self.buffer) <= limit:
                chunk = recv(limit + 1 - len(self.buffer))
                if not chunk:
                    return True
                # Where an end of the head may start: in what arrived
                # now, or just before it.
                start = max(0, len(self.buffer) - 3)
                self.buffer += chunk
                if any(self.buffer.find(end, start) >= 0
                       for end in _HEAD_ENDS):
                    return True
        except BlockingIOError:
            return False
        except OSError:
            return True
        return True

    def __getattr__(self, name):
        return getattr(self._sock, name)


class _Writer:
    """cheroot's socket writer, able to hold the head of an answer.

    cheroot writes the head of an answer and each part of its body
    separately, every write sent at once: two system calls and two
    packets for most answers. A head written while :attr:`hold` is set
    waits and goes out with the next write (the body's first part,
    unless that is large), or at :meth:`flush`.
    """

    # Body parts above this size are not copied to join the head.
    JOIN_LIMIT = 16 * 1024

    def __init__(self, writer):
        self._writer = writer
        self._held: typing.Optional[bytes] = None
        self.hold = False

    def write(self, data) -> int:
        if self.hold:
            self.hold = False
            self._held = bytes(data)
            return len(data)
        held, self._held = self._held, None
        if held is not None:
            if len(data) <= self.JOIN_LIMIT:
                self._writer.write(held + bytes(data))
                return len(data)
            self._writer.write(held)
        return self._writer.write(data)

    def flush(self) -> None:
        held, self._held = self._held, None
        self.hold = False
        if held is not None:
            self._writer.write(held)
        self._writer.flush()

    def __getattr__(self, name):
        return getattr(self._writer, name)


class _Request(cheroot_server.HTTPRequest):

    def send_headers(self):
        if self.conn.ahead.timed_out:
            # Otherwise cheroot would wait for the rest of the body the
            # client did not send in time, before answering.
            self.close_connection = True
        self._note_error(self.status)
        self.conn.wfile.hold = True
        try:
            super().send_headers()
        finally:
            self.conn.wfile.hold = False

    def respond(self):
        try:
            super().respond()
        finally:
            self.conn.wfile.flush()

    def simple_response(self, status, msg=''):
        # cheroot's own answers: 400, 408, 413, 414 and the like.
        self._note_error(status)
        super().simple_response(status, msg)

    def _note_error(self, status) -> None:
        if isinstance(status, bytes):
            status = status.decode('ascii', 'replace')
        if str(status)[:1] == '4':
            self.conn.linger = True


class _Connection(cheroot_server.HTTPConnection):
    """A connection whose request heads are read ahead of the threads."""

    RequestHandlerClass = _Request

    def __init__(self, server, sock, makefile=cheroot_server.MakeFile):
        self.ahead = _ReadAhead(sock, server.timeout)
        self.head_deadline: typing.Optional[float] = None
        self.counted = False
        # Set by an error answer: see _linger().
        self.linger = False

        def files(raw, mode, size):
            if 'r' in mode:
                return makefile(self.ahead, mode, size)
            return _Writer(makefile(raw, mode, size))
        super().__init__(server, sock, files)

    def close(self):
        if self.counted:
            self.counted = False
            self.server.uncount(self)
        if self.linger:
            self.linger = False
            self._linger()
        super().close()

    def _linger(self) -> None:
        """Read what the client still sends before closing, for a moment.

        A connection closed with unread input is reset, and the reset can
        destroy the answer (a 413 to a head that is too large, a 400 to a
        bad body) before the client reads it. After an error answer, as web
        servers do on such a "lingering close", stop sending, then read and
        drop the rest of the input for at most ``LINGER_SECONDS`` or
        ``LINGER_BYTES``; a connection with nothing pending closes at once.
        It runs in the request thread that answered, never in the thread
        that accepts and watches connections.
        """
        sock = self.socket
        try:
            if not select.select([sock], [], [], 0)[0]:
                return
            sock.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + LINGER_SECONDS
            dropped = 0
            while dropped < LINGER_BYTES:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([sock], [], [], left)[0]:
                    return
                chunk = sock.recv(65536)
                if not chunk:
                    return
                dropped += len(chunk)
        except (OSError, TypeError, ValueError):
            # Already closed or reset: nothing left to save.
            return


class _HTTPServer(wsgi.Server):
    """cheroot's WSGI server on a given socket, fair to slow clients."""

    ConnectionClass = _Connection

    def __init__(self, listener: socket.socket, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.listener = listener
        self.request_queue_size = CONF.listen_backlog
        self.max_request_header_size = MAX_HEADER_SIZE
        self.header_timeout = CONF.client_header_timeout
        self.body_timeout = CONF.client_body_timeout
        self.max_per_client = CONF.max_connections_per_client
        self._clients: typing.Dict[str, int] = {}
        self._clients_lock = threading.Lock()

    def bind(self, family, type, proto=0):
        """Serve on the listening socket given rather than a new one."""
        self.socket = self.listener
        self.bind_addr = self.resolve_real_bind_addr(self.socket)

    def _admit(self, conn: _Connection) -> bool:
        """Count a new connection; ``False`` when its client has too many."""
        address = conn.remote_addr or ''
        with self._clients_lock:
            count = self._clients.get(address, 0)
            if self.max_per_client and count >= self.max_per_client:
                return False
            self._clients[address] = count + 1
        conn.counted = True
        return True

    def uncount(self, conn: _Connection) -> None:
        address = conn.remote_addr or ''
        with self._clients_lock:
            left = self._clients.get(address, 1) - 1
            if left > 0:
                self._clients[address] = left
            else:
                self._clients.pop(address, None)

    def _refuse(self, conn: _Connection) -> None:
        LOG.warning('Refused a connection from %s: it already has %d',
                    conn.remote_addr, self.max_per_client)
        try:
            conn.socket.setblocking(False)
            conn.socket.send(_REFUSED % (len(_TOO_MANY), _TOO_MANY))
        except OSError:
            pass
        conn.close()

    def process_conn(self, conn):
        """Give ``conn`` to a request thread once its head has arrived.

        Until then it waits for more bytes in cheroot's selector, closed
        when ``client_header_timeout`` has passed: cheroot closes the
        connections that have waited there longer than ``timeout`` since
        ``last_used``.
        """
        if not conn.counted and not self._admit(conn):
            self._refuse(conn)
            return
        if conn.rfile.has_data() or conn.ahead.read_available(
                self.max_request_header_size):
            conn.head_deadline = None
            conn.ahead.deadline = time.monotonic() + self.body_timeout
            super().process_conn(conn)
            return
        now = time.time()
        if conn.head_deadline is None:
            conn.head_deadline = now + self.header_timeout
        self.put_conn(conn)
        conn.last_used = conn.head_deadline - self.timeout

    def put_conn(self, conn):
        conn.ahead.deadline = None
        super().put_conn(conn)


class WSGIServer:
    """One application on one address, served by a thread pool.

    :param workers: processes that serve it (see :func:`run`).
    """

    def __init__(self, name: str, app, host: str, port: int,
                 threads: int, workers: int = 1):
        self.name = name
        self.workers = workers
        self._address = (host, port)
        self._listener: typing.Optional[socket.socket] = None
        self._server = _HTTPServer(None, self._address, app,
                                   numthreads=threads, server_name=name)
        self._thread: typing.Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        host, port = self._address
        if ':' in host:
            host = '[%s]' % host
        return 'http://%s:%d' % (host, port)

    def bind(self) -> None:
        """Open the listening socket (errors are raised here)."""
        if self._listener is None:
            self._listener = listen(*self._address, CONF.listen_backlog)
            self._server.listener = self._listener
            # The port the system chose for port 0.
            self._address = self._listener.getsockname()[:2]

    def start(self) -> None:
        """Bind if not done yet, and serve in a thread."""
        self.bind()
        self._server.prepare()
        self._thread = threading.Thread(target=self._server.serve,
                                        name=self.name, daemon=True)
        self._thread.start()
        if self.workers == 1:
            LOG.info('%s listening on %s', self.name, self.url)

    def stop(self) -> None:
        if self._thread is not None:
            # cheroot gives running requests shutdown_timeout seconds.
            self._server.stop()
            self._listener = None
            self._thread.join(self._server.shutdown_timeout + STOP_GRACE)
            if self._thread.is_alive():
                LOG.warning('%s did not stop in time', self.name)
            else:
                LOG.info('%s stopped', self.name)
            self._thread = None

    def is_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()


def run(servers: typing.Sequence[WSGIServer],
        services: typing.Sequence[Service] = ()) -> None:
    """Serve until SIGTERM or SIGINT, in one process or several.

    With every server at one worker, everything runs in this process.
    Otherwise this process opens the listening sockets, forks each
    server's workers and one process for the other services, and looks
    after them: see :class:`_Supervisor`.
    """
    if all(server.workers == 1 for server in servers):
        run_here(servers, services)
        return
    groups = []
    for server in servers:
        server.bind()
        LOG.info('%s listening on %s with %d processes', server.name,
                 server.url, server.workers)
        groups.append(_Group(server.name, server.workers, [server], []))
    if services:
        groups.append(_Group('services', 1, [], services))
    # Each process opens its own database connections.
    db_api.dispose()
    _Supervisor(groups).run()


def run_here(servers: typing.Sequence[WSGIServer],
             services: typing.Sequence[Service] = (),
             orphaned: typing.Callable[[], bool] = lambda: False) -> None:
    """Start everything, wait for SIGTERM or SIGINT, stop everything.

    :param orphaned: tells whether the process that started this one is
        gone, which stops everything too.
    """
    stopping = threading.Event()

    def handle_signal(signum, frame):
        LOG.info('Received %s, stopping', signal.Signals(signum).name)
        stopping.set()

    previous = {signum: signal.signal(signum, handle_signal)
                for signum in (signal.SIGTERM, signal.SIGINT)}
    started: list = []
    try:
        for item in list(servers) + list(services):
            item.start()
            started.append(item)
        while not stopping.wait(1.0):
            dead = [server.name for server in servers
                    if not server.is_alive()]
            if dead:
                LOG.error('%s stopped unexpectedly', ', '.join(dead))
                break
            if orphaned():
                LOG.error('The first process is gone, stopping')
                break
    finally:
        for item in reversed(started):
            try:
                item.stop()
            except Exception:
                LOG.exception('Error while stopping %r', item)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@dataclasses.dataclass
class _Group:
    """``count`` forked processes that each run these."""

    name: str
    count: int
    servers: typing.Sequence[WSGIServer]
    services: typing.Sequence[Service]


class _Supervisor:
    """Forks the processes of each group and keeps them running.

    A process that ends after ``RESPAWN_AFTER`` seconds is replaced; one
    that ends sooner is taken for a start-up failure, which stops them
    all. SIGTERM or SIGINT stops them all: SIGTERM to each, SIGKILL to
    those still running after cheroot's shutdown timeout and a grace.
    """

    def __init__(self, groups: typing.Sequence[_Group]):
        self.groups = groups
        self.children: typing.Dict[int, typing.Tuple[_Group, float]] = {}
        self.stopping = threading.Event()
        self.failed = False

    def _handle_signal(self, signum, frame):
        LOG.info('Received %s, stopping %d processes',
                 signal.Signals(signum).name, len(self.children))
        self.stopping.set()

    def _spawn(self, group: _Group) -> None:
        parent = os.getpid()
        pid = os.fork()
        if pid:
            self.children[pid] = (group, time.monotonic())
            return
        code = 1
        try:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, signal.SIG_DFL)
            # Killed without a chance to stop us, the first process
            # leaves us to its parent: stop rather than serve for ever.
            run_here(group.servers, group.services,
                     lambda: os.getppid() != parent)
            code = 0
        except BaseException:
            LOG.exception('%s process %d failed', group.name, os.getpid())
        finally:
            os._exit(code)

    def _reap(self) -> None:
        while self.children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if not pid:
                return
            group, started = self.children.pop(pid)
            if self.stopping.is_set():
                continue
            LOG.error('%s process %d ended with status %d', group.name,
                      pid, os.waitstatus_to_exitcode(status))
            if time.monotonic() - started < RESPAWN_AFTER:
                self.failed = True
                self.stopping.set()
            else:
                self._spawn(group)

    def _stop_children(self) -> None:
        for pid in self.children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + (cheroot_server.HTTPServer
                                       .shutdown_timeout + STOP_GRACE)
        while self.children and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.05)
        for pid in list(self.children):
            LOG.warning('Process %d did not stop in time: killing it', pid)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            del self.children[pid]

    def run(self) -> None:
        previous = {signum: signal.signal(signum, self._handle_signal)
                    for signum in (signal.SIGTERM, signal.SIGINT)}
        try:
            for group in self.groups:
                for _ in range(group.count):
                    self._spawn(group)
            while not self.stopping.wait(WATCH_INTERVAL):
                self._reap()
        finally:
            self._stop_children()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if self.failed:
            raise service.StartupError(
                'A process stopped during its start-up: see the log.')
        LOG.info('All processes stopped')
