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

"""The one HTTP layer of omsclient, built on keystoneauth1.

:class:`SessionClient` is a keystoneauth1 ``Adapter``: it finds the
service's endpoint in the catalog (or takes an explicit one), adds the
token, the ``User-Agent``, timeouts and retries, and turns every failure
into an :mod:`omsclient.common.exceptions` error. It serves any service
type: the multistack API (base URL + ``/api``) and the metering API (base
URL as is) both go through it.

Its generic calls, for managers of any service::

    client.get_json('queues/1/')                   # one parsed JSON answer
    client.iter_json_list('queues/', {'limit': 5})  # streamed list entries
    client.send_json('POST', 'queues/', body)      # parsed answer or None

keystoneauth sends each request once; what follows an answer (timeouts,
retries, ``Retry-After``, redirects, never with credentials to another
origin) is decided by :mod:`omsclient.common.http_policy`.
Answers are read by :mod:`omsclient.common.streaming` within bounds of
time, size and depth; errors are mapped by
:mod:`omsclient.common.http_errors`; the debug log is written by
:mod:`omsclient.common.http_log`.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Generator
import contextlib
from typing import Any
import urllib.parse
import uuid

from keystoneauth1 import adapter
from keystoneauth1 import exceptions as ksa_exc
from keystoneauth1 import session as ksa_session
import requests

from omsclient.common import exceptions
from omsclient.common import http_errors
from omsclient.common import http_log
from omsclient.common import http_policy
from omsclient.common import http_transport
from omsclient.common import streaming
from omsclient.common import utils

LOG = http_log.LOG
# Kept importable from here: other modules and users name them so.
mask_secrets = http_log.mask_secrets
request_id_of = http_log.request_id_of
RETRY_LOG = http_log.RETRY_LOG

DEFAULT_RETRIES = http_policy.DEFAULT_RETRIES
DEFAULT_TIMEOUT = http_policy.DEFAULT_TIMEOUT
MAX_REDIRECTS = http_policy.MAX_REDIRECTS
JSON_CONTENT_TYPE = 'application/json'


def normalise_base_url(endpoint: str, api_prefix: str = '/api') -> str:
    """Return the base URL of the API from a service endpoint.

    ``http://h:p``, ``http://h:p/``, ``http://h:p/api`` and
    ``http://h:p/api/`` all give ``http://h:p/api`` for the ``/api``
    prefix; with an empty prefix the endpoint is kept without its
    trailing slash.
    """
    url = endpoint.strip().rstrip('/')
    prefix = '/' + api_prefix.strip('/') if api_prefix.strip('/') else ''
    if prefix and url.endswith(prefix):
        url = url[:-len(prefix)]
    return url + prefix


def make_session(token: str | None = None, verify: bool | str = True,
                 cert: str | tuple[str, str] | None = None,
                 timeout: float | None = None) -> ksa_session.Session:
    """Build a keystoneauth session for a bare endpoint.

    Without a token the session has no auth plugin at all: no
    ``X-Auth-Token`` is sent, as the original service accepts anonymous
    requests. With a token, that token is sent as is (no Keystone call).
    """
    auth = None
    if token:
        from keystoneauth1 import token_endpoint
        auth = token_endpoint.Token(None, token)
    return ksa_session.Session(auth=auth, verify=verify, cert=cert,
                               timeout=timeout)


class SessionClient(adapter.Adapter):
    """A keystoneauth1 Adapter speaking JSON to one service.

    :param session: a keystoneauth1 ``Session`` (with or without auth).
    :param service_type: the catalog type of the service.
    :param api_prefix: the path appended to the service endpoint (``/api``
        for multistack, ``''`` for metering). An endpoint that already ends
        with it is accepted too.
    :param trailing_slash: append ``/`` to every path that lacks one (the
        multistack API answers paths without it with a redirect or 500).
    :param retries: how many times an idempotent request (GET, HEAD, PUT,
        DELETE, OPTIONS) is retried after a refused connection or a 502,
        503 or 504, with exponential back-off. POST and PATCH are never
        retried, and a timeout never is.
    :param retry_delay: a fixed delay between retries in seconds, instead
        of the exponential back-off (0.5 s, then doubled each time).
    :param timeout: seconds, or ``(connect, read)`` seconds; by default the
        session's timeout, else 10 s to connect and 60 s to answer
        (``http_policy.DEFAULT_TIMEOUT``).
    :param max_size: the largest answer (or list entry) read, in bytes.
    :param kwargs: the other ``Adapter`` arguments: ``interface``,
        ``region_name``, ``endpoint_override``, ``user_agent``, ...
    """

    def __init__(self, session: ksa_session.Session,
                 service_type: str = 'multistack',
                 api_prefix: str = '/api',
                 trailing_slash: bool = True,
                 retries: int = DEFAULT_RETRIES,
                 retry_delay: float | None = None,
                 timeout: http_policy.TimeoutValue = None,
                 max_size: int = streaming.MAX_SIZE,
                 **kwargs: Any) -> None:
        kwargs.setdefault(
            'user_agent', 'python-omsclient/%s' % utils.version_string())
        super().__init__(session, service_type=service_type, **kwargs)
        self.api_prefix = api_prefix
        self.trailing_slash = trailing_slash
        self.retries = retries
        self.retry_delay = retry_delay
        source = 'timeout'
        if timeout is None:
            timeout = getattr(session, 'timeout', None)
            source = 'session timeout'
        self.timeout = http_policy.as_timeout(timeout, source)
        self.max_size = max_size
        self._base_url: str | None = None

    # Endpoint

    @property
    def base_url(self) -> str:
        """The base URL of the API; found in the catalog on first use."""
        if self._base_url is None:
            endpoint = self._find_endpoint()
            self._base_url = normalise_base_url(
                self._check_endpoint(endpoint), self.api_prefix)
        return self._base_url

    def _check_endpoint(self, endpoint: str) -> str:
        problem = 'expected a URL such as http://127.0.0.1:8765'
        try:
            parts = urllib.parse.urlsplit(endpoint.strip())
            parts.port
        except ValueError as exc:
            parts, problem = None, str(exc)
        if (parts is None or parts.scheme not in ('http', 'https')
                or not parts.hostname):
            raise exceptions.EndpointNotFound(
                'Invalid endpoint %r for the %s service: %s' % (
                    endpoint, self.service_type, problem))
        return endpoint

    def _find_endpoint(self) -> str:
        hint = ("No '%(type)s' endpoint in the service catalog for region "
                "%(region)s / interface %(interface)s; pass --os-endpoint" % {
                    'type': self.service_type,
                    'region': self.region_name or '(any)',
                    'interface': self.interface or 'public'})
        try:
            endpoint = self.get_endpoint()
        except ksa_exc.MissingAuthPlugin:
            raise exceptions.EndpointNotFound(
                'No endpoint for the %s service: pass --os-endpoint or '
                'authenticate' % self.service_type)
        except (ksa_exc.EndpointNotFound, ksa_exc.EmptyCatalog):
            raise exceptions.EndpointNotFound(hint)
        except ksa_exc.ClientException as exc:
            raise http_errors.map_ksa_error(exc, 'GET', None, self.timeout)
        if not endpoint:
            raise exceptions.EndpointNotFound(hint)
        return endpoint

    def url_for(self, path: str) -> str:
        """Return the absolute URL of an API path (absolute URLs pass)."""
        if urllib.parse.urlsplit(path).netloc:
            return path
        path, mark, query = path.lstrip('/').partition('?')
        if self.trailing_slash and path and not path.endswith('/'):
            path += '/'
        if self.trailing_slash or path:
            return '%s/%s%s%s' % (self.base_url, path, mark, query)
        return self.base_url + mark + query

    def timeout_for(self, value: http_policy.TimeoutValue = None
                    ) -> tuple[float, float]:
        """The ``(connect, read)`` timeout of one call.

        A call's own ``timeout`` (seconds) shortens the client's, never
        lengthens it: a wait bounded in time passes what is left of it.
        """
        return http_policy.shorter(value, self.timeout)

    # Requests

    def request(self, url: str, method: str,
                **kwargs: Any) -> requests.Response:
        """Send a request and return its successful answer, unread.

        ``url`` is a path of the API (``'queues/1/'``) or an absolute URL.
        The keyword arguments are those of keystoneauth1's
        ``Session.request`` (``json``, ``params``, ``headers``, ...) and
        ``timeout`` (seconds; see :meth:`timeout_for`). The answer is
        always streamed: read it with :mod:`omsclient.common.streaming`.
        An answer of status 400 or above raises the matching
        :class:`omsclient.common.exceptions.HttpError`.

        Redirects are followed with the same method and body (a POST
        stays a POST) and relative ``Location`` headers resolved; to
        another origin, without credentials.
        """
        method = method.upper()
        headers = requests.structures.CaseInsensitiveDict(
            kwargs.get('headers') or {})
        headers.setdefault('Accept', JSON_CONTENT_TYPE)
        if method == 'POST':
            headers.setdefault('Idempotency-Key', str(uuid.uuid4()))
        timeout = self.timeout_for(kwargs.pop('timeout', None))
        kwargs.update(headers=headers, timeout=timeout, stream=True,
                      raise_exc=False, log=False, redirect=False,
                      connect_retries=0, status_code_retries=0,
                      logger=RETRY_LOG)
        retries = self.retries if method in http_policy.IDEMPOTENT else 0
        response = http_policy.exchange(self._send, self.url_for(url),
                                        method, kwargs, retries,
                                        self.retry_delay)
        if response.status_code >= 400:
            raise http_errors.error_from(response, method, timeout[1])
        return response

    def _send(self, url: str, method: str,
              kwargs: dict[str, Any]) -> requests.Response:
        http_transport.install(self.session.session, url)
        try:
            response = super().request(url, method, **kwargs)
        except ksa_exc.ClientException as exc:
            LOG.debug('%s %s failed: %s', method,
                      exceptions.mask_url(url), exceptions.mask_url(str(exc)))
            raise http_errors.map_ksa_error(exc, method, url,
                                            kwargs.get('timeout'))
        except UnicodeDecodeError:
            # requests reads the Location of a redirect as UTF-8, even
            # when it is told not to follow it.
            raise exceptions.InvalidResponse(
                '%s %s answered with a redirect whose Location is not '
                'valid UTF-8' % (method, url), url=url, method=method)
        http_log.log_exchange(response, kwargs.get('json'))
        return response

    def get_json(self, path: str, params: dict[str, Any] | None = None,
                 **kwargs: Any) -> Any:
        """GET a path and return its parsed JSON answer.

        :raises omsclient.common.exceptions.InvalidResponse: the answer is
            not JSON (HTML, empty, malformed) or beyond a bound.
        """
        return self._answer('GET', path, params=params, **kwargs)

    def send_json(self, method: str, path: str, body: Any = None,
                  **kwargs: Any) -> Any:
        """Send a request with an optional JSON body; return the answer.

        With ``body=None`` no body at all is sent. Returns the parsed JSON
        answer, or ``None`` for an answer without a body (204).
        """
        if body is not None:
            kwargs['json'] = body
        return self._answer(method.upper(), path, allow_empty=True,
                            **kwargs)

    def _answer(self, method: str, path: str, allow_empty: bool = False,
                **kwargs: Any) -> Any:
        read = self.timeout_for(kwargs.get('timeout'))[1]
        response = self.request(path, method, **kwargs)
        if response.status_code == 204:
            response.close()
            return None
        value = streaming.load(response, method, request_id_of(response),
                               read, self.max_size, allow_empty)
        http_log.log_body(value)
        return value

    def iter_json_list(self, path: str,
                       params: dict[str, Any] | None = None,
                       prefix: str = 'item',
                       **kwargs: Any) -> Generator[Any, None, None]:
        """Yield the entries of a JSON list answer as they arrive.

        A generator: the request is sent on the first ``next()``. The
        answer is streamed and parsed incrementally, so memory stays flat
        however long the list is; closing the generator closes the
        connection. See :func:`omsclient.common.streaming.iter_items` for
        ``prefix`` and the errors raised while reading.
        """
        items = self.open_json_list(path, params, prefix=prefix, **kwargs)
        with contextlib.closing(items):
            yield from items

    def open_json_list(self, path: str,
                       params: dict[str, Any] | None = None,
                       prefix: str = 'item',
                       **kwargs: Any) -> Generator[Any, None, None]:
        """Send a list request now; return an iterator over its entries.

        Unlike :meth:`iter_json_list`, HTTP errors are raised by this call
        itself, before any entry is read.
        """
        return self._open_list(streaming.iter_items, path, params, prefix,
                               **kwargs)

    def open_json_batches(self, path: str,
                          params: dict[str, Any] | None = None,
                          prefix: str = 'item', **kwargs: Any
                          ) -> Generator[list[Any], None, None]:
        """As :meth:`open_json_list`, the entries in lists.

        Each list holds the entries that arrived together (see
        :func:`omsclient.common.streaming.iter_batches`), for a caller
        that checks them together.
        """
        return self._open_list(streaming.iter_batches, path, params, prefix,
                               **kwargs)

    def _open_list(self, read: Callable[..., Generator[Any, None, None]],
                   path: str, params: dict[str, Any] | None, prefix: str,
                   **kwargs: Any) -> Generator[Any, None, None]:
        read_timeout = self.timeout_for(kwargs.get('timeout'))[1]
        response = self.request(path, 'GET', params=params, **kwargs)
        return read(response, method='GET', prefix=prefix,
                    request_id=request_id_of(response),
                    read_timeout=read_timeout, max_size=self.max_size)

    @staticmethod
    def _invalid(response: requests.Response, method: str,
                 message: str) -> exceptions.InvalidResponse:
        return exceptions.InvalidResponse(
            message, http_status=response.status_code,
            request_id=request_id_of(response), url=response.url,
            method=method)
