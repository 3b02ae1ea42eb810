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

"""Reading of JSON answers, bounded in time, size and depth.

Every successful answer is parsed here, a list entry by entry while it
arrives (:func:`iter_items`, or in lists of the entries that arrived
together: :func:`iter_batches`) or a single document (:func:`load`), by the
same parser, :class:`omsclient.common.jsonparse.Values` (strict JSON:
no ``NaN``, no ``Infinity``, no integer beyond 64 bits, UTF-8 only, a
bound on depth). So a list and a ``show`` of the same data accept and
refuse the same answers.

The bounds:

* time: the head of every answer
  (:mod:`omsclient.common.http_transport`), each entry of a list, and
  the whole of any other answer must arrive within the read timeout.
  The body is read with ``read1`` (what has arrived, not a full buffer),
  so a server that drips its answer a byte at a time is cut off too;
* size: an entry of a list, or a whole single answer, larger than
  ``max_size`` bytes is refused before it is parsed whole;
* depth: :data:`omsclient.common.jsonparse.MAX_DEPTH` levels.

An answer that declares a ``charset`` other than UTF-8 (``latin-1``) is
decoded as declared, in both paths; an unknown charset is refused.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from collections.abc import Generator
from collections.abc import Iterator
import contextlib
import email.message
import http.client
import time
from typing import Any

import requests
import urllib3

from omsclient.common import exceptions
from omsclient.common import jsonparse

CHUNK_SIZE = 64 * 1024
#: The largest single answer, or list entry, read (bytes).
MAX_SIZE = 16 * 1024 * 1024
#: The most a compressed answer (gzip, deflate) may expand to (bytes).
MAX_DECOMPRESSED = 1024 ** 3
#: How many times its size on the wire a compressed answer may expand to,
#: once it has expanded to ``EXPANSION_CHECKED_FROM`` bytes: JSON
#: compresses some ten times, a decompression bomb a thousand.
MAX_EXPANSION = 100
EXPANSION_CHECKED_FROM = 1024 * 1024
_WHITESPACE = b' \t\r\n'
_UTF8 = frozenset(['utf-8', 'utf8'])


class _Answer:
    """The answer being read, to name it in errors."""

    def __init__(self, response: requests.Response, method: str,
                 request_id: str | None) -> None:
        self.response = response
        self.method = method
        self.url = response.url
        self.request_id = request_id
        self.content_type = response.headers.get('Content-Type', '')
        #: The values being read, once the parsing has started.
        self.values: jsonparse.Values | None = None
        #: Whether the entries of a list are read, not a single answer.
        self.is_list = False

    @property
    def entries(self) -> int:
        """How many entries were read."""
        return 0 if self.values is None else self.values.count

    @property
    def after(self) -> str:
        """`` after 3 entries`` for a list; nothing for a single answer."""
        if not self.is_list:
            return ''
        count = self.entries
        return ' after %d %s' % (count, 'entry' if count == 1 else 'entries')

    @property
    def where(self) -> str:
        return '%s %s' % (self.method, self.url)

    def invalid(self, message: str) -> exceptions.InvalidResponse:
        return exceptions.InvalidResponse(
            message, http_status=self.response.status_code,
            request_id=self.request_id, url=self.url, method=self.method)

    def unexpected(self, reason: str) -> exceptions.InvalidResponse:
        after = ' (%s)' % self.after.strip() if self.entries else ''
        return self.invalid('The answer of %s is not what the API '
                            'promises: %s%s' % (self.where, reason, after))

    def describe(self, text: str) -> exceptions.InvalidResponse:
        return self.invalid(exceptions.describe_body(
            self.method, self.url, text, self.content_type))


def _charset(content_type: str) -> str | None:
    message = email.message.Message()
    message['Content-Type'] = content_type
    return message.get_content_charset()


def _transcoder(answer: _Answer) -> Callable[[bytes], bytes] | None:
    """Turn the declared charset into UTF-8 for the parser, if needed."""
    charset = _charset(answer.content_type)
    if charset is None or charset in _UTF8:
        return None
    try:
        decoder = codecs.getincrementaldecoder(charset)()
    except LookupError:
        raise answer.unexpected('it declares the unknown charset %r'
                                % charset)
    return lambda chunk: decoder.decode(chunk).encode('utf-8')


def _chunks(answer: _Answer, chunk_size: int) -> Iterator[bytes]:
    """The body as it arrives, decompressed, with its read errors mapped.

    A compressed body is bounded in what it expands to: at most
    :data:`MAX_DECOMPRESSED` bytes, and :data:`MAX_EXPANSION` times what
    came over the wire once past ``EXPANSION_CHECKED_FROM``.
    """
    raw = answer.response.raw
    encoding = answer.response.headers.get('Content-Encoding')
    size = 0
    try:
        while True:
            chunk = raw.read1(chunk_size, decode_content=True)
            if not chunk:
                return
            if encoding:
                size += len(chunk)
                _check_expansion(answer, encoding, size, raw.tell())
            yield chunk
    except urllib3.exceptions.ReadTimeoutError:
        raise exceptions.Timeout(
            'Reading the answer of %s timed out%s'
            % (answer.where, answer.after), request_id=answer.request_id,
            url=answer.url, method=answer.method)
    except urllib3.exceptions.DecodeError as exc:
        raise answer.invalid(
            'The answer of %s could not be decompressed (Content-Encoding: '
            '%s)%s: %s' % (answer.where, answer.response.headers.get(
                'Content-Encoding', '?'), answer.after,
                _decode_reason(exc)))
    except urllib3.exceptions.ProtocolError as exc:
        if isinstance(exc.__context__, http.client.IncompleteRead):
            raise answer.invalid('The answer of %s broke off%s: the '
                                 'connection closed before its end'
                                 % (answer.where, answer.after))
        raise _broken(answer, exc)
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise _broken(answer, exc)


def _check_expansion(answer: _Answer, encoding: str, size: int,
                     wire: int) -> None:
    if size > MAX_DECOMPRESSED:
        raise answer.unexpected('compressed (%s), it expands to more than '
                                '%d bytes' % (encoding, MAX_DECOMPRESSED))
    if size > EXPANSION_CHECKED_FROM and size > MAX_EXPANSION * wire:
        raise answer.unexpected(
            'compressed (%s), it expands more than %d times (%d bytes '
            'from %d)' % (encoding, MAX_EXPANSION, size, wire))


def _broken(answer: _Answer, exc: Exception
            ) -> exceptions.CommunicationError:
    return exceptions.CommunicationError(
        'The connection broke while reading the answer of %s%s: %s'
        % (answer.where, answer.after, _reason(exc)),
        request_id=answer.request_id, url=answer.url, method=answer.method)


def _first_byte(chunk: bytes) -> bytes:
    stripped = chunk.lstrip(_WHITESPACE)
    if stripped.startswith(b'\xef\xbb\xbf'):
        stripped = stripped[3:].lstrip(_WHITESPACE)
    return stripped[:1]


def _check_start(answer: _Answer, first: bytes, path: tuple[str, ...]
                 ) -> None:
    if first == b'<':
        raise answer.describe('<')
    if path == ('item',) and first != b'[':
        raise answer.invalid('%s returned %s instead of a JSON list'
                             % (answer.where, _kind(first)))


class _Body:
    """The body in UTF-8 as the parser asks for it, within the bounds.

    The time and size bounds apply to each entry: both start again once
    the answer has yielded one more entry.
    """

    def __init__(self, answer: _Answer, path: tuple[str, ...],
                 chunk_size: int, read_timeout: float | None,
                 max_size: int) -> None:
        self.answer = answer
        self.path = path
        self.chunk_size = chunk_size
        self.read_timeout = read_timeout
        self.max_size = max_size
        #: The first byte of the document, once it has arrived.
        self.first = b''

    def __iter__(self) -> Iterator[bytes]:
        answer = self.answer
        transcode = _transcoder(answer)
        entries = pending = 0
        deadline = self._deadline()
        for chunk in _chunks(answer, self.chunk_size):
            if transcode is not None:
                chunk = _decoded(answer, transcode, chunk)
            if not self.first:
                self.first = _first_byte(chunk)
                if self.first:
                    _check_start(answer, self.first, self.path)
            if answer.entries != entries:
                entries, pending = answer.entries, 0
                deadline = self._deadline()
            pending += len(chunk)
            if pending > self.max_size:
                raise answer.unexpected('%s is larger than %d bytes' % (
                    'an entry' if self.path else 'it', self.max_size))
            if (deadline is not None and self.read_timeout is not None
                    and time.monotonic() > deadline):
                raise exceptions.Timeout(
                    'Reading the answer of %s took longer than %g s%s'
                    % (answer.where, self.read_timeout, answer.after),
                    request_id=answer.request_id, url=answer.url,
                    method=answer.method)
            yield chunk

    def _deadline(self) -> float | None:
        if self.read_timeout is None:
            return None
        return time.monotonic() + self.read_timeout


def _parse(answer: _Answer, path: tuple[str, ...], chunk_size: int,
           read_timeout: float | None, max_size: int,
           allow_empty: bool = False) -> Generator[list[Any], None, None]:
    """Yield the values at ``path`` of the answer, within the bounds.

    In lists: the values that arrived together
    (:meth:`omsclient.common.jsonparse.Values.batches`).
    """
    if 'html' in answer.content_type.lower():
        raise answer.describe('<')
    answer.is_list = bool(path)
    body = _Body(answer, path, chunk_size, read_timeout, max_size)
    answer.values = jsonparse.Values(iter(body), path)
    try:
        yield from answer.values.batches()
    except jsonparse.Refused as exc:
        raise answer.unexpected(str(exc))
    except jsonparse.Malformed as exc:
        if not body.first:
            if allow_empty:
                return
            raise answer.describe('')
        if not path:
            raise answer.describe('?')
        raise answer.invalid(
            'The JSON list from %s is truncated or malformed%s: %s'
            % (answer.where, answer.after, exc))


def _decoded(answer: _Answer, transcode: Callable[[bytes], bytes],
             chunk: bytes) -> bytes:
    try:
        return transcode(chunk)
    except UnicodeDecodeError as exc:
        raise answer.unexpected('text that is not valid %s' % exc.encoding)


def iter_items(response: requests.Response, method: str = 'GET',
               prefix: str = 'item', chunk_size: int = CHUNK_SIZE,
               request_id: str | None = None,
               read_timeout: float | None = None,
               max_size: int = MAX_SIZE) -> Generator[Any, None, None]:
    """Yield the entries of a JSON answer one by one as they arrive.

    The entries of :func:`iter_batches`, with the same parameters and
    errors, one at a time.
    """
    batches = iter_batches(response, method, prefix, chunk_size,
                           request_id, read_timeout, max_size)
    with contextlib.closing(batches):
        for batch in batches:
            yield from batch


def iter_batches(response: requests.Response, method: str = 'GET',
                 prefix: str = 'item', chunk_size: int = CHUNK_SIZE,
                 request_id: str | None = None,
                 read_timeout: float | None = None,
                 max_size: int = MAX_SIZE
                 ) -> Generator[list[Any], None, None]:
    """Yield the entries of a JSON answer as they arrive, in lists.

    Each list holds the entries whose text arrived together (up to some
    ``chunk_size`` bytes of them), decoded together: a caller handles
    them together, or one by one (:func:`iter_items`).

    :param response: a successful answer requested with ``stream=True``;
        it is closed when the generator ends or is closed.
    :param method: the HTTP method of the request, for error messages.
    :param prefix: where the entries are: ``'item'`` for the entries of a
        top-level list, ``'results.item'`` for a list under the
        ``results`` key of an object.
    :param chunk_size: the most bytes read from the socket at a time.
    :param request_id: the request id of the answer, for error messages.
    :param read_timeout: seconds within which each entry must arrive.
    :param max_size: the largest entry, in bytes.
    :raises omsclient.common.exceptions.InvalidResponse: the body is HTML,
        empty, not the expected list, beyond a bound, or ends before the
        JSON document does (the message names the URL and how many entries
        were read).
    :raises omsclient.common.exceptions.CommunicationError: the connection
        broke or timed out while the body was being read.
    """
    answer = _Answer(response, method, request_id)
    try:
        yield from _parse(answer, tuple(prefix.split('.')), chunk_size,
                          read_timeout, max_size)
    finally:
        response.close()


def load(response: requests.Response, method: str,
         request_id: str | None = None, read_timeout: float | None = None,
         max_size: int = MAX_SIZE, allow_empty: bool = False) -> Any:
    """Read and parse a whole JSON answer, within the same bounds.

    :param allow_empty: return ``None`` for an empty body.
    :raises omsclient.common.exceptions.InvalidResponse: the body is empty,
        HTML, not valid JSON or beyond a bound.
    """
    answer = _Answer(response, method, request_id)
    try:
        batches = list(_parse(answer, (), CHUNK_SIZE, read_timeout,
                              max_size, allow_empty))
    finally:
        response.close()
    return batches[0][0] if batches else None


def read_prefix(response: requests.Response, limit: int,
                read_timeout: float | None = None) -> bytes:
    """Return at most ``limit`` bytes of a body, for an error message.

    Read errors and the time bound end the reading quietly: what was read
    so far is what the message shows.
    """
    answer = _Answer(response, 'GET', None)
    data = bytearray()
    deadline = None if read_timeout is None else (
        time.monotonic() + read_timeout)
    try:
        for chunk in _chunks(answer, CHUNK_SIZE):
            data += chunk
            if len(data) >= limit or (
                    deadline is not None and time.monotonic() > deadline):
                break
    except exceptions.ClientException:
        pass
    finally:
        response.close()
    return bytes(data[:limit])


def _reason(exc: Exception) -> str:
    """The first line of an error, without the parser's excerpt."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _decode_reason(exc: Exception) -> str:
    """Why a body could not be decompressed: zlib's words, not a tuple.

    urllib3 raises ``DecodeError(message, zlib_error)``.
    """
    causes = [arg for arg in exc.args if isinstance(arg, Exception)]
    return _reason(causes[-1]) if causes else _reason(exc)


def _kind(first: bytes) -> str:
    if first == b'{':
        return 'a JSON object'
    return 'a single JSON value'
