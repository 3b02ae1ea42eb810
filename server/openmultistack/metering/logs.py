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

import flask
import sqlalchemy as sa

from openmultistack.common import exceptions
from openmultistack import conf
from openmultistack.db import api as db_api
from openmultistack.db import models

CONF = conf.CONF

TIME_FORMAT = '%Y-%m-%d %H:%M:%S'
MAX_PAGE = 10 ** 7
_EQUAL = ('', 'eq')


def _page() -> int:
    """The page asked for with Ceilometer's ``q.field/q.op/q.value``."""
    args = flask.request.args
    fields = args.getlist('q.field')
    values = args.getlist('q.value')
    ops = args.getlist('q.op') or [''] * len(fields)
    if not (len(fields) == len(values) == len(ops)):
        raise exceptions.BadRequest(
            'Every q.field needs one q.value (and q.op, if any).')
    page = 1
    for field, op, value in zip(fields, ops, values):
        if field != 'page':
            raise exceptions.BadRequest(
                'Unknown query field "%s"; the logs accept "page" only.'
                % field)
        if op not in _EQUAL:
            raise exceptions.BadRequest(
                'Unsupported operator "%s" for page; use "eq".' % op)
        try:
            page = int(value)
        except ValueError:
            page = 0
        if not 1 <= page <= MAX_PAGE:
            raise exceptions.BadRequest(
                'The page must be an integer from 1 to %d, not "%s".'
                % (MAX_PAGE, value))
    return page


def page_query(page: int, size: int) -> sa.Select:
    """The events of one page, newest first: a keyset on the id.

    The page starts at the id ``(page - 1) * size`` places below the
    newest, found by walking the primary key's index alone (an index-only
    scan); the page is then the ``size`` events from that id down, read
    through the same index. ``OFFSET`` over the rows themselves would
    read every event of the pages before. Ids that were never committed
    or whose events were purged take no place: the pages are those of
    ``OFFSET``, exactly.
    """
    event_id = models.Event.id
    first = (sa.select(event_id).order_by(event_id.desc())
             .offset((page - 1) * size).limit(1).scalar_subquery())
    return (sa.select(event_id, models.Event.desc, models.Event.time)
            .where(event_id <= first).order_by(event_id.desc())
            .limit(size))


def list_page() -> list:
    query = page_query(_page(), CONF.metering.log_page_size)
    with db_api.session_scope() as session:
        rows = session.execute(query)
        return [{'id': row.id, 'desc': row.desc,
                 'time': row.time.strftime(TIME_FORMAT)} for row in rows]
