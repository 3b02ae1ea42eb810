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

"""``/v2/logs``: the system event log, a page at a time, newest first."""

import typing

import flask
import sqlalchemy as sa

from openmultistack.common import exceptions
from openmultistack.common import flaskapp
from openmultistack import conf
from openmultistack.db import api as db_api
from openmultistack.db import models

CONF = conf.CONF

TIME_FORMAT = '%Y-%m-%d %H:%M:%S'
MAX_PAGE = 10 ** 7
_EQUAL = ('', 'eq')


def _query() -> typing.Tuple[int, typing.Optional[int]]:
    """``(page, marker)`` asked for with ``q.field/q.op/q.value``.

    ``page`` counts from 1, the newest; with a ``marker`` (the id of an
    event) the pages are those of the events older than that one.
    """
    args = flask.request.args
    fields = args.getlist('q.field')
    values = args.getlist('q.value')
    ops = args.getlist('q.op') or [''] * len(fields)
    if not (len(fields) == len(values) == len(ops)):
        raise exceptions.BadRequest(
            'Every q.field needs one q.value (and q.op, if any).')
    page, marker = 1, None
    for field, op, value in zip(fields, ops, values):
        if field not in ('page', 'marker'):
            raise exceptions.BadRequest(
                'Unknown query field "%s"; the logs accept "page" and '
                '"marker".' % field)
        if op not in _EQUAL:
            raise exceptions.BadRequest(
                'Unsupported operator "%s" for %s; use "eq".' % (op, field))
        number = int(value) if value.isascii() and value.isdigit() else 0
        if field == 'marker':
            if not 1 <= number <= flaskapp.MAX_ID:
                raise exceptions.BadRequest(
                    'The marker must be the id of an event, not "%s".'
                    % value)
            marker = number
            continue
        page = number
        if not 1 <= page <= MAX_PAGE:
            raise exceptions.BadRequest(
                'The page must be an integer from 1 to %d, not "%s".'
                % (MAX_PAGE, value))
    return page, marker


def page_query(page: int, size: int,
               marker: typing.Optional[int] = None) -> sa.Select:
    """The events of one page, newest first: a keyset on the id.

    The page starts at the id ``(page - 1) * size`` places below the
    newest, found by walking the primary key's index alone (an index-only
    scan); the page is then the ``size`` events from that id down, read
    through the same index. ``OFFSET`` over the rows themselves would
    read every event of the pages before. Ids that were never committed
    or whose events were purged take no place: the pages are those of
    ``OFFSET``, exactly. With a ``marker``, the pages start below it.
    """
    event_id = models.Event.id
    below = sa.select(event_id)
    if marker is not None:
        below = below.where(event_id < marker)
    first = (below.order_by(event_id.desc())
             .offset((page - 1) * size).limit(1).scalar_subquery())
    return (sa.select(event_id, models.Event.desc, models.Event.time)
            .where(event_id <= first).order_by(event_id.desc())
            .limit(size))


def list_page() -> list:
    page, marker = _query()
    query = page_query(page, CONF.metering.log_page_size, marker)
    with db_api.session_scope() as session:
        if marker is not None and session.get(models.Event, marker) is None:
            # As Nova answers: an empty page would read as the end.
            raise exceptions.BadRequest('Marker %d not found.' % marker)
        rows = session.execute(query)
        return [{'id': row.id, 'desc': row.desc,
                 'time': row.time.strftime(TIME_FORMAT)} for row in rows]
