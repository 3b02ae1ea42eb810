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

"""The head of an answer within the read timeout, however slowly it comes.

urllib3 applies the read timeout to each read of the socket. A server that
sends its status line and headers a byte at a time, each byte in time,
keeps a client waiting as long as it likes (``http.client`` reads up to
100 header lines of 64 KiB each: weeks at a few bytes a second). The
connections of this module bound the whole wait for the head by the same
read timeout: once it has passed, the socket is shut down and the request
ends with urllib3's ``ReadTimeoutError``, as a silent server's does
(``requests.exceptions.ReadTimeout``, then keystoneauth1's
``ConnectTimeout``). The body is bounded by
:mod:`omsclient.common.streaming`.

Built on public interfaces only: a requests transport adapter (the one
keystoneauth1 mounts, with its TCP keep-alive), urllib3's pool classes and
their ``ConnectionCls``, and the connections' ``getresponse()``. The
adapter is mounted for the API's origin alone (:func:`install`), so the
other clients of a shared session (``openstack`` shares one between its
plugins) are left as they are. Through a proxy (``HTTPS_PROXY``), the
connections are the proxy manager's, and only each read is bounded.
"""

from __future__ import annotations

import socket
import threading
from typing import Any
import urllib.parse

from keystoneauth1 import session as ksa_session
import requests
from urllib3 import connection as u3_connection
from urllib3 import connectionpool
from urllib3 import exceptions as u3_exceptions


class _HeadDeadline:
    """``getresponse()`` within the connection's (read) timeout."""

    sock: socket.socket | None
    timeout: Any

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        # urllib3 sets the read timeout of this answer just before.
        limit = self.timeout
        if isinstance(limit, bool) or not isinstance(limit, (int, float)):
            return super().getresponse(*args, **kwargs)  # type: ignore
        lock = threading.Lock()
        state = {'done': False, 'expired': False}

        def expire() -> None:
            with lock:
                if state['done']:
                    return
                state['expired'] = True
                sock = self.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        timer = threading.Timer(limit, expire)
        timer.daemon = True
        timer.start()
        try:
            response = super().getresponse(*args, **kwargs)  # type: ignore
        except BaseException as exc:
            with lock:
                state['done'] = True
            timer.cancel()
            if state['expired']:
                raise self._late(limit) from exc
            raise
        with lock:
            state['done'] = True
        timer.cancel()
        if state['expired']:
            # The head arrived as the time ran out: its socket is gone.
            response.close()
            raise self._late(limit)
        return response

    @staticmethod
    def _late(limit: float) -> u3_exceptions.ReadTimeoutError:
        return u3_exceptions.ReadTimeoutError(
            None, None,  # type: ignore[arg-type]
            'the head of the answer took longer than %s s' % limit)


class _HTTPConnection(_HeadDeadline, u3_connection.HTTPConnection):
    """An HTTP connection whose answers' heads are bounded in time."""


class _HTTPSConnection(_HeadDeadline, u3_connection.HTTPSConnection):
    """An HTTPS connection whose answers' heads are bounded in time."""


class _HTTPConnectionPool(connectionpool.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSConnectionPool(connectionpool.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class Adapter(ksa_session.TCPKeepAliveAdapter):
    """keystoneauth1's transport adapter, with those connections."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            'http': _HTTPConnectionPool, 'https': _HTTPSConnectionPool}


def install(session: requests.Session, url: str) -> None:
    """Mount :class:`Adapter` on ``session`` for ``url``'s origin, once.

    The requests of ``session`` to that origin then go through it.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ('http', 'https'):
        return
    prefix = '%s://%s/' % (parts.scheme, parts.netloc.lower())
    if not isinstance(session.adapters.get(prefix), Adapter):
        session.mount(prefix, Adapter())
