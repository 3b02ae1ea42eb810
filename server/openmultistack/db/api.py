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

"""Engines, sessions and connections, through oslo.db's enginefacade.

One transaction context manager per process, configured from the
``[database]`` options (oslo.db's) when it is first used, as Nova and
Ironic use it. Reads and writes go through it, in reader or writer
scopes::

    from openmultistack.db import api as db_api

    with db_api.session_scope() as session:      # ORM, writer
        session.add(...)
    # committed here; rolled back if the block raised

    with db_api.connection_scope() as connection:  # Core, writer
        connection.execute(...)

    rows = db_api.read(statement, params)          # Core, reader

On PostgreSQL the engine is oslo.db's: a pool sized to the threads of
the process, connections checked before use (and the pool renewed after
the server restarted), and errors translated into oslo.db's exceptions
(``DBConnectionError``, ``DBDeadlock``, ``DBDuplicateEntry``) so that
:func:`retry_on_failure` can run a transaction again; a server that is
away while a connection is opened is a ``DBConnectionError`` too.

On SQLite, oslo.db's engine is tuned for one file shared by the API and
the worker: WAL (readers go on while the worker writes), a busy timeout,
foreign keys, and a pool of connections. oslo.db opens a new connection
for every transaction on a SQLite file; that costs about a millisecond
of CPU each (the file, the pragmas, the schema read again) and, when the
last connection of the file closes, a checkpoint of the write-ahead log.
The :class:`SQLiteTuning` plugin of SQLAlchemy, named in the URL that
oslo.db is given, keeps SQLAlchemy's own pool instead.
"""

import contextlib
import functools
import re
import threading
import types
import typing

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
from oslo_db.sqlalchemy import engines
from oslo_log import log as logging
import sqlalchemy as sa
from sqlalchemy.dialects import plugins
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy import orm
from sqlalchemy import pool

from openmultistack import conf

CONF = conf.CONF
LOG = logging.getLogger(__name__)

_LOCK = threading.Lock()


class _Facade(typing.NamedTuple):
    """The transaction context manager, and its modes built once each."""

    manager: typing.Any
    writer: typing.Any
    writer_connection: typing.Any
    reader_connection: typing.Any
    # What a read holds while it runs (see read()).
    read_turn: typing.ContextManager


_FACADE: typing.Optional[_Facade] = None
# What the reads keep their transaction on, per thread (as Ironic's
# database API does): a read is never nested in another scope.
_READS = threading.local()
# Threads of a process that use the database besides the request threads
# and the jobs: the worker's claiming thread, a spare.
_OTHER_THREADS = 2
# What libpq (14 and later, whose wording oslo.db's filters do not know)
# says when the server is down, stopping or starting: the connection may
# succeed later. A refused password or an unknown database may not.
_SERVER_AWAY = re.compile(
    r'connection to server .* failed: (Connection refused|'
    r'FATAL:\s+the database system is (starting up|shutting down|'
    r'in recovery mode))|could not connect to server')
_SQLITE_PLUGIN = 'openmultistack_sqlite'
# On SQLite, the reads of one process take turns (see read()).
_SQLITE_TURN = threading.Lock()
_NO_TURN = contextlib.nullcontext()


