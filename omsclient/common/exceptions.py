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

"""The exceptions of omsclient.

Every error the library raises is a :class:`ClientException`. Errors that
come from an HTTP answer carry its status, the server's message, the
request id, the URL, the method and the parsed body (``details``), so that
a command can show the real reason without ``--debug``.

This module imports only the standard library: the commands import it
without pulling in the HTTP machinery.
"""

from __future__ import annotations

import json
import re
from typing import Any

_USERINFO = re.compile(r'(?<=://)[^/?#\s]*@')


def mask_url(text: str) -> str:
    """Replace the user information of every URL in ``text`` by ``***``.

    ``http://admin:secret@host/`` becomes ``http://***@host/``: an
    endpoint given with a password never shows it in a message or a log.
    """
    return _USERINFO.sub('***@', text)


class ClientException(Exception):
    """The base of every omsclient error.

    :param message: what went wrong, in one line.
    :param http_status: the HTTP status of the answer, if there was one.
    :param request_id: the request id the server gave the request.
    :param url: the URL of the request.
    :param method: the HTTP method of the request.
    :param details: the parsed body of the answer (``None`` if the body was
        empty or not JSON).
    """

    http_status: int | None = None
    message = 'Unexpected error'

    def __init__(self, message: str | None = None,
                 http_status: int | None = None,
                 request_id: str | None = None,
                 url: str | None = None,
                 method: str | None = None,
                 details: Any = None) -> None:
        if message is not None and not isinstance(message, str):
            # A server's message may be any JSON value: always text here.
            message = _join(message)
        self.message = mask_url(message or self.message)
        if http_status is not None:
            self.http_status = http_status
        self.request_id = request_id
        self.url = None if url is None else mask_url(url)
        self.method = method
        self.details = details
        super().__init__(self.message)

    def __str__(self) -> str:
        text = self.message
        if self.http_status is not None:
            text += ' (HTTP %s)' % self.http_status
        if self.request_id:
            text += ' (Request-ID: %s)' % self.request_id
        return text


class UnsupportedVersion(ClientException):
    """The requested API version is not supported by this library."""

    message = 'Unsupported API version'


class EndpointNotFound(ClientException):
    """No endpoint could be found for the service."""

    message = 'No endpoint found for the service'


class CommunicationError(ClientException):
    """The server could not be reached or the transfer failed."""

    message = 'Unable to communicate with the server'


class ConnectionRefused(CommunicationError):
    """The connection to the server could not be established."""

    message = 'Unable to connect to the server'


class Timeout(CommunicationError):
    """The server did not answer in time."""

    message = 'The request timed out'


class InvalidResponse(ClientException):
    """The server answered with a body the client cannot use.

    Raised for successful answers whose body is HTML, empty, truncated or
    otherwise not the JSON the call expects.
    """

    message = 'The server returned an invalid response'


class NotSupported(ClientException):
    """The server lacks the feature the call needs."""

    message = 'This OpenMultiStack server does not support the operation'


class NoUniqueMatch(ClientException):
    """A name given instead of an ID matches several resources."""

    message = 'More than one resource matches the name: give its ID'


class WaitTimeout(ClientException):
    """A resource did not reach the wanted state in time."""

    message = 'Timed out waiting for the resource'


class ResourceFailed(ClientException):
    """A resource went into its error state while being waited for."""

    message = 'The resource failed'


class HttpError(ClientException):
    """An HTTP error answer (status 400 or above)."""

    message = 'HTTP error'


class BadRequest(HttpError):
    http_status = 400
    message = 'Bad request'


class Unauthorized(HttpError):
    http_status = 401
    message = 'Unauthorized'


class Forbidden(HttpError):
    http_status = 403
    message = 'Forbidden'


class NotFound(HttpError):
    http_status = 404
    message = 'Not found'


class MethodNotAllowed(HttpError):
    http_status = 405
    message = 'Method not allowed'


class NotAcceptable(HttpError):
    http_status = 406
    message = 'Not acceptable'


class Conflict(HttpError):
    http_status = 409
    message = 'Conflict'


class UnsupportedMediaType(HttpError):
    http_status = 415
    message = 'Unsupported media type'


class InternalServerError(HttpError):
    http_status = 500
    message = 'Internal server error'


class BadGateway(HttpError):
    http_status = 502
    message = 'Bad gateway'


class ServiceUnavailable(HttpError):
    http_status = 503
    message = 'Service unavailable'


class GatewayTimeout(HttpError):
    http_status = 504
    message = 'Gateway timeout'


_BY_STATUS: dict[int, type[HttpError]] = {
    cls.http_status: cls for cls in (
        BadRequest, Unauthorized, Forbidden, NotFound, MethodNotAllowed,
        NotAcceptable, Conflict, UnsupportedMediaType, InternalServerError,
        BadGateway, ServiceUnavailable, GatewayTimeout)
}


def class_for_status(status: int) -> type[HttpError]:
    """Return the exception class of an HTTP error status."""
    return _BY_STATUS.get(status, HttpError)


