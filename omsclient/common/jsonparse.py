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

"""Build JSON values from ijson's parse events, with a bound on depth.

Every answer of a server, a list read entry by entry or a single object,
goes through :class:`EntryBuilder`. It is fed ijson's *basic* events
(``start_map``, ``map_key``, ``string``, ...), which carry no prefix:
ijson's ``items`` builds a prefix string for every event, and that costs
memory quadratic in the depth of the document (a 400 KB answer nested
200,000 levels deep takes gigabytes). Here the depth is counted and a
document deeper than ``max_depth`` is refused at once; no recursion is
involved at any depth.

ijson's C backend is strict JSON: ``NaN``, ``Infinity``, integers beyond
64 bits, numbers that overflow a float and text that is not UTF-8 are
parse errors, whichever path reads the answer.
"""

from __future__ import annotations

from typing import Any

import ijson

#: The deepest nesting accepted in an answer; the API's documents are at
#: most six levels deep.
MAX_DEPTH = 100

_STARTS = {'start_map': dict, 'start_array': list}
_ENDS = frozenset(['end_map', 'end_array'])

#: Plain words for the errors of ijson's C backend.
_REASONS = (
    ('integer overflow', 'a number is too large'),
    ('floating point) overflow', 'a number is too large'),
    ('invalid bytes in UTF8', 'text that is not valid UTF-8'),
    ('invalid char in json text',
     'a value JSON does not allow (such as NaN or Infinity)'),
    ('malformed number', 'a value JSON does not allow (such as -Infinity)'),
)


class TooDeep(ValueError):
    """The document is nested deeper than the bound."""

    def __init__(self, max_depth: int) -> None:
        super().__init__('it is nested deeper than %d levels' % max_depth)
        self.max_depth = max_depth


def plain_reason(error: Exception) -> str:
    """The first line of a parse error, in plain words when known."""
    text = str(error).strip()
    line = text.splitlines()[0] if text else type(error).__name__
    for marker, reason in _REASONS:
        if marker in line:
            return reason
    return line


class EntryBuilder:
    """Collect the values found at one path of a JSON document.

    :param path: where the wanted values are: ``('item',)`` for the
        entries of a top-level list, ``('results', 'item')`` for those of
        the list under the key ``results``, ``()`` for the whole document.
    :param max_depth: the deepest nesting accepted, counted from the top.
    """

    def __init__(self, path: tuple[str, ...] = ('item',),
                 max_depth: int = MAX_DEPTH) -> None:
        self.path = list(path)
        self.max_depth = max_depth
        #: Completed values, for the caller to take (and clear).
        self.found: list[Any] = []
        self._outer: list[Any] = []     # prefix of the open outer levels
        self._stack: list[Any] = []     # containers of the value in build
        self._key: Any = None

    def feed(self, events: list[tuple[str, Any]]) -> None:
        """Process a batch of ``(event, value)`` pairs."""
        for event, value in events:
            if self._stack:
                self._inside(event, value)
            else:
                self._outside(event, value)

    def _check_depth(self) -> None:
        if len(self._outer) + len(self._stack) >= self.max_depth:
            raise TooDeep(self.max_depth)

    def _inside(self, event: str, value: Any) -> None:
        if event == 'map_key':
            self._key = value
            return
        if event in _ENDS:
            done = self._stack.pop()
            if not self._stack:
                self.found.append(done)
            return
        kind = _STARTS.get(event)
        if kind is not None:
            self._check_depth()
            value = kind()
        top = self._stack[-1]
        if type(top) is dict:
            top[self._key] = value
        else:
            top.append(value)
        if kind is not None:
            self._stack.append(value)

    def _outside(self, event: str, value: Any) -> None:
        if event == 'map_key':
            self._outer[-1] = value
            return
        if event in _ENDS:
            self._outer.pop()
            return
        kind = _STARTS.get(event)
        if self._outer == self.path:
            if kind is None:
                self.found.append(value)
            else:
                self._check_depth()
                self._stack.append(kind())
            return
        if kind is not None:
            self._check_depth()
            self._outer.append('item' if kind is list else None)


def loads(data: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """Parse a whole JSON document held in memory, bounded in depth.

    :raises ValueError: the document is not JSON, or is too deep.
    """
    try:
        events = list(ijson.basic_parse(data, use_float=True))
    except ijson.JSONError as exc:
        raise ValueError(plain_reason(exc)) from exc
    builder = EntryBuilder((), max_depth)
    builder.feed(events)
    if len(builder.found) != 1:
        raise ValueError('not one JSON document')
    return builder.found[0]
