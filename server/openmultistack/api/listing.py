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

"""Lists: filters, ``?limit=&marker=`` and batched reads for streaming."""

import collections.abc
import functools
import typing

import flask
import sqlalchemy as sa

from openmultistack.api import scope
from openmultistack.common import exceptions
from openmultistack.common import flaskapp
from openmultistack import conf

CONF = conf.CONF


def _integer(name: str, value: str, minimum: int, message: str) -> int:
    """``value`` as an integer from ``minimum`` to the largest id."""
    number = int(value) if value.isascii() and value.isdigit() else -1
    if not minimum <= number <= flaskapp.MAX_ID:
        raise exceptions.BadRequest(errors={name: [message]})
    return number


def pagination() -> typing.Tuple[typing.Optional[int], typing.Optional[int]]:
    """``(limit, marker)`` from the query string, ``None`` when absent.

    The marker is an id: the list goes on with the rows whose id is
    greater. It must be the id of a row the caller may see, checked by
    :func:`check_marker` before the list starts.
    """
    limit = page_limit()
    marker = flask.request.args.get('marker')
    if marker is not None:
        marker = _integer('marker', marker, 0,
                          'A valid id (an integer, 0 or more) is required.')
    return limit, marker


def page_limit() -> typing.Optional[int]:
    """``?limit=`` of the request, ``None`` when absent."""
    limit = flask.request.args.get('limit')
    if limit is None:
        return None
    return _integer('limit', limit, 1, 'A valid positive integer is required.')


def check_marker(select: typing.Callable[[], sa.Select],
                 marker: typing.Optional[int], on_queues: bool = True,
                 context=None) -> None:
    """Refuse a marker that is not the id of a row the caller may see.

    As Nova answers ``400 marker not found``: an empty list would read as
    the end of the list. A row the caller may not see is not found
    either, so that the answer tells nothing of it.
    """
    if marker is None:
        return
    try:
        scope.read_one(select, marker, on_queues=on_queues, context=context)
    except exceptions.NotFound:
        raise exceptions.BadRequest(errors={'marker': [
            'Marker %d not found.' % marker]})


#: What one filter of a list does: from the values given for it, the
#: condition the rows must meet.
Filter = typing.Callable[[typing.List[str]], typing.Any]


def filter_rows(query: sa.Select,
                filters: collections.abc.Mapping[str, Filter],
                choices: typing.Optional[collections.abc.Mapping[
                    str, typing.Sequence[str]]] = None) -> sa.Select:
    """``query`` narrowed by the ``?name=value`` filters of the request.

    Each filter may be repeated (``?provider=a&provider=b``: either one);
    a parameter that is not a filter is ignored, as the original service
    ignores every parameter.

    :param filters: the condition of each filter, by its name.
    :param choices: the values some filters may take; another one is a
        ``400`` naming them rather than an empty list.
    """
    args = flask.request.args
    for name, condition in filters.items():
        values = args.getlist(name)
        if not values:
            continue
        valid = (choices or {}).get(name)
        unknown = sorted(set(values) - set(valid)) if valid else []
        if unknown:
            raise exceptions.BadRequest(errors={name: [
                'Unknown value %s; valid values: %s.' % (
                    ', '.join('"%s"' % value for value in unknown),
                    ', '.join(valid))]})
        query = query.where(condition(values))
    return query


def keyset(query: sa.Select) -> sa.Select:
    """``query`` a batch at a time, in the order of its first column.

    That column is the id; a batch is ``size`` rows with an id over
    ``last_id``.
    """
    id_column = query.selected_columns[0]
    return query.where(id_column > sa.bindparam('last_id')).order_by(
        id_column).limit(sa.bindparam('size'))


def iter_batches(statement: sa.Select,
                 params: dict,
                 render: typing.Callable,
                 limit: typing.Optional[int] = None,
                 marker: typing.Optional[int] = None
                 ) -> typing.Iterator[list]:
    """Rendered rows of a :func:`keyset` statement, a batch at a time.

    Each batch is one short read (keyset pagination on the id), so a slow
    reader holds neither a connection nor a transaction open and the list
    never sits whole in memory. ``statement`` selects plain rows (see
    :mod:`openmultistack.api.serializers`), which ``render`` turns into
    what the answer shows.
    """
    last_id = marker or 0
    remaining = limit
    batch_size = CONF.api.list_batch_size
    while remaining is None or remaining > 0:
        size = batch_size if remaining is None else min(batch_size,
                                                        remaining)
        rows = scope.read(statement, dict(params, last_id=last_id,
                                          size=size))
        if not rows:
            return
        yield [render(row) for row in rows]
        last_id = rows[-1][0]
        if remaining is not None:
            remaining -= len(rows)
        if len(rows) < size:
            return


@functools.lru_cache(maxsize=None)
def statement(select: typing.Callable[[], sa.Select],
              kind: str = scope.ALL) -> sa.Select:
    """The :func:`keyset` statement of ``select()`` for a visibility."""
    return keyset(scope.restrict(select(), kind))


def filtered_statement(select: typing.Callable[[], sa.Select],
                       filters: collections.abc.Mapping[str, Filter],
                       kind: str = scope.ALL,
                       choices: typing.Optional[collections.abc.Mapping[
                           str, typing.Sequence[str]]] = None
                       ) -> sa.Select:
    """:func:`statement`, narrowed by the filters the request gives.

    Without a filter the statement is the cached one; with one it is built
    for this request (see :func:`filter_rows`).
    """
    if not any(name in flask.request.args for name in filters):
        return statement(select, kind)
    return keyset(filter_rows(scope.restrict(select(), kind), filters,
                              choices))
