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


"""Serving WSGI applications with cheroot, and the process life cycle."""

import signal
import threading
import typing

from cheroot import wsgi
from oslo_log import log as logging

LOG = logging.getLogger(__name__)
# Seconds a server thread may take to end after its requests did.
STOP_GRACE = 5
# Bytes of request line and headers; larger requests get cheroot's 413.
MAX_HEADER_SIZE = 64 * 1024


class Service(typing.Protocol):
    def start(self) -> None:
        """Start, and return at once."""

    def stop(self) -> None:
        """Stop, and return once stopped."""


class WSGIServer:
    """One application on one address, served by a thread pool."""

    def __init__(self, name: str, app, host: str, port: int,
                 threads: int):
        self.name = name
        self._server = wsgi.Server((host, port), app, numthreads=threads,
                                   server_name=name)
        self._server.max_request_header_size = MAX_HEADER_SIZE
        self._thread: typing.Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        host, port = self._server.bind_addr[:2]
        if ':' in host:
            host = '[%s]' % host
        return 'http://%s:%d' % (host, port)

    def start(self) -> None:
        """Bind (errors are raised here) and serve in a thread."""
        self._server.prepare()
        self._thread = threading.Thread(target=self._server.serve,
                                        name=self.name, daemon=True)
        self._thread.start()
        LOG.info('%s listening on %s', self.name, self.url)

    def stop(self) -> None:
        if self._thread is not None:
            # cheroot gives running requests shutdown_timeout seconds.
            self._server.stop()
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
    """Start everything, wait for SIGTERM or SIGINT, stop everything."""
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
    finally:
        for item in reversed(started):
            try:
                item.stop()
            except Exception:
                LOG.exception('Error while stopping %r', item)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
