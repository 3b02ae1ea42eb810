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

Only the fields the client reads are checked, with one ``isinstance``
each (one parse for a date): the check runs on every entry of lists of a
million entries.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from omsclient.common import utils


class Kind:
    """What one field may hold: a test and the words that name it."""

    def __init__(self, test: Callable[[Any], bool], name: str) -> None:
        self.test = test
        self.name = name

    def __or__(self, other: Kind) -> Kind:
        return Kind(lambda value: self.test(value) or other.test(value),
                    '%s or %s' % (self.name, other.name))


def _is_whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


NULL = Kind(lambda value: value is None, 'null')
NUMBER = Kind(_is_whole_number, 'a whole number')
TEXT = Kind(lambda value: isinstance(value, str), 'a text')
DATE = Kind(lambda value: utils.parse_datetime(value) is not None,
            'an ISO 8601 timestamp with a UTC equivalent')


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

    def problem(self, value: Any, prefix: str = '') -> str | None:
        """Say what is wrong with ``value``; ``None`` if nothing is.

        :param prefix: how the fields of ``value`` are named in the
            message: ``''`` for the answer itself, ``'entry 3: '`` for an
            entry of a list, ``'instance.'`` for a nested object.
        """
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
