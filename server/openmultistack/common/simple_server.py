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


"""The simple server of the console scripts, for one machine.

Each API is served by waitress in ``workers`` processes that share its
listening socket, and the boot worker runs in a process of its own; the
processes are started, watched and stopped by cotyledon. Neither server
nor supervisor holds code of this project: the settings below are
waitress's own.

waitress reads a whole request (head and body) in its I/O thread before
a request thread sees it, so clients that send slowly, or stall half-way
through a head, hold no request thread; ``[DEFAULT] max_connections``
bounds the connections each process keeps open, ``client_timeout`` closes
those that stay silent. The production path is an outside WSGI server
behind a proxy (``openmultistack.api.wsgi``; see the admin guide).
"""

import math
import os
import socket
import typing

import cotyledon
from oslo_log import log as logging
import waitress

from openmultistack import conf
from openmultistack.db import api as db_api

CONF = conf.CONF
LOG = logging.getLogger(__name__)
# Bytes of request line and headers; larger heads get waitress's 431.
MAX_HEADER_SIZE = 64 * 1024
# Seconds running requests have to end once a process is told to stop.
SHUTDOWN_TIMEOUT = 5
# How often waitress looks for connections silent past client_timeout.
CLEANUP_INTERVAL = 1


def default_workers() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class API:
    """One WSGI application on one address, to be served by :func:`run`.

    The application is built, and the socket opened, by the process that
    starts the others: an error there stops the start-up with one line.
    """

    def __init__(self, name: str, app, host: str, port: int,
                 threads: int, workers: typing.Optional[int] = None):
        self.name = name
        self.app = app
        self.threads = threads
        self.workers = workers or default_workers()
        self.socket = socket.create_server(
            (host, port), family=_family(host), backlog=CONF.listen_backlog)
        # The port the system chose for port 0.
        self.address = self.socket.getsockname()[:2]

    @property
    def url(self) -> str:
        host, port = self.address
        if ':' in host:
            host = '[%s]' % host
        return 'http://%s:%d' % (host, port)

    def create_server(self):
        """waitress's server of this API, on the socket opened before."""
        return waitress.create_server(
            self.app, sockets=[self.socket], threads=self.threads,
            connection_limit=CONF.max_connections,
            channel_timeout=math.ceil(CONF.client_timeout),
            cleanup_interval=CLEANUP_INTERVAL,
            max_request_header_size=MAX_HEADER_SIZE,
            # The application refuses larger bodies with its own 413;
            # waitress stops reading beyond twice that.
            max_request_body_size=2 * CONF.max_request_body_size,
            # poll(), not select(): more than 1024 descriptors.
            asyncore_use_poll=True,
            # Proxy headers are oslo.middleware's to read, when
            # [oslo_middleware] enable_proxy_headers_parsing says so.
            clear_untrusted_proxy_headers=False,
            ident='openmultistack')


def _family(host: str) -> socket.AddressFamily:
    return socket.getaddrinfo(host, None, socket.AF_UNSPEC,
                              socket.SOCK_STREAM)[0][0]


class _APIService(cotyledon.Service):
    """One process of an API: waitress until told to stop."""

    def __init__(self, worker_id: int, api: API):
        super().__init__(worker_id)
        self.name = api.name
        self._server = api.create_server()

    def run(self) -> None:
        self._server.run()

    def terminate(self) -> None:
        # No new connection, then the running requests, for a moment.
        self._server.close()
        self._server.task_dispatcher.shutdown(timeout=SHUTDOWN_TIMEOUT)


class _Service(cotyledon.Service):
    """A :class:`Service` of this project in a process of its own."""

    def __init__(self, worker_id: int, name: str,
                 create: typing.Callable[[], typing.Any]):
        super().__init__(worker_id)
        self.name = name
        self._service = create()

    def run(self) -> None:
        self._service.start()

    def terminate(self) -> None:
        self._service.stop()


def run(apis: typing.Sequence[API],
        services: typing.Sequence[typing.Tuple[str, typing.Callable]] = (),
        shutdown_timeout: int = 60) -> None:
    """Serve until SIGTERM or SIGINT, each API and service in processes.

    :param services: ``(name, factory)`` of objects with ``start()`` and
        ``stop()``, each built and run in one process.
    :param shutdown_timeout: seconds the processes have to stop before
        they are killed.
    """
    # Each process opens its own database connections.
    db_api.dispose()
    manager = cotyledon.ServiceManager(
        graceful_shutdown_timeout=shutdown_timeout)
    for api in apis:
        LOG.info('%s listening on %s with %d processes of %d threads',
                 api.name, api.url, api.workers, api.threads)
        manager.add(_APIService, workers=api.workers, args=(api,))
    for name, create in services:
        manager.add(_Service, workers=1, args=(name, create))
    manager.run()
