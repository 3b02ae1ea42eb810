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

One engine per process, built lazily from ``[database] connection``::

    from openmultistack.db import api as db_api

    with db_api.session_scope() as session:
        session.add(...)
    # committed here; rolled back if the block raised
"""

import contextlib
import threading
import typing

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


def _sqlite_on_connect(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    # WAL lets readers (the API) go on while the worker writes; foreign
    # keys are off by default in SQLite.
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA foreign_keys=ON')
    cursor.execute('PRAGMA busy_timeout=30000')
    cursor.close()


def create_engine(url: str) -> sa.engine.Engine:
    """Build an engine with the settings this service relies on."""
    parsed = sa.engine.make_url(url)
    kwargs: dict = {'future': True}
    if parsed.get_backend_name() == 'sqlite':
        kwargs['connect_args'] = {'check_same_thread': False,
                                  'timeout': 30}
    else:
        kwargs['pool_pre_ping'] = True
    engine = sa.create_engine(parsed, **kwargs)
    if parsed.get_backend_name() == 'sqlite':
        event.listen(engine, 'connect', _sqlite_on_connect)
    return engine


def get_engine() -> sa.engine.Engine:
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            _ENGINE = create_engine(conf.database_url())
        return _ENGINE


def get_sessionmaker() -> orm.sessionmaker:
    global _SESSIONMAKER
    engine = get_engine()
    with _LOCK:
        if _SESSIONMAKER is None:
            _SESSIONMAKER = orm.sessionmaker(bind=engine,
                                             expire_on_commit=False)
        return _SESSIONMAKER


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


def dispose() -> None:
    """Forget the engine (tests, or after the configuration changed)."""
    global _ENGINE, _SESSIONMAKER
    with _LOCK:
        if _ENGINE is not None:
            _ENGINE.dispose()
        _ENGINE = None
        _SESSIONMAKER = None
