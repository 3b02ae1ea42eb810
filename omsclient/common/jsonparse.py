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

"""Strict JSON, bounded in depth, read value by value as it arrives.

Every answer of a server, a list read entry by entry or a single object,
goes through :class:`Values`. It hands each value of a list whole to
the standard library's C decoder (``json.JSONDecoder.scan_once``) as soon
as its text has arrived, so a list of a million entries costs one C call
per entry, not one Python step per token.

The decoder is made strict, as the API promises plain JSON:

* ``NaN``, ``Infinity`` and ``-Infinity`` are refused, and so is a number
  that overflows a float;
* integers must fit in 64 bits: runs of 19 digits or more are found in the
  raw bytes with one ``bytes.translate`` per chunk, and only the values
  whose text holds one are checked;
* text must be UTF-8 (an answer in another declared charset is turned
  into UTF-8 before it reaches the parser);
* nesting deeper than :data:`MAX_DEPTH` is refused. A value with fewer
  brackets than that (counted in C) cannot be too deep; only one with
  more is measured exactly. The C decoder itself stops at the
  interpreter's recursion limit, so no nesting costs more than that.
"""

from __future__ import annotations

import codecs
from collections.abc import Generator
from collections.abc import Iterator
import itertools
import json
import math
import re
from typing import Any

#: The deepest nesting accepted in an answer; the API's documents are at
#: most six levels deep.
MAX_DEPTH = 100

_INT64 = range(-2 ** 63, 2 ** 63)
#: Digit runs this long may hold an integer beyond 64 bits.
_LONG_DIGITS = b'0' * 19
_DIGITS_TO_ZERO = bytes.maketrans(b'123456789', b'000000000')
_WHITESPACE = ' \t\r\n'
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r'[^\[\]{}]+')
_DEPTH_STEP = {'[': 1, '{': 1, ']': -1, '}': -1}
#: The most characters a value may need after what decodes as a value, or
#: before an error, to tell whether it goes on: ``-Infinity``.
_LOOKAHEAD = 9


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


def _too_large() -> Refused:
    return Refused('it is not valid JSON: a number is too large')


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _too_large()
    return value


#: ``scan_once(text, index) -> (value, end)``: the C scanner that
#: ``json.JSONDecoder.raw_decode`` calls, without its Python frame.
_scan_once = json.JSONDecoder(
    parse_constant=_not_a_number,
    parse_float=_finite_float).scan_once  # type: ignore[attr-defined]


def _check_integers(value: Any) -> None:
    """Refuse integers beyond 64 bits anywhere in ``value``."""
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) is int:
            if item not in _INT64:
                raise _too_large()
        elif type(item) is dict:
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)


def _depth(text: str) -> int:
    """The deepest nesting of the JSON text ``text``, strings left out."""
    brackets = _NOT_BRACKETS.sub('', _STRINGS.sub('', text))
    return max(itertools.accumulate(map(_DEPTH_STEP.__getitem__, brackets)),
               default=0)


class _Text:
    """The text of the document from the first character not yet parsed.

    :param chunks: the body in UTF-8, as it arrives.
    """

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.text = ''
        self.pos = 0
        self.ended = False
        #: Values that start before this index hold a long digit run.
        self.long_digits_end = 0
        self._chunks = chunks
        self._decode = codecs.getincrementaldecoder('utf-8')().decode
        self._trailing_digits = 0

    def more(self, wanted: int = 1) -> None:
        """Read until ``wanted`` characters are unparsed, or the end.

        What was parsed is dropped. Asking for twice the unparsed text
        each time a value is incomplete keeps the work linear in the size
        of a value that arrives in many pieces.
        """
        parts = [self.text[self.pos:]]
        size = len(parts[0])
        self.long_digits_end -= self.pos
        while size < wanted and not self.ended:
            chunk = next(self._chunks, None)
            try:
                text = self._decode(chunk or b'', final=chunk is None)
            except UnicodeDecodeError:
                raise Refused('text that is not valid UTF-8')
            if chunk is None:
                self.ended = True
            elif self._long_digits(chunk):
                self.long_digits_end = size + len(text)
            parts.append(text)
            size += len(text)
        self.text = ''.join(parts)
        self.pos = 0

    def _long_digits(self, chunk: bytes) -> bool:
        digits = chunk.translate(_DIGITS_TO_ZERO)
        leading = len(digits) - len(digits.lstrip(b'0'))
        found = (_LONG_DIGITS in digits
                 or self._trailing_digits + leading >= len(_LONG_DIGITS))
        trailing = len(digits) - len(digits.rstrip(b'0'))
        self._trailing_digits = (self._trailing_digits + trailing
                                 if trailing == len(digits) else trailing)
        return found

    def next_char(self) -> str:
        """Skip white space; the next character, ``''`` at the end."""
        while True:
            text, pos = self.text, self.pos
            while pos < len(text) and text[pos] in _WHITESPACE:
                pos += 1
            self.pos = pos
            if pos < len(text) or self.ended:
                return text[pos:pos + 1]
            self.more()

    def expect(self, wanted: str) -> str:
        """Consume the next character, one of ``wanted``."""
        char = self.next_char()
        if not char:
            raise Malformed('the document ends before its end')
        if char not in wanted:
            raise Malformed('expected %s at %r' % (
                ' or '.join(repr(c) for c in wanted), self.excerpt()))
        self.pos += 1
        return char

    def excerpt(self) -> str:
        return self.text[self.pos:self.pos + 20]

    def value(self, depth: int, max_depth: int) -> Any:
        """Decode the value at the current position, whole.

        :param depth: how many containers enclose it.
        """
        while True:
            text, start = self.text, self.pos
            try:
                value, end = _scan_once(text, start)
            except StopIteration as exc:
                # Raised for a missing value, here or nested in this one.
                if start < len(text) and text[start] in _WHITESPACE:
                    self.next_char()
                    continue
                end = exc.value
                problem = 'expected a value at %r' % text[end:end + 20]
            except json.JSONDecodeError as exc:
                end, problem = exc.pos, exc.msg
                if exc.msg.startswith('Unterminated string'):
                    end = len(text)
            except RecursionError:
                raise TooDeep(max_depth)
            else:
                # A number that ends near the end of the text may go on
                # (``1`` of ``1e5``) unless the document has ended.
                if end + _LOOKAHEAD < len(text) or self.ended:
                    self.pos = end
                    break
                problem = ''
            if self.ended or end + _LOOKAHEAD < len(text):
                raise Malformed(problem if end < len(text)
                                else 'the document ends before its end')
            self.more(2 * (len(text) - start) + 1)
        if (depth + text.count('{', start, end) + text.count('[', start, end)
                > max_depth and depth + _depth(text[start:end]) > max_depth):
            raise TooDeep(max_depth)
        if start < self.long_digits_end:
            _check_integers(value)
        return value


