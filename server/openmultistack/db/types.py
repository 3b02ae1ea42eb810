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

"""Column types shared by the models."""

import contextvars
import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext import compiler
from sqlalchemy import orm
from sqlalchemy.sql import functions
from sqlalchemy import types

from openmultistack.db import encryption


class UTCDateTime(types.TypeDecorator):
    """A timezone-aware UTC timestamp on every database.

    SQLite has no time zones: values are stored as naive UTC and come back
    aware, so that the API can always render them with a ``Z``.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError('naive datetime %r: use UTC-aware values'
                             % (value,))
        return value.astimezone(datetime.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=datetime.timezone.utc)


# Set while a flush writes secrets in plain text (see Secret).
_WRITE_PLAIN: contextvars.ContextVar[bool] = contextvars.ContextVar(
    'oms_write_plain_secrets', default=False)


class Secret(types.TypeDecorator):
    """Text stored encrypted with the service's keys.

    See :mod:`openmultistack.db.encryption`. The empty string, which
    holds no secret, is stored as it is; so is every secret written
    before the whole fleet runs this release (until the contract
    migration, :func:`encryption.fleet_encrypts`), which a flush decides
    in its own transaction (:func:`_decide_secret_writes`).
    """

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if not value or _WRITE_PLAIN.get():
            return value
        return encryption.encrypt(value)

    def process_result_value(self, value, dialect):
        return encryption.decrypt(value) if value else value


def _writes_secret(instance) -> bool:
    state = sa.inspect(instance)
    return any(isinstance(column.type, Secret) and
               state.attrs[column.key].history.added
               for column in state.mapper.columns)


@event.listens_for(orm.Session, 'before_flush')
def _decide_secret_writes(session, flush_context, instances) -> None:
    """Write the flush's secrets in plain text until the fleet encrypts."""
    plain = False
    if any(_writes_secret(instance)
           for instance in (*session.new, *session.dirty)):
        plain = not encryption.fleet_encrypts(session.connection())
    session.info['oms_write_plain'] = _WRITE_PLAIN.set(plain)


@event.listens_for(orm.Session, 'after_flush_postexec')
def _forget_secret_writes(session, flush_context) -> None:
    token = session.info.pop('oms_write_plain', None)
    if token is not None:
        _WRITE_PLAIN.reset(token)


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class db_utcnow(functions.FunctionElement):
    """The database's clock in UTC, plus ``offset``, as a SQL expression.

    Whatever decides who holds an entry compares times written by
    different hosts: they must all come from one clock, the database's,
    or a host whose clock runs ahead takes over live leases. The value
    is in the format :class:`UTCDateTime` stores, so that it compares
    with the stored values on SQLite too (where timestamps are text).
    """

    type = UTCDateTime()
    inherit_cache = True
    name = 'db_utcnow'

    def __init__(self, offset: datetime.timedelta = datetime.timedelta()):
        super().__init__(sa.literal(offset.total_seconds(), sa.Float))


@compiler.compiles(db_utcnow, 'postgresql')
def _db_utcnow_postgresql(element, sql_compiler, **kw):
    # UTCDateTime is a "timestamp without time zone" holding UTC.
    offset = sql_compiler.process(element.clauses, **kw)
    return "(now() AT TIME ZONE 'UTC' + make_interval(secs => %s))" % offset


@compiler.compiles(db_utcnow, 'sqlite')
def _db_utcnow_sqlite(element, sql_compiler, **kw):
    # The text SQLAlchemy writes for a DATETIME: microseconds, 6 digits
    # (SQLite's clock has milliseconds).
    offset = sql_compiler.process(element.clauses, **kw)
    return ("strftime('%%Y-%%m-%%d %%H:%%M:%%f000', 'now', "
            "(%s) || ' seconds')" % offset)
