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

"""Prepared reads on the driver answer what SQLAlchemy answers."""

from concurrent import futures
import datetime
import sqlite3

from oslo_db import exception as db_exc
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from openmultistack.api import listing
from openmultistack.api import queues
from openmultistack.api import scope
from openmultistack.api import serializers
from openmultistack.db import api as db_api
from openmultistack.db import models
from openmultistack.db import reads
from openmultistack.tests.unit import base


class TestReads(base.TestCase):

    def setUp(self):
        super().setUp()
        account = self.add_account()
        self.ids = [self.add_queue(project_id='p-%d' % (n % 2),
                                   name='vm-\u00e9-%d' % n,
                                   status=models.QUEUE_STATUSES[n % 3])
                    for n in range(6)]
        self.add_instance(self.ids[2], account)
        self.engine = db_api.get_engine()

    def through_sqlalchemy(self, statement, params):
        with self.engine.connect() as connection:
            return [tuple(row) for row in
                    connection.execute(statement, params)]

    def test_lists_and_single_rows_match_sqlalchemy(self):
        cases = [
            (listing.statement(serializers.queue_select),
             {'last_id': 0, 'size': 100}),
            (listing.statement(serializers.queue_select, scope.PROJECT),
             {'last_id': self.ids[0], 'size': 2, 'project_id': 'p-1'}),
            (scope._one(serializers.queue_select, scope.ALL),
             {'row_id': self.ids[2]}),
            (scope._one(serializers.instance_select, scope.PROJECT),
             {'row_id': 1, 'project_id': 'p-0'}),
            (listing.statement(serializers.account_select),
             {'last_id': 0, 'size': 10}),
        ]
        for prepared, params in cases:
            self.assertIsNotNone(prepared.plan(self.engine.dialect))
            rows = [tuple(row) for row in reads.read(prepared, params)]
            self.assertTrue(rows)
            self.assertEqual(
                self.through_sqlalchemy(prepared.statement, params), rows)
        # The instance and the account came along with their entry.
        row = reads.read(scope._one(serializers.queue_select, scope.ALL),
                         {'row_id': self.ids[2]})[0]
        self.assertEqual('prov-a',
                         serializers.queue_row(row)['instance']['account'][
                             'provider'])

    def test_statements_that_need_sqlalchemy_go_through_it(self):
        # An expanding parameter: the filter on statuses.
        by_status = queues._list_statement(scope.ALL, True)
        self.assertIsNone(by_status.plan(self.engine.dialect))
        rows = reads.read(by_status, {'last_id': 0, 'size': 10,
                                      'statuses': [models.REQUEST]})
        self.assertEqual(
            [queue_id for n, queue_id in enumerate(self.ids)
             if models.QUEUE_STATUSES[n % 3] == models.REQUEST],
            [row[0] for row in rows])
        # A time that SQLAlchemy turns into a datetime.
        times = reads.Prepared(sa.select(models.Queue.regist_datetime).where(
            models.Queue.id == sa.bindparam('row_id')))
        self.assertIsNone(times.plan(self.engine.dialect))
        value = reads.read(times, {'row_id': self.ids[0]})[0][0]
        self.assertIsInstance(value, datetime.datetime)
        # Not prepared: SQLAlchemy's rows.
        plain = reads.read(sa.select(models.Queue.id), {})
        self.assertIsInstance(plain[0], sa.Row)

    def test_driver_errors_are_sqlalchemys(self):
        missing = reads.Prepared(sa.select(
            sa.table('no_such_table', sa.column('id')).c.id))
        self.assertIsNotNone(missing.plan(self.engine.dialect))
        error = self.assertRaises((sa_exc.DBAPIError, db_exc.DBError),
                                  reads.read, missing, {})
        self.assertNotIsInstance(error, sqlite3.Error)

    def test_connections_go_back_to_the_pool(self):
        prepared = listing.statement(serializers.queue_select)
        for _ in range(3 * db_api.pool_size() + 5):
            reads.read(prepared, {'last_id': 0, 'size': 2})
        self.assertEqual(0, self.engine.pool.checkedout())

    def test_threads_take_turns_and_all_get_their_rows(self):
        prepared = listing.statement(serializers.queue_select)
        expected = [tuple(row) for row in reads.read(
            prepared, {'last_id': 0, 'size': 100})]

        def read_many(_):
            return all([tuple(row) for row in reads.read(
                prepared, {'last_id': 0, 'size': 100})] == expected
                for _ in range(20))

        with futures.ThreadPoolExecutor(8) as pool:
            self.assertEqual([True] * 8, list(pool.map(read_many, range(8))))
        self.assertFalse(reads._SQLITE_TURN.locked())
        self.assertEqual(0, self.engine.pool.checkedout())
