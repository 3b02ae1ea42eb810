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

"""Which rows the caller may see: its project's, or all for admins."""

import functools
import typing

from oslo_context import context as oslo_context
import sqlalchemy as sa
from sqlalchemy import orm

from openmultistack.common import exceptions
from openmultistack.common import flaskapp
from openmultistack.common import policy
from openmultistack.db import api as db_api
from openmultistack.db import models


Context = typing.Optional[oslo_context.RequestContext]


def visible_project(context: Context = None
                    ) -> typing.Tuple[bool, typing.Optional[str]]:
    """``(all_projects, project_id)`` of ``context``, or of the request."""
    context = context or flaskapp.current_context()
    if policy.allowed(context, 'multistack:queue:list:all_projects'):
        return True, None
    return False, context.project_id


def queues() -> sa.Select:
    query = sa.select(models.Queue)
    everything, project_id = visible_project()
    if not everything:
        query = query.where(models.Queue.project_id == project_id)
    return query


# Reads build each statement once and vary only its parameters: building
# and adapting a statement per request costs more than running it.
ALL = 'all'
PROJECT = 'project'
NO_PROJECT = 'no project'


def visibility(context: Context = None) -> typing.Tuple[str, dict]:
    """What ``context`` (or the request's) may read: a kind, parameters."""
    everything, project_id = visible_project(context)
    if everything:
        return ALL, {}
    if project_id is None:
        return NO_PROJECT, {}
    return PROJECT, {'project_id': project_id}


def restrict(query: sa.Select, kind: str) -> sa.Select:
    """``query``, on queue entries or joined to them, for ``kind``."""
    if kind == PROJECT:
        return query.where(
            models.Queue.project_id == sa.bindparam('project_id'))
    if kind == NO_PROJECT:
        return query.where(models.Queue.project_id.is_(None))
    return query


@functools.lru_cache(maxsize=None)
def _one(select: typing.Callable[[], sa.Select],
         kind: str) -> sa.Select:
    query = select()
    return restrict(query, kind).where(
        query.selected_columns[0] == sa.bindparam('row_id'))


def instances() -> sa.Select:
    query = sa.select(models.Instance)
    everything, project_id = visible_project()
    if not everything:
        query = query.join(models.Queue).where(
            models.Queue.project_id == project_id)
    return query


def get_one(session: orm.Session, query: sa.Select, model, row_id: int):
    """The row, or 404 when it does not exist or is not visible."""
    row = session.scalar(query.where(model.id == row_id))
    if row is None:
        raise exceptions.NotFound()
    return row


def read(statement: sa.Select, params: dict) -> typing.Sequence[sa.Row]:
    """The plain rows of a read-only Core statement.

    A reader scope on a connection of the engine's pool, given back at
    once: no ORM session, which costs more than the read itself on the
    hot paths (``GET`` of one entry, each batch of a list).
    """
    return db_api.read(statement, params)


def read_one(select: typing.Callable[[], sa.Select], row_id: int,
             on_queues: bool = True, context: Context = None
             ) -> typing.Sequence[typing.Any]:
    """The plain row of ``select()`` with that id (its first column).

    404 when there is none, or, ``on_queues``, when the caller may not see
    the queue entry it belongs to.
    """
    kind, params = visibility(context) if on_queues else (ALL, {})
    rows = read(_one(select, kind), dict(params, row_id=row_id))
    row = rows[0] if rows else None
    if row is None:
        raise exceptions.NotFound()
    return row
