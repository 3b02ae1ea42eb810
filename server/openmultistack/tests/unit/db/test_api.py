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

"""The engine on a PostgreSQL server that is away; retried transactions."""

import socket
import sqlite3

from oslo_db import exception as db_exc
import sqlalchemy as sa

from openmultistack.db import api as db_api
from openmultistack.db import models
from openmultistack.tests.unit import base


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class TestServerAway(base.BaseTestCase):

    def test_refused_connection_is_a_connection_error(self):
        engine = db_api.create_engine(
            'postgresql+psycopg2://oms:pw@127.0.0.1:%d/oms' % closed_port(),
            max_retries=0)
        self.addCleanup(engine.dispose)

        def query():
            with engine.connect() as connection:
                connection.execute(sa.text('SELECT 1'))
        # What retry_on_failure and the worker's jobs take as the
        # database going away, not as an error of their own.
        self.assertRaises(db_exc.DBConnectionError, query)

    def test_what_may_pass_and_what_may_not(self):
        prefix = 'connection to server at "127.0.0.1", port 5432 failed: '
        for message in ('Connection refused',
                        'FATAL:  the database system is shutting down',
                        'FATAL:  the database system is starting up'):
            self.assertTrue(db_api._SERVER_AWAY.search(prefix + message))
        for message in ('FATAL:  password authentication failed for user',
                        'FATAL:  database "oms" does not exist'):
            self.assertIsNone(db_api._SERVER_AWAY.search(prefix + message))


class TestRetryOnFailure(base.TestCase):

    def setUp(self):
        super().setUp()
        self.config.config(group='database', db_retry_interval=0,
                           db_inc_retry_interval=False)
        self.calls = []

        @db_api.retry_on_failure
        def lost_until(succeeding_call):
            self.calls.append(len(self.calls) + 1)
            if len(self.calls) < succeeding_call:
                raise db_exc.DBConnectionError('connection lost')
            return 'done'
        self.function = lost_until

    def test_tried_again_up_to_the_limit(self):
        self.config.config(group='database', db_max_retries=2)
        self.assertEqual('done', self.function(3))
        self.assertEqual([1, 2, 3], self.calls)
        del self.calls[:]
        self.assertRaises(db_exc.DBConnectionError, self.function, 4)
        self.assertEqual([1, 2, 3], self.calls)

    def test_a_changed_limit_holds_at_the_next_call(self):
        self.config.config(group='database', db_max_retries=0)
        self.assertRaises(db_exc.DBConnectionError, self.function, 2)
        self.assertEqual([1], self.calls)
        self.config.config(group='database', db_max_retries=1)
        del self.calls[:]
        self.assertEqual('done', self.function(2))
        self.assertEqual([1, 2], self.calls)

    def test_other_errors_are_not_retried(self):
        @db_api.retry_on_failure
        def duplicate():
            self.calls.append(1)
            raise db_exc.DBDuplicateEntry()
        self.assertRaises(db_exc.DBDuplicateEntry, duplicate)
        self.assertEqual([1], self.calls)


class TestSQLiteEngine(base.TestCase):
    """oslo.db's engine on the service's SQLite file, tuned."""

    def setUp(self):
        super().setUp()
        self.engine = db_api.get_engine()
        path = self.engine.url.database
        # Another process's connection, which waits for nothing.
        self.other = sqlite3.connect(path, timeout=0, isolation_level=None)
        self.addCleanup(self.other.close)

    def test_pragmas_and_pool(self):
        with self.engine.connect() as connection:
            self.assertEqual(
                ['wal', 1, 30000],
                [connection.exec_driver_sql('PRAGMA %s' % name).scalar()
                 for name in ('journal_mode', 'foreign_keys',
                              'busy_timeout')])
        # Connections are kept, not opened for every transaction.
        self.assertIsInstance(self.engine.pool, sa.pool.QueuePool)
        self.assertEqual(1, self.engine.pool.checkedin())

    def assertWriteLocked(self, locked: bool):
        if locked:
            self.assertRaisesRegex(sqlite3.OperationalError, 'locked',
                                   self.other.execute, 'BEGIN IMMEDIATE')
        else:
            self.other.execute('BEGIN IMMEDIATE')
            self.other.execute('ROLLBACK')

    def test_writers_take_the_write_lock_first(self):
        with db_api.connection_scope():
            self.assertWriteLocked(True)
        with db_api.session_scope() as session:
            session.execute(sa.select(models.Queue.id)).all()
            self.assertWriteLocked(True)
        self.assertWriteLocked(False)

    def test_reads_never_lock_and_give_back_their_connection(self):
        statement = sa.select(models.Queue.id).where(
            models.Queue.id > sa.bindparam('last_id'))
        self.other.execute('BEGIN IMMEDIATE')
        # The other writer holds the lock: reads go on.
        for _ in range(3 * db_api.pool_size() + 5):
            self.assertEqual([], db_api.read(statement, {'last_id': 0}))
        self.other.execute('ROLLBACK')
        self.assertEqual(0, self.engine.pool.checkedout())
        # The next writer takes the lock first again.
        with db_api.connection_scope():
            self.assertWriteLocked(True)

    def test_reads_take_turns(self):
        held = []

        def record(*args):
            held.append(db_api._SQLITE_TURN.locked())
        sa.event.listen(self.engine, 'before_cursor_execute', record)
        self.addCleanup(sa.event.remove, self.engine,
                        'before_cursor_execute', record)
        db_api.read(sa.select(models.Queue.id), {})
        # BEGIN and the read, both while the read holds its turn.
        self.assertEqual([True, True], held)
        self.assertFalse(db_api._SQLITE_TURN.locked())
        with db_api.connection_scope() as connection:
            connection.execute(sa.select(models.Queue.id)).all()
        # Writers do not take the readers' turn.
        self.assertEqual([True, True, False, False], held)

    def test_a_failed_read_lets_the_others_go_on(self):
        missing = sa.select(sa.column('x')).select_from(sa.table('nothing'))
        self.assertRaises(sa.exc.OperationalError, db_api.read, missing, {})
        self.assertFalse(db_api._SQLITE_TURN.locked())
        self.assertEqual(0, self.engine.pool.checkedout())
        with db_api.connection_scope():
            self.assertWriteLocked(True)

    def test_a_transaction_refused_by_sqlite_is_run_again(self):
        self.config.config(group='database', db_retry_interval=0)
        error = sqlite3.OperationalError('database is locked')
        error.sqlite_errorname = 'SQLITE_BUSY_SNAPSHOT'
        calls = []

        @db_api.retry_on_failure
        def refused_once():
            calls.append(1)
            if len(calls) == 1:
                raise sa.exc.OperationalError('INSERT', {}, error)
            return 'done'
        self.assertEqual('done', refused_once())
        self.assertEqual([1, 1], calls)
        # Other errors of SQLite are not run again.
        error.sqlite_errorname = 'SQLITE_CORRUPT'
        calls.clear()
        self.assertRaises(sa.exc.OperationalError, refused_once)
        self.assertEqual([1], calls)
