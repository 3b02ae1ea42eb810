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

"""The system event log shown by ``GET /v2/logs``.

Every queue status change, provider failure and account change writes one
line. The line goes into the caller's session, so it is committed (or
rolled back) together with the change it describes.

The log is kept until it is purged: by ``openmultistack-manage events
purge --before DATE``, or by the workers when ``[worker]
event_max_age_days`` is set.
"""

import datetime
import logging as std_logging
import typing

from oslo_log import log as logging
import sqlalchemy as sa
from sqlalchemy import orm

from openmultistack.db import api as db_api
from openmultistack.db import models
from openmultistack.db import types

LOG = logging.getLogger(__name__)

INFO = 'INFO'
WARNING = 'WARNING'
ERROR = 'ERROR'
_LEVELS = {INFO: std_logging.INFO, WARNING: std_logging.WARNING,
           ERROR: std_logging.ERROR}


def record(session: orm.Session, desc: str,
           queue_id: typing.Optional[int] = None,
           level: str = INFO,
           time: typing.Optional[datetime.datetime] = None) -> models.Event:
    """Add one event to ``session`` and mirror it to the service log.

    ``desc`` must never hold a secret (passwords, private keys, tokens).

    :param time: when it happened (now): an event noted earlier and
        written with the next change keeps its own time.
    """
    _check_level(level)
    event = models.Event(desc=desc, queue_id=queue_id, level=level,
                         time=time or types.utcnow())
    session.add(event)
    LOG.log(_LEVELS[level], 'event: %s', desc)
    return event


_INSERT = sa.insert(models.Event.__table__)


def write(connection: sa.engine.Connection, desc: str,
          queue_id: typing.Optional[int] = None, level: str = INFO,
          time: typing.Optional[datetime.datetime] = None) -> None:
    """:func:`record` on a Core connection, at once, at ``time`` (now).

    The row is written in the connection's transaction, so that it is
    committed (or rolled back) with the change it describes.
    """
    _check_level(level)
    connection.execute(_INSERT, {'time': time or types.utcnow(),
                                 'desc': desc, 'queue_id': queue_id,
                                 'level': level})
    LOG.log(_LEVELS[level], 'event: %s', desc)


def _check_level(level: str) -> None:
    if level not in _LEVELS:
        raise ValueError('unknown event level %r' % level)


# Events deleted per transaction by purge().
PURGE_BATCH = 1000


def purge(before: typing.Union[datetime.datetime, sa.ColumnElement],
          sessionmaker: typing.Optional[orm.sessionmaker] = None) -> int:
    """Delete the events older than ``before``; return how many.

    :param before: a UTC-aware time, or a SQL expression of one (the
        database's clock, :class:`openmultistack.db.types.db_utcnow`).

    A batch of :data:`PURGE_BATCH` events per transaction, found through
    the index on ``time``: a purge of a long log holds its locks briefly
    and never makes one huge transaction.
    """
    table = models.Event.__table__
    batch = sa.select(table.c.id).where(table.c.time < before).limit(
        PURGE_BATCH)
    purged = 0
    while True:
        with db_api.session_scope(sessionmaker) as session:
            deleted = session.execute(
                sa.delete(table).where(table.c.id.in_(batch))).rowcount
        purged += deleted
        if deleted < PURGE_BATCH:
            return purged
