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

"""Strict JSON, bounded in depth, read entry by entry as it arrives.

Every answer of a server, a list read entry by entry or a single object,
goes through :class:`Values`. A list is parsed in batches: as soon as the
text of one or more whole entries has arrived, they are decoded together
by one call of ``orjson.loads``, so a list of a million entries costs a
few thousand C calls, not one Python step per entry or token. The end of
the last whole entry of the text read so far is found by trying the last
``},`` (or ``],``, or ``,``) and letting the decoder tell whether the text
before it is a list of whole entries; a try that fails waits for twice as
much text, so the work stays linear in the size of the answer whatever it
holds. A text the decoder refuses is read again by the standard library's
decoder only to say what is wrong with it, in the same words whatever
the decoder.

The decoding is strict, as the API promises plain JSON:

* ``NaN``, ``Infinity`` and ``-Infinity`` are refused, and so is a number
  that overflows a float;
* integers must fit in 64 bits: runs of 19 digits or more are found in the
  raw bytes with one ``bytes.translate`` per batch, and only the numbers
  outside strings of a batch whose text holds one are checked (the
  decoder would turn an integer beyond 64 bits into a float);
* text must be UTF-8 (an answer in another declared charset is turned
  into UTF-8 before it reaches the parser);
* nesting deeper than :data:`MAX_DEPTH` is refused before the text is
  decoded: the brackets of a batch, outside its strings, are kept by one
  ``bytes.translate`` and matching pairs removed level by level.
"""

from __future__ import annotations

from collections.abc import Generator
from collections.abc import Iterator
import itertools
import json
import math
import re
from typing import Any

import orjson

#: The deepest nesting accepted in an answer; the API's documents are at
#: most six levels deep.
MAX_DEPTH = 100

_INT64 = range(-2 ** 63, 2 ** 63)
#: Digit runs this long may hold an integer beyond 64 bits.
_LONG_DIGITS = b'0' * 19
_DIGITS_TO_ZERO = bytes.maketrans(b'123456789', b'000000000')
#: Every byte but the brackets and the quote, to delete.
_NOT_STRUCTURE = bytes(range(256)).translate(None, b'[]{}"')
_BRACKETS_ALIKE = bytes.maketrans(b'[]{}', b'()()')
_WHITESPACE = b' \t\r\n'
_BOM = b'\xef\xbb\xbf'
#: A backslash and the character it escapes.
_ESCAPE = re.compile(rb'\\.', re.DOTALL)
#: A JSON string, to leave out when looking for numbers.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
#: An integer of 19 digits or more, not part of a float.
_LONG_INTEGER = re.compile(rb'(?<![0-9.eE+-])-?[0-9]{19,}(?![0-9.eE])')
#: Where a batch of whole entries may end: after an object or a list.
_ENTRY_ENDS = (b'},', b'],')
#: Bytes of text a failed try waits for at least before the next.
_MIN_RETRY = 4096


class Refused(ValueError):
    """The answer is JSON the API does not send; the message says why."""


class TooDeep(Refused):
    """The document is nested deeper than the bound."""

    def __init__(self, max_depth: int) -> None:
        super().__init__('it is nested deeper than %d levels' % max_depth)
        self.max_depth = max_depth


class Malformed(ValueError):
    """The text is not JSON, or ends before its document does."""


def _not_a_number(name: str) -> Any:
    raise Refused('it is not valid JSON: a value JSON does not allow '
                  '(such as NaN or Infinity)')


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise Refused('it holds a number beyond the range of a float (%s)'
                      % _shown_number(text))
    return value


def _shown_number(text: str) -> str:
    return text if len(text) <= 24 else '%s... of %d characters' % (
        text[:12], len(text))


def _int64(text: str) -> int:
    """The integer written ``text``, refused beyond 64 bits."""
    # 20 digits and more are beyond 64 bits: no int() of a huge text.
    if len(text.lstrip('-')) < 20:
        value = int(text)
        if value in _INT64:
            return value
    raise Refused('it holds an integer beyond 64 bits (%s)'
                  % _shown_number(text))


#: The standard library's decoder, made as strict, to say what is wrong
#: with a text that ``orjson`` refused.
_EXPLAINER = json.JSONDecoder(parse_constant=_not_a_number,
                              parse_float=_finite_float, parse_int=_int64)


def _check_integers(data: bytes | bytearray) -> None:
    """Refuse integers beyond 64 bits anywhere in the JSON text ``data``."""
    for number in _LONG_INTEGER.finditer(_STRING.sub(b'""', data)):
        _int64(number[0].decode('ascii'))


