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

"""Failures of the HTTP layer as :mod:`omsclient.common.exceptions`.

Two sources: the exceptions keystoneauth raises (no connection, timeouts,
TLS, the auth plugin's own requests to Keystone), and error answers
(status 400 and above) whose body carries the server's message.
"""

from __future__ import annotations

import re
from typing import Any
import urllib.parse

from keystoneauth1 import exceptions as ksa_exc
import requests

from omsclient.common import exceptions
from omsclient.common import http_log
from omsclient.common import jsonparse
from omsclient.common import streaming

#: How much of an error answer is read for its message.
ERROR_BODY_LIMIT = 64 * 1024
_ERRNO_REASON = re.compile(r'\[Errno -?\d+\] ([^\'"()]+)')
_FAILED_URL = re.compile(r'(?:connection to|Request to|connecting to) '
                         r'(\w+://[^\s:/]+(?::\d+)?\S*?):? ')


def _connect_reason(error: Exception) -> str:
    text = str(error)
    match = _ERRNO_REASON.search(text)
    if match:
        reason = match.group(1).strip()
        return reason[:1].lower() + reason[1:]
    if 'refused' in text.lower():
        return 'connection refused'
    if 'RemoteDisconnected' in text or 'Connection aborted' in text:
        return 'the server closed the connection without an answer'
    return text


def root_of(url: str) -> str:
    """``scheme://host:port`` of a URL: its origin."""
    parts = urllib.parse.urlsplit(url)
    return '%s://%s' % (parts.scheme, parts.netloc) if parts.netloc else url


def _failed_url(error: Exception, url: str | None) -> str:
    """The URL a keystoneauth connection error names, else ``url``.

    The failure may come from the auth plugin talking to Keystone rather
    than from the request to the service itself.
    """
    match = _FAILED_URL.search(str(error))
    return match.group(1) if match else (url or '')


def _is_connect_timeout(exc: BaseException) -> bool:
    """Whether a keystoneauth timeout happened while connecting.

    keystoneauth raises ``ConnectTimeout`` for both requests'
    ``ConnectTimeout`` and ``ReadTimeout``; the original is its context.
    """
    return isinstance(exc.__context__, requests.exceptions.ConnectTimeout)


def _timeout(exc: ksa_exc.ConnectTimeout, method: str, url: str | None,
             failed: str, timeout: tuple[float, float] | None
             ) -> exceptions.Timeout:
    where: dict[str, Any] = dict(method=method, url=failed)
    connect, read = timeout or (None, None)
    if failed != url:
        # The auth plugin's request to Keystone, with its own timeout.
        connect = read = None
    if _is_connect_timeout(exc):
        return exceptions.Timeout('Unable to connect to %s %s' % (
            root_of(failed), _within(connect)), **where)
    what = failed if failed != url else '%s %s' % (method, url)
    return exceptions.Timeout('%s did not answer %s' % (what, _within(read)),
                              **where)


def _within(seconds: float | None) -> str:
    return 'in time' if seconds is None else 'within %g s' % seconds


# What a TLS handshake with a server that does not speak TLS ends with:
# no answer (it waits for the end of a request head), a plain HTTP
# answer, or a connection closed.
_NOT_TLS = ('handshake operation timed out', 'wrong version number',
            'record layer failure', 'EOF occurred in violation of protocol',
            'unexpected eof while reading', 'http request')
_UNTRUSTED = re.compile(r'certificate verify failed: ([^(\'"]+)')


def _tls_error(exc: BaseException, failed: str,
               timeout: tuple[float, float] | None) -> str | None:
    """What failed in a TLS handshake, ``None`` for other errors."""
    origin = root_of(failed)
    if not origin.startswith('https://'):
        return None
    seen: list[BaseException] = []
    error: BaseException | None = exc
    while error is not None and error not in seen:
        seen.append(error)
        error = error.__cause__ or error.__context__
    text = ' '.join(str(error) for error in seen)
    untrusted = _UNTRUSTED.search(text)
    if untrusted:
        return ('The TLS certificate of %s is not trusted (%s): give the '
                'CA that signed it (--os-cacert, or cacert in clouds.yaml), '
                'or skip the check with --insecure'
                % (origin, untrusted.group(1).strip()))
    if any(sign in text.lower() for sign in _NOT_TLS):
        connect = (timeout or (None, None))[0]
        return ('The TLS handshake with %s failed%s: the server there may '
                'not speak TLS; for a plain HTTP endpoint use http://%s'
                % (origin, ' (no answer %s)' % _within(connect)
                   if 'timed out' in text else '',
                   origin[len('https://'):]))
    return None


def map_ksa_error(exc: ksa_exc.ClientException, method: str,
                  url: str | None,
                  timeout: tuple[float, float] | None = None
                  ) -> exceptions.ClientException:
    """Return the omsclient error of a keystoneauth exception.

    :param timeout: the ``(connect, read)`` timeout of the request, named
        by a timeout's message.
    """
    failed = _failed_url(exc, url)
    where: dict[str, Any] = dict(method=method, url=failed)
    if isinstance(exc, (ksa_exc.ConnectTimeout, ksa_exc.ConnectionError)):
        tls = _tls_error(exc, failed, timeout)
        if tls is not None:
            return exceptions.CommunicationError(tls, **where)
    if isinstance(exc, ksa_exc.ConnectTimeout):
        return _timeout(exc, method, url, failed, timeout)
    if isinstance(exc, ksa_exc.ConnectFailure):
        return exceptions.ConnectionRefused(
            'Unable to connect to %s: %s' % (
                root_of(failed), _connect_reason(exc)), **where)
    if isinstance(exc, ksa_exc.SSLError):
        return exceptions.CommunicationError(
            'SSL error talking to %s: %s' % (root_of(failed), exc),
            **where)
    if isinstance(exc, ksa_exc.ConnectionError):
        return exceptions.CommunicationError(str(exc), **where)
    if isinstance(exc, (ksa_exc.EndpointNotFound,
                        ksa_exc.EmptyCatalog)):
        return exceptions.EndpointNotFound(str(exc), **where)
    if isinstance(exc, ksa_exc.HttpError):
        # Raised by the auth plugin while it gets a token.
        if exc.response is not None:
            return error_from(exc.response, exc.method or method,
                              raw=exc.response.content[:ERROR_BODY_LIMIT])
        return exceptions.class_for_status(exc.http_status)(
            exc.details or exc.message, http_status=exc.http_status,
            request_id=exc.request_id, url=exc.url, method=exc.method)
    return exceptions.ClientException(str(exc), **where)


def error_from(response: requests.Response, method: str,
               read_timeout: float | None = None,
               raw: bytes | None = None) -> exceptions.HttpError:
    """Return the error of an answer of status 400 or above.

    At most :data:`ERROR_BODY_LIMIT` bytes of the body are read, within
    the read timeout, and parsed with the bounds of every answer.

    :param raw: the body, if it was read already.
    """
    if raw is None:
        raw = streaming.read_prefix(response, ERROR_BODY_LIMIT,
                                    read_timeout)
    text = raw.decode(response.encoding or 'utf-8', errors='replace')
    try:
        body = jsonparse.loads(raw) if text.strip() else None
    except ValueError:
        body = None
    return exceptions.from_response(
        response.status_code, method, response.url, body=body,
        text=text, content_type=response.headers.get('Content-Type'),
        request_id=http_log.request_id_of(response))