def _sqlite_on_connect(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    # WAL lets readers (the API) go on while the worker writes. oslo.db
    # turns the foreign keys on (sqlite_fk).
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA busy_timeout=30000')
    cursor.close()


class SQLiteTuning(sa.engine.CreateEnginePlugin):
    """SQLAlchemy plugin: a pooled, tuned engine on a SQLite file.

    Named in the URL (``?plugin=openmultistack_sqlite``), it runs inside
    the ``create_engine`` call that oslo.db makes: SQLAlchemy's own pool
    for a file, where oslo.db would open a connection per transaction;
    no check of a connection before each use (a local file does not go
    away); the pragmas of :func:`_sqlite_on_connect` on every connection;
    transactions that take the write lock first (:func:`_sqlite_begin`).
    """

    def __init__(self, url, kwargs):
        super().__init__(url, kwargs)
        if kwargs.get('poolclass') is pool.NullPool:
            kwargs.pop('poolclass')
        kwargs['pool_pre_ping'] = False

    def update_url(self, url):
        return url

    def engine_created(self, engine):
        event.listen(engine, 'connect', _sqlite_on_connect)
        event.listen(engine, 'before_cursor_execute', _sqlite_begin,
                     retval=True)


def _sqlite_begin(connection, cursor, statement, parameters, context,
                  executemany):
    """``BEGIN IMMEDIATE`` for the transactions that may write.

    oslo.db begins every SQLite transaction with a ``BEGIN``, which
    takes the write lock only at the first write. In WAL mode, a
    transaction that read before that is refused at once
    (``SQLITE_BUSY_SNAPSHOT``, no busy timeout) when another one wrote
    meanwhile: a worker claiming entries while the API writes would
    fail. Taking the lock first, such a transaction waits its turn (up to
    the busy timeout) instead. The reads of :func:`read` write nothing
    and keep a plain ``BEGIN``: they never wait for a writer.
    """
    if statement == 'BEGIN' and not getattr(_READS, 'deferred', False):
        statement = 'BEGIN IMMEDIATE'
    return statement, parameters


plugins.register(_SQLITE_PLUGIN, __name__, 'SQLiteTuning')


def _connect_or_say_away(dialect, connection_record, cargs, cparams):
    """Open a DBAPI connection; ``DBConnectionError`` if the server is away.

    A failure to connect reaches no ``handle_error`` listener, so that
    oslo.db leaves it untranslated: without this, a transaction that
    needs a new connection while PostgreSQL restarts would not be retried
    (:func:`retry_on_failure`) and a worker would fail the entry it
    boots instead of leaving it to its lease.
    """
    try:
        return dialect.loaded_dbapi.connect(*cargs, **cparams)
    except dialect.loaded_dbapi.OperationalError as exc:
        if _SERVER_AWAY.search(str(exc)):
            raise db_exc.DBConnectionError(exc) from exc
        raise


def _on_engine_create(engine: sa.engine.Engine) -> None:
    if engine.dialect.name == 'postgresql':
        event.listen(engine, 'do_connect', _connect_or_say_away)


def _is_sqlite(url: str) -> bool:
    return sa.engine.make_url(url).get_backend_name() == 'sqlite'


def _engine_options(url: str, options: dict) -> dict:
    """oslo.db's engine options for ``url``, with this module's tuning."""
    options = dict(options, sqlite_fk=True,
                   # No greenlets here: no yield at each check-in.
                   thread_checkin=False)
    if _is_sqlite(url):
        extra = options.get('connection_parameters')
        options['connection_parameters'] = '&'.join(
            filter(None, [extra, 'plugin=' + _SQLITE_PLUGIN]))
        # SQLAlchemy's pool on a file; its size is SQLAlchemy's default.
        for name in ('max_pool_size', 'max_overflow'):
            options.pop(name, None)
    return options


def create_engine(url: str, **options) -> sa.engine.Engine:
    """An engine of its own, tuned as the service's.

    For tools and tests that work on another database than the
    configured one. :param options: arguments of oslo.db's
    ``create_engine`` (``max_pool_size``, ``max_retries``, ...).
    """
    engine = engines.create_engine(url, **_engine_options(url, options))
    _on_engine_create(engine)
    return engine


def pool_size() -> int:
    """One connection per thread, or ``[database] max_pool_size`` if more.

    Every thread of the process that may use the database at once gets
    its connection, so that none waits for another's: the request threads
    of both APIs and the jobs of the worker (a process runs some of them;
    the pool opens connections only when they are needed). Fewer
    connections are had with fewer threads.
    """
    threads = (CONF.api.threads + CONF.metering.threads +
               CONF.worker.max_concurrent_boots + _OTHER_THREADS)
    return max(CONF.database.max_pool_size or 0, threads)


def _configured_options() -> dict:
    options = CONF.database
    return {'max_pool_size': pool_size(),
            'max_overflow': options.max_overflow,
            'pool_timeout': options.pool_timeout,
            'connection_recycle_time': options.connection_recycle_time,
            'connection_parameters': options.connection_parameters,
            'max_retries': options.max_retries,
            'retry_interval': options.retry_interval}


def _facade() -> _Facade:
    """The transaction context manager of the configured database.

    Its reader and writer modes are each a new object at every use:
    they are made once here.
    """
    global _FACADE
    facade = _FACADE
    if facade is None:
        with _LOCK:
            if _FACADE is None:
                url = conf.database_url()
                manager = enginefacade.transaction_context()
                manager.configure(connection=url, **_engine_options(
                    url, _configured_options()))
                manager.append_on_engine_create(_on_engine_create)
                _FACADE = _Facade(manager, manager.writer,
                                  manager.writer.connection,
                                  manager.reader.connection,
                                  _SQLITE_TURN if _is_sqlite(url)
                                  else _NO_TURN)
            facade = _FACADE
    return facade


def get_engine() -> sa.engine.Engine:
    """The engine of the configured database (the writer's)."""
    return _facade().writer.get_engine()


def get_sessionmaker() -> orm.sessionmaker:
    """Sessions on the configured database (``expire_on_commit=False``)."""
    return _facade().writer.get_sessionmaker()


def retry_on_failure(function: typing.Callable) -> typing.Callable:
    """Run a transaction again after a lost connection or a deadlock.

    On SQLite, also after ``SQLITE_BUSY`` (see :func:`_sqlite_busy`).

    ``function`` must open its own session(s) and be safe to run again
    from the start; the ``db_*retr*`` options of ``[database]`` say how
    often and how long.
    """
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        options = CONF.database
        return _retrying(function, options.db_max_retries,
                         options.db_retry_interval,
                         options.db_inc_retry_interval,
                         options.db_max_retry_interval)(*args, **kwargs)
    return wrapper


@functools.lru_cache(maxsize=32)
def _retrying(function: typing.Callable, max_retries: int,
              retry_interval: float, inc_retry_interval: bool,
              max_retry_interval: float) -> typing.Callable:
    """``function`` retried with these options; built once for them.

    The options are read at each call (they may change), but the
    retrying function is made only when they did: it keeps no state
    between calls.
    """
    return oslo_db_api.wrap_db_retry(
        max_retries=max_retries, retry_interval=retry_interval,
        inc_retry_interval=inc_retry_interval,
        max_retry_interval=max_retry_interval,
        retry_on_disconnect=True, retry_on_deadlock=True,
        exception_checker=_sqlite_busy)(function)


def _sqlite_busy(error: Exception) -> bool:
    """Whether SQLite refused a transaction that may succeed if run again.

    In WAL mode, a transaction that read and then writes after another
    one wrote meanwhile is refused at once (``SQLITE_BUSY_SNAPSHOT``):
    waiting would not help, but run from the start it reads the new
    state. SQLite's deadlock, in other words.
    """
    name = getattr(getattr(error, 'orig', None), 'sqlite_errorname', '')
    return (isinstance(error, sa_exc.OperationalError) and
            name.startswith('SQLITE_BUSY'))


@contextlib.contextmanager
def session_scope(sessionmaker: typing.Optional[orm.sessionmaker] = None,
                  ) -> typing.Iterator[orm.Session]:
    """A session that commits at the end of the block, or rolls back.

    :param sessionmaker: where the session comes from; by default, a
        writer scope of the enginefacade on the service's own database,
        a transaction of its own. Rows outlive the transaction
        (``expire_on_commit=False``) in either case.
    """
    if sessionmaker is None:
        with _facade().writer.using(_scope()) as session:
            yield session
        return
    session = sessionmaker(expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextlib.contextmanager
def connection_scope() -> typing.Iterator[sa.engine.Connection]:
    """A Core connection in a transaction, committed at the end of the block.

    Rolled back if the block raised. For the hot paths that write a few
    rows with Core statements: no ORM unit of work, no identity map.
    Errors are translated as in :func:`session_scope`, so that
    :func:`retry_on_failure` works the same around either.
    """
    with _facade().writer_connection.using(_scope()) as connection:
        yield connection


def read(statement: sa.Executable, params: dict
         ) -> typing.Sequence[sa.Row]:
    """The rows of a read-only Core statement, in a reader scope.

    A pooled connection, given back at once: no ORM session. Build the
    statement once (for example in a function under
    ``functools.lru_cache``) and vary only ``params``: SQLAlchemy then
    compiles it once per engine and finds it in its cache by its shape.

    On SQLite, the reads of one process run one at a time. Python's
    ``sqlite3`` lets go of the interpreter lock while SQLite works (for
    every row), so that several request threads run in SQLite at once,
    on both CPUs, and contend for SQLite's own mutexes: with 16 request
    threads busy, a list of 1,000 entries cost twice the CPU, most of it
    in the kernel's futex calls. SQLite reads of a local file wait for
    nothing else (in WAL mode, readers never wait for the writer), so
    they lose nothing by taking turns.
    """
    facade = _facade()
    with facade.read_turn:
        _READS.deferred = True
        try:
            with facade.reader_connection.using(_READS) as connection:
                return connection.execute(statement, params).all()
        finally:
            _READS.deferred = False


@contextlib.contextmanager
def reads_only() -> typing.Iterator[None]:
    """Transactions begun in the block on this thread only read.

    On SQLite they begin with a plain ``BEGIN`` (see
    :func:`_sqlite_begin`): they neither wait for a writer nor hold the
    others up. A transaction begun so must not write. Elsewhere it
    changes nothing.
    """
    deferred = getattr(_READS, 'deferred', False)
    _READS.deferred = True
    try:
        yield
    finally:
        _READS.deferred = deferred


def _scope() -> types.SimpleNamespace:
    """What a scope keeps its transaction on: a new one each time.

    Every scope is a transaction of its own, as a session of its own
    was before: one nested in another does not join it.
    """
    return types.SimpleNamespace()


def dispose() -> None:
    """Forget the engine (tests, or after the configuration changed)."""
    global _FACADE
    with _LOCK:
        if _FACADE is not None and _FACADE.manager.is_started:
            _FACADE.writer.get_engine().dispose()
        _FACADE = None