def nesting(data: bytes | bytearray, limit: int = MAX_DEPTH) -> int:
    """The deepest nesting of the JSON text ``data``, strings left out.

    ``data`` starts outside a string. Counting stops past ``limit``.
    """
    if b'\\' in data:
        # Every escape, read from the left as JSON reads: an escaped
        # backslash does not escape what follows it; an escaped quote
        # does not end a string.
        data = _ESCAPE.sub(b'', data)
    marks = data.translate(None, _NOT_STRUCTURE).replace(b'""', b'')
    if b'"' in marks:
        # A string holds brackets: keep what is outside the strings.
        marks = b''.join(marks.split(b'"')[::2])
    # Brackets of both kinds alike: a text that mixes them up is not
    # JSON, which the decoder says.
    marks = marks.translate(_BRACKETS_ALIKE)
    if b'(' * (limit + 1) in marks:
        return limit + 1
    depth = 0
    while marks and depth <= limit:
        inner = marks.replace(b'()', b'')
        if len(inner) == len(marks):
            break    # not balanced: the decoder tells where
        marks = inner
        depth += 1
    return depth


def _decode(data: bytes | bytearray, depth: int, max_depth: int) -> Any:
    """Decode a whole JSON text, within the bounds.

    :param depth: how many containers enclose it.
    """
    if depth + nesting(data, max_depth - depth) > max_depth:
        raise TooDeep(max_depth)
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise _refusal(data, exc) from None
    if _LONG_DIGITS in data.translate(_DIGITS_TO_ZERO):
        _check_integers(data)
    return value


def _refusal(data: bytes | bytearray,
             exc: orjson.JSONDecodeError) -> ValueError:
    """What is wrong with ``data``, which ``orjson`` refused.

    The standard library's decoder, as strict, words it as this module
    always has; a text only ``orjson`` refuses (a lone surrogate escaped
    in a string) is told in its words.
    """
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError:
        return Refused('text that is not valid UTF-8')
    try:
        _EXPLAINER.decode(text)
    except json.JSONDecodeError as explained:
        return Malformed(_problem(explained))
    except Refused as refused:
        return refused
    return Malformed(_problem(exc))


def _problem(exc: json.JSONDecodeError) -> str:
    """What is wrong with a text, in the words of this module."""
    rest = exc.doc[exc.pos:]
    if not rest.strip() or exc.msg.startswith('Unterminated string'):
        return 'the document ends before its end'
    if exc.msg == 'Extra data':
        return 'unexpected text after the document: %r' % rest[:20]
    if exc.msg == 'Expecting value':
        return 'expected a value at %r' % rest[:20]
    if exc.msg.startswith("Expecting ',' delimiter"):
        return "expected ',' or ']' at %r" % rest[:20]
    return '%s at %r' % (exc.msg, rest[:20])


