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

"""Engine and session handling.

One engine per process, built lazily from the ``[database]`` options,
which are oslo.db's::

    from openmultistack.db import api as db_api

    with db_api.session_scope() as session:
        session.add(...)
    # committed here; rolled back if the block raised

On PostgreSQL the engine is oslo.db's: a pool sized to the threads of
the process, connections checked before use (and the pool renewed after
the server restarted), and errors translated into oslo.db's exceptions
(``DBConnectionError``, ``DBDeadlock``, ``DBDuplicateEntry``) so that
:func:`retry_on_failure` can run a transaction again. On SQLite it is
tuned for one file shared by the API and the worker (WAL, a busy
timeout, foreign keys), with the same exception translation.
"""

import contextlib
import functools
import re
import threading
import typing

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import engines
from oslo_db.sqlalchemy import exc_filters
from oslo_log import log as logging
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy import orm

from openmultistack import conf

CONF = conf.CONF
LOG = logging.getLogger(__name__)

_LOCK = threading.Lock()
_ENGINE: typing.Optional[sa.engine.Engine] = None
_SESSIONMAKER: typing.Optional[orm.sessionmaker] = None
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


def _sqlite_on_connect(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    # WAL lets readers (the API) go on while the worker writes; foreign
    # keys are off by default in SQLite.
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA foreign_keys=ON')
    cursor.execute('PRAGMA busy_timeout=30000')
    cursor.close()


def _create_sqlite_engine(url: sa.engine.URL) -> sa.engine.Engine:
    engine = sa.create_engine(
        url, connect_args={'check_same_thread': False, 'timeout': 30})
    event.listen(engine, 'connect', _sqlite_on_connect)
    exc_filters.register_engine(engine)
    return engine


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


def create_engine(url: str, **options) -> sa.engine.Engine:
    """Build an engine with the settings this service relies on.

    :param options: arguments of oslo.db's ``create_engine``
        (``max_pool_size``, ``max_retries``, ...), for server databases.
    """
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == 'sqlite':
        return _create_sqlite_engine(parsed)
    engine = engines.create_engine(url, **options)
    event.listen(engine, 'do_connect', _connect_or_say_away)
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


def _engine_options() -> dict:
    options = CONF.database
    return {'max_pool_size': pool_size(),
            'max_overflow': options.max_overflow,
            'pool_timeout': options.pool_timeout,
            'connection_recycle_time': options.connection_recycle_time,
            'connection_parameters': options.connection_parameters,
            'max_retries': options.max_retries,
            'retry_interval': options.retry_interval}


def get_engine() -> sa.engine.Engine:
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            _ENGINE = create_engine(conf.database_url(), **_engine_options())
        return _ENGINE


def get_sessionmaker() -> orm.sessionmaker:
    global _SESSIONMAKER
    engine = get_engine()
    with _LOCK:
        if _SESSIONMAKER is None:
            _SESSIONMAKER = orm.sessionmaker(bind=engine,
                                             expire_on_commit=False)
        return _SESSIONMAKER


def retry_on_failure(function: typing.Callable) -> typing.Callable:
    """Run a transaction again after a lost connection or a deadlock.

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
        retry_on_disconnect=True, retry_on_deadlock=True)(function)


@contextlib.contextmanager
def session_scope(sessionmaker: typing.Optional[orm.sessionmaker] = None,
                  ) -> typing.Iterator[orm.Session]:
    """A session that commits at the end of the block, or rolls back.

    :param sessionmaker: where the session comes from; the service's
        own database by default. Rows outlive the transaction
        (``expire_on_commit=False``) in either case.
    """
    if sessionmaker is None:
        session = get_sessionmaker()()
    else:
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
    with get_engine().begin() as connection:
        yield connection


def dispose() -> None:
    """Forget the engine (tests, or after the configuration changed)."""
    global _ENGINE, _SESSIONMAKER
    with _LOCK:
        if _ENGINE is not None:
            _ENGINE.dispose()
        _ENGINE = None
        _SESSIONMAKER = None
