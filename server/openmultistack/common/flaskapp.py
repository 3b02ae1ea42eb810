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

"""What both WSGI applications share.

Request ids, the request context, authentication, content negotiation,
body size limits, slash redirects and error rendering. Each application
supplies ``render_error(status, error) -> dict``, the shape of its error
bodies.
"""

import functools
import typing

import flask
from oslo_context import context as oslo_context
from oslo_db import exception as db_exc
from oslo_log import log as logging
from sqlalchemy import exc as sa_exc
from werkzeug import datastructures
from werkzeug import exceptions as wz_exceptions
from werkzeug import http
from werkzeug import routing

from openmultistack.common import context
from openmultistack.common import exceptions
from openmultistack import conf

CONF = conf.CONF
LOG = logging.getLogger(__name__)

REQUEST_ID_HEADER = 'x-openstack-request-id'
JSON = 'application/json'
# The largest id a row can have on every supported database.
MAX_ID = 2 ** 31 - 1

ErrorRenderer = typing.Callable[[exceptions.APIError], dict]


class IdConverter(routing.IntegerConverter):
    """Positive database ids; anything else is an unknown URL (404)."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


@functools.lru_cache(maxsize=32)
def _accepts_json(accept: str) -> bool:
    """Whether an ``Accept`` header allows a JSON answer.

    Clients send a handful of values, each parsed once: the answer for a
    value never changes. (The headers a server passes on are bounded in
    size, so is what the cache keeps.)
    """
    mimetypes = http.parse_accept_header(accept, datastructures.MIMEAccept)
    return not mimetypes or mimetypes.best_match([JSON]) is not None


def _begin_request():
    # The request and g once each: every access through Flask's proxies
    # looks them up in the context anew.
    request = flask.request._get_current_object()
    g = flask.g._get_current_object()
    environ = request.environ
    g.request_id = oslo_context.generate_request_id()
    g.context = context.from_environ(environ, g.request_id)
    if not context.is_authenticated(environ):
        if environ.get('HTTP_X_AUTH_TOKEN'):
            raise exceptions.NotAuthenticated('Invalid or expired token.')
        raise exceptions.NotAuthenticated()
    accept = environ.get('HTTP_ACCEPT')
    if accept and not _accepts_json(accept):
        raise exceptions.APIError(
            406, 'Could not satisfy the request Accept header.')
    declared = environ.get('CONTENT_LENGTH')
    if declared:
        if not (declared.isascii() and declared.isdigit()):
            raise exceptions.BadRequest('Invalid Content-Length header.')
        # None under a chunked transfer coding, as the body has no length.
        length = request.content_length
        if length is not None and length > CONF.max_request_body_size:
            raise wz_exceptions.RequestEntityTooLarge()


def _end_request(response: flask.Response) -> flask.Response:
    request = flask.request._get_current_object()
    method = request.method
    response.headers[REQUEST_ID_HEADER] = flask.g.get(
        'request_id') or oslo_context.generate_request_id()
    status = response.status_code
    if status == 308 and method in ('GET', 'HEAD'):
        # A missing trailing slash: answered like Django's APPEND_SLASH.
        status = response.status_code = 301
    if status in (301, 308):
        response.set_data(b'')
    if status in (204, 301, 308) or (
            method == 'OPTIONS' and
            not response.is_streamed and not response.get_data()):
        # No body, so no type: in particular not Flask's default HTML.
        response.headers.pop('Content-Type', None)
    log_access(request.remote_addr, method,
               request.full_path if request.query_string else request.path,
               status)
    return response


def log_access(remote_addr: typing.Optional[str], method: str, path: str,
               status: int) -> None:
    """The access log line of one request."""
    LOG.info('%s "%s %s" status: %d', remote_addr, method, path, status)


def _http_error_message(error: wz_exceptions.HTTPException) -> str:
    if isinstance(error, wz_exceptions.NotFound):
        return 'Not found.'
    if isinstance(error, wz_exceptions.MethodNotAllowed):
        return 'Method "%s" not allowed.' % flask.request.method
    if isinstance(error, wz_exceptions.RequestEntityTooLarge):
        return ('Request body is larger than the limit of %d bytes.'
                % CONF.max_request_body_size)
    return error.description or error.name


def create_app(import_name: str, render_error: ErrorRenderer) -> flask.Flask:
    app = flask.Flask(import_name)
    app.url_map.converters['id'] = IdConverter
    app.json.sort_keys = False

    def render(error: exceptions.APIError):
        response = flask.jsonify(render_error(error))
        response.status_code = error.status
        response.headers.update(error.headers)
        return response

    def handle_http(error: wz_exceptions.HTTPException):
        if isinstance(error, routing.RequestRedirect):
            return error
        headers = {}
        if isinstance(error, wz_exceptions.MethodNotAllowed):
            headers['Allow'] = ', '.join(error.valid_methods or ())
        return render(exceptions.APIError(error.code,
                                          _http_error_message(error),
                                          headers=headers))

    def handle_unexpected(error: Exception):
        request_id = flask.g.get('request_id')
        LOG.exception('Unexpected error in %s %s (request %s)',
                      flask.request.method, flask.request.path, request_id)
        if isinstance(error, (sa_exc.OperationalError,
                              db_exc.DBConnectionError, db_exc.DBDeadlock)):
            # Database down, locked or out of connections: try later.
            return render(exceptions.ServiceUnavailable(
                'The database is unavailable (request id %s).'
                % request_id))
        return render(exceptions.APIError(
            500, 'The server failed to handle the request (request id '
                 '%s).' % request_id))

    app.before_request(_begin_request)
    app.after_request(_end_request)
    app.register_error_handler(exceptions.APIError, render)
    app.register_error_handler(wz_exceptions.HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
    return app


def current_context() -> oslo_context.RequestContext:
    return flask.g.context