class Values:
    """The values found at one path of a JSON document, as they arrive.

    Iterate over it, or over :meth:`batches`, once; :attr:`count` tells
    how many values it has yielded (in lists, for :meth:`batches`).

    :param chunks: the document in UTF-8, in pieces of any size.
    :param path: where the wanted values are: ``('item',)`` for the
        entries of a top-level list, read as they arrive;
        ``('results', 'item')`` for those of the list under the key
        ``results`` and ``()`` for the whole document, both read whole
        first.
    :param max_depth: the deepest nesting accepted, counted from the top.
    :raises Refused: the document breaks a bound or is JSON that the API
        never sends; :class:`TooDeep` for its depth.
    :raises Malformed: the document is not JSON, or is cut short.
    """

    def __init__(self, chunks: Iterator[bytes],
                 path: tuple[str, ...] = ('item',),
                 max_depth: int = MAX_DEPTH) -> None:
        #: How many values it has yielded so far.
        self.count = 0
        self._comma_pending = False
        #: How the entries of the list open, once the first has arrived.
        self._opening: bytes | None = None
        self._chunks = chunks
        self._path = path
        self._max_depth = max_depth

    def __iter__(self) -> Generator[Any, None, None]:
        for batch in self.batches():
            # Counted as they are yielded, not as their list arrived.
            self.count -= len(batch)
            for self.count, value in enumerate(batch, self.count + 1):
                yield value

    def batches(self) -> Generator[list[Any], None, None]:
        """The values in lists: those of a list that arrived together.

        Iterating over :class:`Values` yields the values of these lists
        one by one; a caller that handles the values of a list together
        (checks them in bulk) takes the lists.
        """
        if self._path == ('item',):
            yield from self._entries()
            return
        data = bytearray()
        for chunk in self._chunks:
            data += chunk
        start = _start(data)
        if start >= len(data):
            raise Malformed('the document ends before its end')
        values = [_decode(data[start:], 0, self._max_depth)]
        for name in self._path:
            values = [v for value in values for v in _at(value, name)]
        if values:
            yield self._counted(values)

    def _entries(self) -> Generator[list[Any], None, None]:
        """The entries of the top-level list, a batch at a time."""
        buffer = bytearray()
        chunks = self._chunks
        for chunk in chunks:
            buffer += chunk
            start = _start(buffer)
            if start < len(buffer) and not _BOM.startswith(buffer[start:]):
                break
        else:
            raise Malformed('the document ends before its end')
        if buffer[start:start + 1] != b'[':
            raise Malformed("expected '[' at %r" % bytes(
                buffer[start:start + 20]))
        del buffer[:start + 1]
        retry_at = 0
        # What came with the start of the list is tried at once.
        for chunk in itertools.chain([b''], chunks):
            buffer += chunk
            if len(buffer) < retry_at:
                continue
            batch = self._batch(buffer)
            if batch is None:
                retry_at = max(2 * len(buffer), _MIN_RETRY)
                continue
            retry_at = 0
            if batch:
                yield self._counted(batch)
        # The end: the entries left, with the closing bracket.
        if self._comma_pending:
            self._take_comma(buffer)
        if (self.count and not self._comma_pending
                and buffer.lstrip(_WHITESPACE)[:1] == b']'):
            raise Malformed('expected a value at %r' % bytes(buffer[:20]))
        try:
            batch = _decode(b'[' + buffer, 0, self._max_depth)
        except Malformed:
            # The whole entries before what is wrong are the caller's.
            while True:
                batch = self._batch(buffer)
                if not batch:
                    raise
                yield self._counted(batch)
        if batch:
            yield self._counted(batch)

    def _counted(self, batch: list[Any]) -> list[Any]:
        self.count += len(batch)
        return batch

    def _batch(self, buffer: bytearray) -> list[Any] | None:
        """Take the whole entries at the start of ``buffer``, if any.

        They are removed from ``buffer`` with the comma after them;
        ``None`` if no whole entry could be told apart.
        """
        if self._comma_pending and not self._take_comma(buffer):
            return []
        if self._opening is None:
            self._opening = _opening(buffer[:64].lstrip(_WHITESPACE))
        for end, rest in _ends(buffer, self._opening):
            try:
                batch = _decode(b'[' + buffer[:end] + b']', 0,
                                self._max_depth)
            except Malformed:
                continue
            del buffer[:rest]
            # Entries that end the text read so far: a comma (or the
            # end of the list) is still to come.
            self._comma_pending = rest == end
            return batch
        return None

    def _take_comma(self, buffer: bytearray) -> bool:
        """Take the comma after the entries taken; whether it was there."""
        while buffer[:1] and buffer[0] in _WHITESPACE:
            del buffer[:1]
        if buffer[:1] == b',':
            del buffer[:1]
            self._comma_pending = False
            return True
        if buffer[:1] not in (b'', b']'):
            raise Malformed("expected ',' or ']' at %r" % bytes(buffer[:20]))
        return False


def _start(data: bytes | bytearray) -> int:
    """Where the document starts: after white space and a byte order mark."""
    start = len(data) - len(data.lstrip(_WHITESPACE))
    if data[start:start + 3] == _BOM:
        start += 3
        start += len(data) - start - len(data[start:].lstrip(_WHITESPACE))
    return start


def _ends(buffer: bytearray, opening: bytes | None
          ) -> Iterator[tuple[int, int]]:
    """Where the whole entries of ``buffer`` may end: ``(end, rest)``.

    ``buffer[:end]`` would be the entries, ``buffer[rest:]`` what follows
    the comma after them (``rest == end``: the comma is still to come).
    Most likely first: the whole text when it ends with an object or a
    list; before the last comma followed by ``opening`` (how the first
    entry opened: entries of one list start alike, ``{"id":``); after the
    last object or list followed by a comma; at the last comma.
    """
    last = len(buffer)
    while last and buffer[last - 1] in _WHITESPACE:
        last -= 1
    if buffer[last - 1:last] in (b'}', b']'):
        yield last, last
    if opening:
        start = buffer.rfind(opening)
        comma = len(buffer[:start].rstrip(_WHITESPACE)) - 1
        if start > 0 and buffer[comma:comma + 1] == b',':
            yield comma, comma + 1
    closer = max(buffer.rfind(end) for end in _ENTRY_ENDS)
    if closer >= 0:
        yield closer + 1, closer + 2
    comma = buffer.rfind(b',')
    if comma >= 0 and comma != closer + 1:
        yield comma, comma + 1


def _opening(buffer: bytearray) -> bytes | None:
    """How the first entry of a list of objects opens: ``{"id":``."""
    colon = buffer.find(b':', 0, 64)
    if buffer[:1] != b'{' or colon < 0:
        return None
    return bytes(buffer[:colon + 1])


def _at(value: Any, name: str) -> list[Any]:
    """The values under ``name`` of ``value``: its items, or its member."""
    if name == 'item':
        if not isinstance(value, list):
            raise Malformed('expected a list, found %s'
                            % type(value).__name__)
        return value
    if isinstance(value, dict) and name in value:
        return [value[name]]
    return []


def loads(data: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """Parse a whole JSON document held in memory, bounded in depth.

    :raises ValueError: the document is not JSON, or is too deep.
    """
    (value,) = Values(iter([data]), (), max_depth)
    return value