class Values:
    """The values found at one path of a JSON document, as they arrive.

    Iterate over it once; :attr:`count` tells how many values it yielded.

    :param chunks: the document in UTF-8, in pieces of any size.
    :param path: where the wanted values are: ``('item',)`` for the
        entries of a top-level list, ``('results', 'item')`` for those of
        the list under the key ``results``, ``()`` for the whole document.
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
        self._text = _Text(chunks)
        self._path = path
        self._max_depth = max_depth

    def __iter__(self) -> Generator[Any, None, None]:
        text = self._text
        if text.next_char() == '\ufeff':
            text.pos += 1
        yield from self._at(self._path, 0)
        if text.next_char():
            raise Malformed('unexpected text after the document: %r'
                            % text.excerpt())

    def _at(self, path: tuple[str, ...], depth: int
            ) -> Generator[Any, None, None]:
        if not path:
            self.count += 1
            yield self._text.value(depth, self._max_depth)
        elif path[0] != 'item':
            yield from self._members(path, depth + 1)
        elif path[1:]:
            for _item in self._items(depth + 1):
                yield from self._at(path[1:], depth + 1)
        else:
            yield from self._values(depth + 1)

    def _items(self, depth: int) -> Iterator[None]:
        """Stop at each item of the list that starts here."""
        text = self._text
        if self._opens_empty('[', depth):
            return
        while True:
            yield None
            if text.expect(',]') == ']':
                return

    def _opens_empty(self, bracket: str, depth: int) -> bool:
        """Consume the start of a container; whether it is empty."""
        if depth > self._max_depth:
            raise TooDeep(self._max_depth)
        text = self._text
        text.expect(bracket)
        if text.next_char() == {'[': ']', '{': '}'}[bracket]:
            text.pos += 1
            return True
        return False

    def _values(self, depth: int) -> Generator[Any, None, None]:
        """The items of the list that starts here, each decoded whole.

        This is the loop of every entry of a long list: in the common
        case (a value decoded at once, followed by a comma) it makes one
        C call and no other Python call. Everything else (a value cut by
        the end of the text read so far, with many brackets or long
        digit runs, white space, errors) goes to :meth:`_Text.value`.
        """
        text = self._text
        max_depth = self._max_depth
        if self._opens_empty('[', depth):
            return
        while True:
            start, buffer = text.pos, text.text
            try:
                value, end = _scan_once(buffer, start)
            except (StopIteration, ValueError, RecursionError):
                value = text.value(depth, max_depth)
            else:
                if (end + _LOOKAHEAD < len(buffer)
                        and start >= text.long_digits_end
                        and depth + buffer.count('{', start, end)
                        + buffer.count('[', start, end) <= max_depth):
                    text.pos = end
                else:
                    value = text.value(depth, max_depth)
            self.count += 1
            yield value
            if text.text[text.pos:text.pos + 1] == ',':
                text.pos += 1
            elif text.expect(',]') == ']':
                return

    def _members(self, path: tuple[str, ...], depth: int
                 ) -> Generator[Any, None, None]:
        """The values at ``path[1:]`` of the member ``path[0]`` of an object.

        A document without that member has no values there; the other
        members are read whole, and dropped.
        """
        text = self._text
        if self._opens_empty('{', depth):
            return
        while True:
            if text.next_char() != '"':
                raise Malformed('expected a member name at %r'
                                % text.excerpt())
            key = text.value(depth, self._max_depth)
            text.expect(':')
            text.next_char()
            if key == path[0]:
                yield from self._at(path[1:], depth)
            else:
                text.value(depth, self._max_depth)
            if text.expect(',}') == '}':
                return


def loads(data: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """Parse a whole JSON document held in memory, bounded in depth.

    :raises ValueError: the document is not JSON, or is too deep.
    """
    (value,) = Values(iter([data]), (), max_depth)
    return value
