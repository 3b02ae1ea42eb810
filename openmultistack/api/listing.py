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

import typing

import flask
import sqlalchemy as sa

from openmultistack.common import exceptions
from openmultistack.common import flaskapp
from openmultistack import conf
from openmultistack.db import api as db_api

CONF = conf.CONF


def _positive_int(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= flaskapp.MAX_ID:
        raise exceptions.BadRequest(errors={name: [
            'A valid positive integer is required.']})
    return number


def pagination() -> typing.Tuple[typing.Optional[int], typing.Optional[int]]:
    """``(limit, marker)`` from the query string, ``None`` when absent."""
    args = flask.request.args
    limit = args.get('limit')
    marker = args.get('marker')
    return (_positive_int('limit', limit) if limit is not None else None,
            _positive_int('marker', marker) if marker is not None else None)


def check_marker(session, model, query: sa.Select, marker) -> None:
    """400 unless ``marker`` is a row the caller could see in ``query``."""
    if marker is None:
        return
    found = session.scalar(
        query.with_only_columns(model.id).where(model.id == marker))
    if found is None:
        raise exceptions.BadRequest(errors={'marker': [
            'Marker %d not found.' % marker]})


def iter_batches(query: sa.Select, model, render: typing.Callable,
                 limit: typing.Optional[int] = None,
                 marker: typing.Optional[int] = None
                 ) -> typing.Iterator[list]:
    """Rendered rows of ``query`` in id order, a batch at a time.

    Each batch is one short read (keyset pagination on the id), so a slow
    reader holds neither a connection nor a transaction open and the list
    never sits whole in memory.
    """
    last_id = marker or 0
    remaining = limit
    batch_size = CONF.api.list_batch_size
    while remaining is None or remaining > 0:
        size = batch_size if remaining is None else min(batch_size,
                                                        remaining)
        with db_api.session_scope() as session:
            rows = session.scalars(
                query.where(model.id > last_id).order_by(model.id)
                .limit(size)).all()
            batch = [render(row) for row in rows]
        if not rows:
            return
        yield batch
        last_id = rows[-1].id
        if remaining is not None:
            remaining -= len(rows)
        if len(rows) < size:
            return
