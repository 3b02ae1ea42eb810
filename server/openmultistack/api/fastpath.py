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

"""The most frequent reads, answered without Flask.

Clients that follow their entries ask for ``GET /api/queues/<id>/`` and
``GET /api/queues/`` far more than for anything else. Flask's request and
response objects, its context locals and its routing cost about twice
the work of such a read, so this WSGI layer in front of the Flask
application answers the plain successful cases of those two itself, with
the same functions, the same bytes, headers and access log line.

Anything else goes to Flask unchanged: other paths and methods, a query
string other than ``limit``/``marker`` digits, a request body, an
``Accept`` header that is not plainly JSON, an unauthenticated or
refused request, an entry that does not exist, and any error before the
answer starts. Flask then answers as it always did, errors included;
such requests pay the read twice, which only errors and the unusual
cases do.
"""

import re
import typing

from oslo_context import context as oslo_context

from openmultistack.api import listing
from openmultistack.api import policy
from openmultistack.api import queues
from openmultistack.api import serializers
from openmultistack.common import context
from openmultistack.common import flaskapp
from openmultistack.common import responses

_ONE = re.compile(r'/api/queues/([1-9][0-9]{0,9})/\Z')
_LIST = '/api/queues/'
# Accept headers that plainly allow JSON; others are Flask's to judge.
_ACCEPT_JSON = frozenset(['', '*/*', 'application/json', 'application/*'])
_PAGING = frozenset(['limit', 'marker'])

StartResponse = typing.Callable[..., typing.Any]


def _paging(query: str) -> typing.Optional[typing.Tuple[
        typing.Optional[int], typing.Optional[int]]]:
    """``(limit, marker)`` of a plain query string; ``None`` otherwise."""
    values: typing.Dict[str, int] = {}
    for part in query.split('&') if query else ():
        name, _, value = part.partition('=')
        if (name not in _PAGING or name in values or not value.isascii() or
                not value.isdigit() or len(value) > 10):
            return None
        values[name] = int(value)
    limit, marker = values.get('limit'), values.get('marker')
    if limit is not None and not 1 <= limit <= flaskapp.MAX_ID:
        return None
    if marker is not None and marker > flaskapp.MAX_ID:
        return None
    return limit, marker


class Reads:
    """WSGI: the reads of this module's documentation, else Flask."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ: dict, start_response: StartResponse):
        if (environ.get('REQUEST_METHOD') == 'GET' and
                environ.get('HTTP_ACCEPT', '') in _ACCEPT_JSON and
                environ.get('CONTENT_LENGTH', '') in ('', '0') and
                'HTTP_TRANSFER_ENCODING' not in environ and
                context.is_authenticated(environ)):
            try:
                answer = self._answer(environ)
            except Exception:
                # A missing entry, a database error: Flask reads again
                # and answers (or logs) the error its way.
                answer = None
            if answer is not None:
                status, headers, body = answer
                start_response(status, headers)
                return body
        return self.application(environ, start_response)

    def _answer(self, environ: dict):
        path = environ.get('PATH_INFO', '')
        query = environ.get('QUERY_STRING', '')
        if path == _LIST:
            paging = _paging(query)
            return None if paging is None else self._list(environ, paging)
        match = _ONE.match(path)
        queue_id = int(match.group(1)) if match else 0
        if not 1 <= queue_id <= flaskapp.MAX_ID or query:
            return None
        return self._one(environ, queue_id)

    @staticmethod
    def _context(environ: dict) -> oslo_context.RequestContext:
        return context.from_environ(environ,
                                    oslo_context.generate_request_id())

    def _one(self, environ: dict, queue_id: int):
        request = self._context(environ)
        body = responses.json_body(queues.read_entry(request, queue_id))
        flaskapp.log_access(environ.get('REMOTE_ADDR'), 'GET',
                            environ['PATH_INFO'], 200)
        return '200 OK', [
            ('Content-Type', flaskapp.JSON),
            ('Content-Length', str(len(body))),
            (flaskapp.REQUEST_ID_HEADER, request.request_id)], [body]

    def _list(self, environ: dict, paging):
        request = self._context(environ)
        policy.authorize(request, 'multistack:queue:list')
        # A marker not found is a 400 that Flask answers.
        listing.check_marker(serializers.queue_select, paging[1],
                             context=request)
        headers, body = responses.list_body(
            queues.batches(request, [], *paging))
        query = environ.get('QUERY_STRING')
        flaskapp.log_access(environ.get('REMOTE_ADDR'), 'GET',
                            _LIST + ('?' + query if query else ''), 200)
        return '200 OK', [('Content-Type', flaskapp.JSON)] + headers + [
            (flaskapp.REQUEST_ID_HEADER, request.request_id)], body


def wrap(application) -> Reads:
    return Reads(application)