def _join(messages: Any) -> str:
    if isinstance(messages, (list, tuple)):
        return ' '.join(_join(m) for m in messages)
    if isinstance(messages, dict):
        return extract_message(messages) or json.dumps(messages)
    return str(messages)


def _field_errors(body: dict[str, Any], prefix: str = '') -> list[str]:
    parts = []
    for field, errors in body.items():
        name = prefix + field
        if field == 'non_field_errors':
            parts.append(_join(errors))
        elif isinstance(errors, dict):
            parts.extend(_field_errors(errors, name + '.'))
        else:
            parts.append('%s: %s' % (name, _join(errors)))
    return parts


def _error_message(value: Any) -> str | None:
    # Ceilometer (pecan/WSME) sends {"error_message": {"faultstring": ...}},
    # sometimes with the inner object serialised as a string.
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        return (value.get('faultstring') or value.get('message')
                or extract_message(value))
    return str(value) if value is not None else None


def extract_message(body: Any) -> str | None:
    """Find the human readable message in a parsed error body.

    Understands Django REST framework bodies (``{"detail": ...}``, field
    errors ``{"field": ["msg"]}`` and ``{"non_field_errors": [...]}``) and
    OpenStack ones (``{"error": {"message": ...}}``, ``{"badRequest":
    {"message": ...}}``, ``{"error_message": ...}``).

    :returns: the message, or ``None`` if the body holds none.
    """
    if body is None or body == '' or body == {} or body == []:
        return None
    if isinstance(body, str):
        return body.strip() or None
    if isinstance(body, list):
        return _join(body)
    if not isinstance(body, dict):
        return str(body)
    if 'detail' in body and len(body) == 1:
        return _join(body['detail'])
    if 'error_message' in body:
        return _error_message(body['error_message'])
    if 'error' in body:
        error = body['error']
        if isinstance(error, dict):
            return error.get('message') or error.get('title') or _join(error)
        return str(error)
    if isinstance(body.get('message'), str):
        return body['message']
    if len(body) == 1:
        (inner,) = body.values()
        if isinstance(inner, dict) and 'message' in inner:
            # Nova style: {"badRequest": {"message": ..., "code": 400}}
            return str(inner['message'])
    if 'detail' in body:
        return _join(body['detail'])
    return '; '.join(_field_errors(body))


def from_response(status: int, method: str, url: str, body: Any = None,
                  text: str | None = None,
                  content_type: str | None = None,
                  request_id: str | None = None) -> HttpError:
    """Build the exception of an HTTP error answer.

    :param status: the HTTP status of the answer.
    :param method: the HTTP method of the request.
    :param url: the URL of the request.
    :param body: the parsed JSON body, if the body was JSON.
    :param text: the raw body text (possibly cut), used when it was not
        JSON.
    :param content_type: the ``Content-Type`` of the answer.
    :param request_id: the request id of the answer.
    """
    message = extract_message(body)
    if message is None:
        message = describe_body(method, url, text, content_type)
    return class_for_status(status)(
        message, http_status=status, request_id=request_id, url=url,
        method=method, details=body)


def describe_body(method: str, url: str, text: str | None,
                  content_type: str | None) -> str:
    """Say in one line why a body could not be read as JSON.

    The HTTP status is not part of the text: the exception adds it.
    """
    stripped = (text or '').lstrip()
    where = '%s %s' % (method, url)
    if not stripped:
        return '%s returned an empty body' % where
    if 'html' in (content_type or '').lower() or stripped[:1] == '<':
        return '%s returned HTML instead of JSON' % where
    return '%s returned a body that is not valid JSON' % where


class TooManyRows(ClientException):
    """A walk would have to keep more entries than it was allowed to.

    Raised by ``list_all()`` when one page holds more than ``max_rows``
    entries, the most it keeps to tell a page the server sent again. A
    ``for`` loop over ``list()`` reads any page in constant memory.

    :param bound: the bound that was passed (``max_rows``).
    """

    message = 'Too many rows'

    def __init__(self, message: str | None = None,
                 bound: int | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.bound = bound


class InvalidId(ClientException, ValueError):
    """A text given as an id cannot name one resource of a path.

    Raised before any request: ``..`` would name the API root, ``a/b``
    another resource. A ``ValueError`` too, as it is the caller's.
    """

    message = 'Invalid ID'


class InvalidRequirement(ClientException, ValueError):
    """A requirement of a queue entry is not one the API takes.

    Raised before any request (``min_ram=-1``, an image property key with
    a space); the message names the option or parameter as it was given.
    A ``ValueError`` too, as it is the caller's.
    """

    message = 'Invalid requirement'


class InvalidTimeout(ClientException, ValueError):
    """A timeout is not a number of seconds the client can wait.

    Raised where the timeout is given (building a client, reading the
    command's options), not at the first request; the message names where
    the value came from. A ``ValueError`` too, as it is the caller's.
    """

    message = 'Invalid timeout'
