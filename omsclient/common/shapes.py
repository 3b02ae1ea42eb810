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

"""What the APIs promise about the shape of their answers, checked cheaply.

An answer that breaks the promise (a list entry that is not an object, a
queue entry whose ``instance`` is a text, a 201 without ``id``, a date
with no UTC equivalent) is reported as one
:class:`~omsclient.common.exceptions.InvalidResponse`: "the answer of GET
<url> is not what the API promises: <what>", instead of a Python error
somewhere in the code that reads it.

Only the fields the client reads are checked, and an answer that keeps
the promise costs little: the check runs on every entry of lists of a
million entries. Most kinds are told by the type of the value alone (one
set lookup); only the values whose type does not tell (a date, a nested
object) are tested further. The entries of a list that arrived together
are checked together (:meth:`Shape.all_fit`): for each field, the types
of its values in every entry are gathered by the interpreter's own loops
(``map`` over ``dict.get`` and ``type``), so the work per entry and field
runs in C. The messages of a broken promise are worked out only when that
quick check fails.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
import datetime
import itertools
from typing import Any

from omsclient.common import utils


class _EveryType:
    """The types of a kind that does not list them: any type may pass."""

    def __contains__(self, kind: Any) -> bool:
        return True

    def __or__(self, other: Any) -> _EveryType:
        return self

    __ror__ = __or__


class Kind:
    """What one field may hold: a test and the words that name it.

    :param types: the exact types of the values that may pass the test,
        if known; a value of another type fails it without running it.
    :param passing: the types whose values always pass the test, so that
        it need not run for them.
    :param test_all: whether every value of a list passes the test, the
        same answer as ``all(map(test, values))`` (its default), quicker.
    """

    def __init__(self, test: Callable[[Any], bool], name: str,
                 types: frozenset[type] | None = None,
                 passing: frozenset[type] = frozenset(),
                 test_all: Callable[[list[Any]], bool] | None = None
                 ) -> None:
        self.test = test
        self.name = name
        self.types: Any = _EveryType() if types is None else types
        self.passing = passing
        #: The test of a value whose type is not in ``passing``.
        self.rest = test
        #: The test of values whose types are not in ``passing``, together.
        self.rest_all = test_all or (
            lambda values: all(map(test, values)))

    def __or__(self, other: Kind) -> Kind:
        kind = Kind(lambda value: self.test(value) or other.test(value),
                    '%s or %s' % (self.name, other.name),
                    passing=self.passing | other.passing)
        kind.types = self.types | other.types
        # A value that passes neither at once fails a kind that only
        # passes values at once: only the other kind's test remains.
        if other.types == other.passing:
            kind.rest, kind.rest_all = self.rest, self.rest_all
        elif self.types == self.passing:
            kind.rest, kind.rest_all = other.rest, other.rest_all
        return kind


def _exact(test: Callable[[Any], bool], name: str, kind: type) -> Kind:
    """A kind that the type of a JSON value tells alone."""
    return Kind(test, name, frozenset([kind]), frozenset([kind]))


def _is_whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_from_iso = datetime.datetime.fromisoformat


def _is_date(value: Any) -> bool:
    """``utils.parse_datetime(value) is not None``, quicker when it is.

    The API's own form (``2016-08-09T02:29:34.461432Z``) is told by one
    C call; any other text takes the whole parse.
    """
    if type(value) is str and value[-1:] == 'Z' and ':' in value:
        try:
            if _from_iso(value[:-1]).tzinfo is None:
                return True
        except ValueError:
            pass
    return utils.parse_datetime(value) is not None


NULL = _exact(lambda value: value is None, 'null', type(None))
NUMBER = _exact(_is_whole_number, 'a whole number', int)
TEXT = _exact(lambda value: isinstance(value, str), 'a text', str)
BOOLEAN = _exact(lambda value: isinstance(value, bool), 'true or false',
                 bool)
OBJECT = _exact(lambda value: isinstance(value, dict), 'an object', dict)
LIST = _exact(lambda value: isinstance(value, list), 'a list', list)
DATE = Kind(_is_date, 'an ISO 8601 timestamp with a UTC equivalent',
            frozenset([str]))


class _Absent:
    """The type of a field an object does not have."""


_ABSENT = _Absent()


class Shape:
    """The promised shape of an object.

    :param fields: the kind of each field (a :class:`Kind`, or the
        :class:`Shape` of a nested object, which may also be null).
    :param required: the fields it always has.
    """

    def __init__(self, fields: Mapping[str, Kind | Shape],
                 required: tuple[str, ...] = ()) -> None:
        self.fields = dict(fields)
        self.required = required
        #: For each field: its name, the types that pass at once, the
        #: types that may pass, and the test of the latter, of one value
        #: and of a list of values.
        self._checks: list[tuple[str, Any, Any, Callable[[Any], bool],
                                 Callable[[list[Any]], bool]]] = []
        for field, kind in self.fields.items():
            if isinstance(kind, Shape):
                kind = Kind(kind.fits, 'an object', frozenset([dict]),
                            test_all=kind.all_fit) | NULL
            passing = kind.passing | (
                frozenset() if field in required else frozenset([_Absent]))
            self._checks.append((field, passing, kind.types, kind.rest,
                                 kind.rest_all))

    def fits(self, value: Any) -> bool:
        """Whether ``value`` keeps the promise (quickly told)."""
        if type(value) is not dict:
            return False
        get = value.get
        for field, passing, types, test, _test_all in self._checks:
            item = get(field, _ABSENT)
            kind = type(item)
            if kind not in passing and (kind not in types
                                        or item is _ABSENT
                                        or not test(item)):
                return False
        return True

    def all_fit(self, values: Sequence[Any]) -> bool:
        """Whether every one of ``values`` keeps the promise.

        The same answer as ``all(map(self.fits, values))``, for the
        entries of a list that arrived together: each field is looked up
        in every entry, and the types of its values gathered, by C loops
        (``map`` over ``dict.get`` and ``type``); only the values whose
        type does not tell (a date, a nested object) are tested, those of
        a field all together.
        """
        if set(map(type, values)) - {dict}:
            return False
        for field, passing, types, _test, test_all in self._checks:
            found = list(map(dict.get, values, itertools.repeat(field),
                             itertools.repeat(_ABSENT)))
            kinds = set(map(type, found))
            if kinds <= passing:
                continue
            tested = kinds - passing
            if _Absent in tested or not all(map(types.__contains__, tested)):
                return False
            if kinds != tested:
                found = [item for item in found if type(item) in tested]
            if not test_all(found):
                return False
        return True

    def problem(self, value: Any, prefix: str = '') -> str | None:
        """Say what is wrong with ``value``; ``None`` if nothing is.

        :param prefix: how the fields of ``value`` are named in the
            message: ``''`` for the answer itself, ``'entry 3: '`` for an
            entry of a list, ``'instance.'`` for a nested object.
        """
        if self.fits(value):
            return None
        name = prefix.rstrip(': .') or 'the answer'
        if not isinstance(value, dict):
            return '%s is %s, not an object' % (name, describe(value))
        for field in self.required:
            if field not in value:
                return '%s has no %s' % (name, field)
        for field, kind in self.fields.items():
            if field not in value:
                continue
            item = value[field]
            if isinstance(kind, Shape):
                problem = (None if item is None
                           else kind.problem(item, prefix + field + '.'))
                if problem:
                    return problem
            elif not kind.test(item):
                return '%s%s is %s, not %s' % (
                    prefix, field, describe(item), kind.name)
        return None


def describe(value: Any) -> str:
    """Name a JSON value in a message: ``a text ('x')``, ``a list``."""
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return 'a number (%r)' % value
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + '...'
        return 'a text (%r)' % shown
    if isinstance(value, list):
        return 'a list'
    return 'an object'
