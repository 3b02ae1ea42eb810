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

"""Read-only Core statements run on the driver's cursor.

SQLAlchemy's connection, parameter handling and result rows add some
90 µs to a read of one row that takes the driver 15 µs, and about 2 µs to
each row of a list. The reads of the API select plain columns (integers,
text, times as stored): such a statement is compiled once for the
engine's dialect and run on the DBAPI cursor of a pooled connection,
which answers the same values as tuples. A statement that needs
SQLAlchemy's type processing or expanding parameters, and every read
that fails on the driver, goes through SQLAlchemy instead, whose errors
oslo.db translates (a database that went away answers 503, not 500).

On SQLite, the reads of one process run one at a time. Python's
``sqlite3`` lets go of the interpreter lock while SQLite works (for
every row), so that several request threads run in SQLite at once, on
both CPUs, and contend for SQLite's own mutexes (its memory allocator's
among them): with 16 request threads busy, a list of 1,000 entries cost
twice the CPU, most of it in the kernel's futex calls. SQLite reads on
a local file do not wait for anything else (in WAL mode, readers never
wait for the writer), so they lose nothing by taking turns.
"""

import contextlib
import threading
import typing

import sqlalchemy as sa
from sqlalchemy.engine import interfaces

from openmultistack.db import api as db_api

Rows = typing.Sequence[typing.Sequence[typing.Any]]

_SQLITE_TURN = threading.Lock()
_NO_TURN = contextlib.nullcontext()


class _Plan(typing.NamedTuple):
    sql: str
    compiled: sa.engine.Compiled
    # Parameter names in order, for drivers with positional parameters.
    positions: typing.Optional[typing.Tuple[str, ...]]


def _plain(type_: sa.types.TypeEngine,
           dialect: interfaces.Dialect) -> bool:
    return (type_.bind_processor(dialect) is None and
            type_.result_processor(dialect, None) is None)


def _plan(statement: sa.Select,
          dialect: interfaces.Dialect) -> typing.Optional[_Plan]:
    """How to run ``statement`` on the driver; ``None`` if it may not."""
    compiled = statement.compile(dialect=dialect)
    if any(bind.expanding or not _plain(bind.type, dialect)
           for bind in compiled.binds.values()):
        return None
    if not all(_plain(column.type, dialect)
               for column in statement.selected_columns):
        return None
    if '__[POSTCOMPILE' in compiled.string:
        return None
    positions = getattr(compiled, 'positiontup', None)
    return _Plan(compiled.string, compiled,
                 tuple(positions) if dialect.positional else None)


class Prepared:
    """A read run often: compiled once per dialect, run on the driver.

    Build it once (for example in a function under
    ``functools.lru_cache``) and give it to :func:`read` on every request.
    """

    def __init__(self, statement: sa.Select):
        self.statement = statement
        self._plans: typing.Dict[interfaces.Dialect,
                                 typing.Optional[_Plan]] = {}

    def plan(self, dialect: interfaces.Dialect) -> typing.Optional[_Plan]:
        try:
            return self._plans[dialect]
        except KeyError:
            plan = self._plans[dialect] = _plan(self.statement, dialect)
            return plan


def _on_driver(plan: _Plan, engine: sa.engine.Engine, params: dict) -> Rows:
    values = plan.compiled.construct_params(params)
    arguments: typing.Any = values
    if plan.positions is not None:
        arguments = tuple(values[name] for name in plan.positions)
    turn = _SQLITE_TURN if engine.dialect.name == 'sqlite' else _NO_TURN
    connection = engine.raw_connection()
    try:
        with turn:
            cursor = connection.cursor()
            try:
                cursor.execute(plan.sql, arguments)
                return cursor.fetchall()
            finally:
                cursor.close()
    finally:
        connection.close()


def read(statement: typing.Union[sa.Select, Prepared],
         params: dict) -> Rows:
    """The rows of ``statement`` with ``params``, as sequences.

    A :class:`Prepared` statement runs on the driver when it can; any
    other through SQLAlchemy. No ORM session and no commit either way: a
    pooled connection is taken and given back at once.
    """
    engine = db_api.get_engine()
    if isinstance(statement, Prepared):
        plan = statement.plan(engine.dialect)
        if plan is not None:
            try:
                return _on_driver(plan, engine, params)
            except engine.dialect.loaded_dbapi.Error:
                # Read again below, for SQLAlchemy's and oslo.db's
                # handling of the error.
                pass
        statement = statement.statement
    with engine.connect() as connection:
        return connection.execute(statement, params).all()
