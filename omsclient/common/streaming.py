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

"""Incremental reading of JSON answers.

A list answer is parsed with ijson (its C backend when it is installed)
while it arrives, chunk by chunk, and every entry is handed to the caller
as soon as it is complete: neither the whole body nor the whole list is
ever held in memory. The body is read through ``requests``'
``iter_content``, so chunked transfer and gzip/deflate content encoding
(``decode_content``) are handled below this module.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any
from typing import TYPE_CHECKING

import ijson
import requests
import urllib3

from omsclient.common import exceptions

if TYPE_CHECKING:
    from omsclient.common import http

CHUNK_SIZE = 64 * 1024
_WHITESPACE = b' \t\r\n'


def _first_byte(chunk: bytes, seen: bool) -> bytes | None:
    if seen:
        return None
    stripped = chunk.lstrip(_WHITESPACE)
    if stripped.startswith(b'\xef\xbb\xbf'):
        stripped = stripped[3:].lstrip(_WHITESPACE)
    return stripped[:1] or None


def iter_items(response: requests.Response, method: str = 'GET',
               prefix: str = 'item', chunk_size: int = CHUNK_SIZE,
               request_id: str | None = None
               ) -> Generator[Any, None, None]:
    """Yield the entries of a JSON answer one by one as they arrive.

    :param response: a successful answer requested with ``stream=True``;
        it is closed when the generator ends or is closed.
    :param method: the HTTP method of the request, for error messages.
    :param prefix: the ijson prefix of the entries: ``'item'`` for the
        entries of a top-level list, ``'results.item'`` for a list under
        the ``results`` key of an object.
    :param chunk_size: how many bytes to read from the socket at a time.
    :param request_id: the request id of the answer, for error messages.
    :raises omsclient.common.exceptions.InvalidResponse: the body is HTML,
        empty, not the expected list, or ends before the JSON document
        does (the message names the URL and how many entries were read).
    :raises omsclient.common.exceptions.CommunicationError: the connection
        broke or timed out while the body was being read.
    """
    url = response.url
    content_type = response.headers.get('Content-Type', '')

    def invalid(message: str) -> exceptions.InvalidResponse:
        return exceptions.InvalidResponse(
            message, http_status=response.status_code,
            request_id=request_id, url=url, method=method)

    if 'html' in content_type.lower():
        response.close()
        raise invalid(exceptions.describe_body(method, url, '<',
                                               content_type))

    found: list[Any] = ijson.sendable_list()
    parser = ijson.items_coro(found, prefix, use_float=True)
    count = 0
    seen_start = False
    error: Exception | None = None
    try:
        for chunk in response.iter_content(chunk_size=chunk_size):
            if not chunk:
                continue
            first = _first_byte(chunk, seen_start)
            if first is not None:
                seen_start = True
                if first == b'<':
                    raise invalid(exceptions.describe_body(
                        method, url, '<', content_type))
                if prefix == 'item' and first != b'[':
                    raise invalid('%s %s returned %s instead of a JSON list'
                                  % (method, url, _kind(first)))
            try:
                parser.send(chunk)
            except ijson.JSONError as exc:
                error = exc
            # Entries completed before an error are still good ones.
            for item in found:
                count += 1
                yield item
            del found[:]
            if error is not None:
                break
        else:
            if not seen_start:
                raise invalid(exceptions.describe_body(method, url, '',
                                                       content_type))
            try:
                parser.close()
            except ijson.JSONError as exc:
                error = exc
            for item in found:
                count += 1
                yield item
    except (requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError) as exc:
        raise invalid('The answer of %s %s broke off after %d entries: %s'
                      % (method, url, count, _reason(exc)))
    except requests.exceptions.ConnectionError as exc:
        if exc.args and isinstance(exc.args[0],
                                   urllib3.exceptions.ReadTimeoutError):
            raise exceptions.Timeout(
                'Reading the answer of %s %s timed out after %d entries'
                % (method, url, count), request_id=request_id, url=url,
                method=method)
        raise exceptions.CommunicationError(
            'The connection broke while reading the answer of %s %s after '
            '%d entries: %s' % (method, url, count, _reason(exc)),
            request_id=request_id, url=url, method=method)
    finally:
        response.close()
    if error is not None:
        raise invalid('The JSON list from %s %s is truncated or malformed '
                      'after %d entries: %s' % (method, url, count,
                                                _reason(error)))


def _reason(exc: Exception) -> str:
    """The first line of an error, without the parser's excerpt."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _kind(first: bytes) -> str:
    if first == b'{':
        return 'a JSON object'
    return 'a single JSON value'


def count_items(client: http.SessionClient, path: str,
                params: dict[str, Any] | None = None) -> int:
    """Stream a list answer to its end and return how many entries it had.

    Nothing but the current entry is kept: benchmarks use this to measure
    the memory and time of reading a large list.
    """
    count = 0
    for _item in client.iter_json_list(path, params):
        count += 1
    return count
