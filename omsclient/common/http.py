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
token, the ``User-Agent`` and retries, and turns every failure into an
:mod:`omsclient.common.exceptions` error. It serves any service type: the
multistack API (base URL + ``/api``) and the metering API (base URL as is)
both go through it.

Its generic calls, for managers of any service::

    client.get_json('queues/1/')                   # one parsed JSON answer
    client.iter_json_list('queues/', {'limit': 5})  # streamed list entries
    client.send_json('POST', 'queues/', body)      # parsed answer or None

keystoneauth's own request/response logging is turned off for every call
(``log=False``): it would log request bodies with passwords, answers with
private keys, and read a streamed body whole to log it. This module logs
instead one line per request and per answer (status, URL, request id) and,
for answers that are not streamed, the body with its secrets masked.
"""

from __future__ import annotations

from collections.abc import Generator
import contextlib
import hashlib
import json
import logging
import re
from typing import Any
import urllib.parse
import uuid

from keystoneauth1 import adapter
from keystoneauth1 import exceptions as ksa_exc
from keystoneauth1 import session as ksa_session
from oslo_utils import strutils
import requests

from omsclient.common import exceptions
from omsclient.common import secret_fields
from omsclient.common import streaming
from omsclient.common import utils

LOG = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])
RETRIABLE_STATUS_CODES = [502, 503, 504]
DEFAULT_RETRIES = 3
REDIRECT_STATUSES = frozenset([301, 302, 303, 307, 308])
MAX_REDIRECTS = 5
REQUEST_ID_HEADERS = ('x-openstack-request-id', 'x-request-id',
                      'x-compute-request-id')
SENSITIVE_HEADERS = frozenset(['x-auth-token', 'x-subject-token',
                               'x-service-token', 'authorization'])
ERROR_BODY_LIMIT = 64 * 1024
JSON_CONTENT_TYPE = 'application/json'
_ERRNO_REASON = re.compile(r'\[Errno -?\d+\] ([^\'"()]+)')
_FAILED_URL = re.compile(r'(?:connection to|Request to|connecting to) '
                         r'(\w+://[^\s:/]+(?::\d+)?\S*?):? ')


class _RetryNotices(logging.LoggerAdapter):
    """The logger handed to keystoneauth for its retry notices.

    keystoneauth announces each retry as a warning; a retry that then
    succeeds is no news for a command's user, and one that fails ends in
    the error itself. They are logged at INFO (``openstack -v``) instead.
    """

    def warning(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self.info(msg, *args, **kwargs)


RETRY_LOG = _RetryNotices(logging.getLogger(__name__ + '.retry'), {})


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


def mask_secrets(value: Any) -> Any:
    """Return a copy of a JSON value with its secrets replaced by ``***``.

    The fields are those of :mod:`omsclient.common.secret_fields`, the
    rule every output of omsclient follows; oslo.utils masks, in addition,
    ``password=...`` and the like inside text values.
    """
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    if not isinstance(value, dict):
        return value
    return strutils.mask_dict_password({
        k: '***' if secret_fields.is_secret(k) and v is not None
        else mask_secrets(v) for k, v in value.items()})


def request_id_of(response: requests.Response) -> str | None:
    """Return the request id an answer carries, if any."""
    for header in REQUEST_ID_HEADERS:
        value = response.headers.get(header)
        if value:
            return value
    return None


def _safe_header(name: str, value: str) -> str:
    if name.lower() in SENSITIVE_HEADERS:
        digest = hashlib.sha256(value.encode('utf-8')).hexdigest()
        return '{SHA256}' + digest
    return value


def _connect_reason(error: Exception) -> str:
    text = str(error)
    match = _ERRNO_REASON.search(text)
    if match:
        reason = match.group(1).strip()
        return reason[:1].lower() + reason[1:]
    if 'refused' in text.lower():
        return 'connection refused'
    return text


def _root_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return '%s://%s' % (parts.scheme, parts.netloc) if parts.netloc else url


def _failed_url(error: Exception, url: str | None) -> str:
    """The URL a keystoneauth connection error names, else ``url``.

    The failure may come from the auth plugin talking to Keystone rather
    than from the request to the service itself.
    """
    match = _FAILED_URL.search(str(error))
    return match.group(1) if match else (url or '')


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
        DELETE, OPTIONS) is retried after a connection error or a 502, 503
        or 504, with exponential back-off. POST and PATCH are never retried.
    :param retry_delay: a fixed delay between retries in seconds, instead
        of keystoneauth's exponential back-off.
    :param kwargs: the other ``Adapter`` arguments: ``interface``,
        ``region_name``, ``endpoint_override``, ``user_agent``, ...
    """

    def __init__(self, session: ksa_session.Session,
                 service_type: str = 'multistack',
                 api_prefix: str = '/api',
                 trailing_slash: bool = True,
                 retries: int = DEFAULT_RETRIES,
                 retry_delay: float | None = None,
                 **kwargs: Any) -> None:
        kwargs.setdefault(
            'user_agent', 'python-omsclient/%s' % utils.version_string())
        super().__init__(session, service_type=service_type, **kwargs)
        self.api_prefix = api_prefix
        self.trailing_slash = trailing_slash
        self.retries = retries
        self.retry_delay = retry_delay
        self._base_url: str | None = None

    # Endpoint

    @property
    def base_url(self) -> str:
        """The base URL of the API; found in the catalog on first use."""
        if self._base_url is None:
            endpoint = self._find_endpoint()
            parts = urllib.parse.urlsplit(endpoint.strip())
            if parts.scheme not in ('http', 'https') or not parts.netloc:
                raise exceptions.EndpointNotFound(
                    'Invalid endpoint %r for the %s service: expected a URL '
                    'such as http://127.0.0.1:8765' % (endpoint,
                                                       self.service_type))
            self._base_url = normalise_base_url(endpoint, self.api_prefix)
        return self._base_url

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
            raise self._map_ksa_error(exc, 'GET', None)
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

    # Requests

    def request(self, url: str, method: str,
                **kwargs: Any) -> requests.Response:
        """Send a request and return its successful answer.

        ``url`` is a path of the API (``'queues/1/'``) or an absolute URL.
        The keyword arguments are those of keystoneauth1's
        ``Session.request`` (``json``, ``params``, ``headers``, ``stream``,
        ...). An answer of status 400 or above raises the matching
        :class:`omsclient.common.exceptions.HttpError`.

        Redirects are followed here, with the same method and body (a POST
        stays a POST) and relative ``Location`` headers resolved.
        """
        method = method.upper()
        full_url = self.url_for(url)
        headers = requests.structures.CaseInsensitiveDict(
            kwargs.get('headers') or {})
        kwargs['headers'] = headers
        headers.setdefault('Accept', JSON_CONTENT_TYPE)
        if method == 'POST':
            headers.setdefault('Idempotency-Key', str(uuid.uuid4()))
        retries = self.retries if method in IDEMPOTENT_METHODS else 0
        kwargs.setdefault('connect_retries', retries)
        kwargs.setdefault('status_code_retries', retries)
        kwargs.setdefault('retriable_status_codes', RETRIABLE_STATUS_CODES)
        if self.retry_delay is not None:
            kwargs.setdefault('connect_retry_delay', self.retry_delay)
            kwargs.setdefault('status_code_retry_delay', self.retry_delay)
        kwargs.update(raise_exc=False, log=False, redirect=False)
        kwargs.setdefault('logger', RETRY_LOG)
        for _hop in range(MAX_REDIRECTS + 1):
            response = self._send(full_url, method, kwargs)
            if response.status_code not in REDIRECT_STATUSES:
                break
            location = response.headers.get('Location')
            response.close()
            if not location:
                raise self._invalid(response, method, '%s %s answered %s '
                                    'without a Location' % (
                                        method, full_url,
                                        response.status_code))
            full_url = urllib.parse.urljoin(response.url, location)
            # The new location carries its own query string.
            kwargs.pop('params', None)
        else:
            raise self._invalid(response, method, '%s %s: too many '
                                'redirects' % (method, self.url_for(url)))
        if response.status_code >= 400:
            raise self._error_from(response, method)
        return response

    def _send(self, url: str, method: str,
              kwargs: dict[str, Any]) -> requests.Response:
        try:
            response = super().request(url, method, **kwargs)
        except ksa_exc.ClientException as exc:
            LOG.debug('%s %s failed: %s', method, url, exc)
            raise self._map_ksa_error(exc, method, url)
        if LOG.isEnabledFor(logging.DEBUG):
            self._log_request(response.request, kwargs.get('json'))
            self._log_response(method, response, bool(kwargs.get('stream')))
        return response

    def get_json(self, path: str, params: dict[str, Any] | None = None,
                 **kwargs: Any) -> Any:
        """GET a path and return its parsed JSON answer.

        :raises omsclient.common.exceptions.InvalidResponse: the answer is
            not JSON (HTML, empty, malformed).
        """
        response = self.request(path, 'GET', params=params, **kwargs)
        return self._json_of(response, 'GET')

    def send_json(self, method: str, path: str, body: Any = None,
                  **kwargs: Any) -> Any:
        """Send a request with an optional JSON body; return the answer.

        With ``body=None`` no body at all is sent. Returns the parsed JSON
        answer, or ``None`` for an answer without a body (204).
        """
        if body is not None:
            kwargs['json'] = body
        response = self.request(path, method, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        return self._json_of(response, method)

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
        response = self.request(path, 'GET', params=params, stream=True,
                                **kwargs)
        return streaming.iter_items(response, method='GET', prefix=prefix,
                                    request_id=request_id_of(response))

    # Helpers

    def _json_of(self, response: requests.Response, method: str) -> Any:
        text = response.text
        try:
            return json.loads(text)
        except ValueError:
            raise self._invalid(response, method, exceptions.describe_body(
                method, response.url, text,
                response.headers.get('Content-Type')))

    @staticmethod
    def _invalid(response: requests.Response, method: str,
                 message: str) -> exceptions.InvalidResponse:
        return exceptions.InvalidResponse(
            message, http_status=response.status_code,
            request_id=request_id_of(response), url=response.url,
            method=method)

    def _error_from(self, response: requests.Response,
                    method: str) -> exceptions.HttpError:
        raw = bytearray()
        with contextlib.closing(response):
            try:
                for chunk in response.iter_content(chunk_size=8192):
                    raw += chunk
                    if len(raw) >= ERROR_BODY_LIMIT:
                        break
            except requests.exceptions.RequestException:
                pass
        text = bytes(raw[:ERROR_BODY_LIMIT]).decode(
            response.encoding or 'utf-8', errors='replace')
        try:
            body = json.loads(text) if text.strip() else None
        except ValueError:
            body = None
        return exceptions.from_response(
            response.status_code, method, response.url, body=body,
            text=text, content_type=response.headers.get('Content-Type'),
            request_id=request_id_of(response))

    def _map_ksa_error(self, exc: ksa_exc.ClientException, method: str,
                       url: str | None) -> exceptions.ClientException:
        failed = _failed_url(exc, url)
        where: dict[str, Any] = dict(method=method, url=failed)
        if isinstance(exc, ksa_exc.ConnectTimeout):
            if failed != url:
                return exceptions.Timeout('%s timed out' % failed, **where)
            return exceptions.Timeout(
                '%s %s timed out' % (method, url), **where)
        if isinstance(exc, ksa_exc.ConnectFailure):
            return exceptions.ConnectionRefused(
                'Unable to connect to %s: %s' % (
                    _root_of(failed), _connect_reason(exc)), **where)
        if isinstance(exc, ksa_exc.SSLError):
            return exceptions.CommunicationError(
                'SSL error talking to %s: %s' % (_root_of(failed), exc),
                **where)
        if isinstance(exc, ksa_exc.ConnectionError):
            return exceptions.CommunicationError(str(exc), **where)
        if isinstance(exc, (ksa_exc.EndpointNotFound,
                            ksa_exc.EmptyCatalog)):
            return exceptions.EndpointNotFound(str(exc), **where)
        if isinstance(exc, ksa_exc.HttpError):
            # Raised by the auth plugin while it gets a token.
            if exc.response is not None:
                return self._error_from(exc.response, exc.method or method)
            return exceptions.class_for_status(exc.http_status)(
                exc.details or exc.message, http_status=exc.http_status,
                request_id=exc.request_id, url=exc.url, method=exc.method)
        return exceptions.ClientException(str(exc), **where)

    def _log_request(self, request: requests.PreparedRequest,
                     body: Any) -> None:
        headers = ' '.join('-H "%s: %s"' % (k, _safe_header(k, str(v)))
                           for k, v in sorted(request.headers.items()))
        body_text = (' -d \'%s\'' % json.dumps(mask_secrets(body))
                     if body is not None else '')
        LOG.debug('REQ: %s %s %s%s', request.method, request.url, headers,
                  body_text)

    def _log_response(self, method: str, response: requests.Response,
                      stream: bool) -> None:
        LOG.debug('RESP: [%s] %s %s (request id %s)', response.status_code,
                  method, response.url, request_id_of(response) or '-')
        content_type = response.headers.get('Content-Type', '')
        if (stream or response.status_code in REDIRECT_STATUSES
                or not content_type.startswith(JSON_CONTENT_TYPE)):
            return
        try:
            body = json.dumps(mask_secrets(response.json()))
        except ValueError:
            return
        LOG.debug('RESP BODY: %s', body)
