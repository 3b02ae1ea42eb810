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

"""Purges of the event log."""

import datetime

import fixtures
import sqlalchemy as sa
import testtools

from openmultistack.db import api as db_api
from openmultistack.db import events
from openmultistack.db import models
from openmultistack.db import types
from openmultistack.tests.unit import base
from openmultistack.tests.unit.worker import base as worker_base

START = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


class EventsMixin:

    def add_events(self, count, start=START):
        """``count`` events, one a day from ``start``; their ids."""
        with self.session() as session:
            added = []
            for day in range(count):
                event = events.record(session, 'day %d' % day)
                event.time = start + datetime.timedelta(days=day)
                added.append(event)
            session.flush()
            return [event.id for event in added]

    def remaining(self):
        with self.session() as session:
            return session.scalars(sa.select(models.Event.id).order_by(
                models.Event.id)).all()


class TestPurge(EventsMixin, base.TestCase):

    def test_purges_the_older_events_only(self):
        ids = self.add_events(5)
        before = START + datetime.timedelta(days=2)
        self.assertEqual(2, events.purge(before))
        self.assertEqual(ids[2:], self.remaining())
        self.assertEqual(0, events.purge(before))

    def test_purges_in_batches(self):
        self.useFixture(fixtures.MonkeyPatch(
            'openmultistack.db.events.PURGE_BATCH', 2))
        ids = self.add_events(7)
        self.assertEqual(5, events.purge(START + datetime.timedelta(days=5)))
        self.assertEqual(ids[5:], self.remaining())

    def test_database_clock(self):
        old = self.add_events(2, start=types.utcnow() -
                              datetime.timedelta(days=3))
        new = self.add_events(1, start=types.utcnow())
        purged = events.purge(types.db_utcnow(-datetime.timedelta(days=1)))
        self.assertEqual(len(old), purged)
        self.assertEqual(new, self.remaining())


class TestWrite(EventsMixin, base.TestCase):

    def test_writes_in_the_transaction_of_the_connection(self):
        with db_api.connection_scope() as connection:
            events.write(connection, 'queue 7: REQUEST', queue_id=7,
                         time=START)
            events.write(connection, 'queue 7: trouble', queue_id=7,
                         level=events.WARNING)
        with self.session() as session:
            rows = session.execute(sa.select(
                models.Event.desc, models.Event.queue_id, models.Event.level,
                models.Event.time).order_by(models.Event.id)).all()
        self.assertEqual([('queue 7: REQUEST', 7, events.INFO, START),
                          ('queue 7: trouble', 7, events.WARNING)],
                         [tuple(rows[0]), tuple(rows[1][:3])])
        self.assertLess(abs((rows[1].time - types.utcnow()).total_seconds()),
                        60)
        self.assertIn('event: queue 7: trouble', self.logs.output)

    def test_rolled_back_with_the_transaction(self):
        class Failed(Exception):
            pass
        with testtools.ExpectedException(Failed):
            with db_api.connection_scope() as connection:
                events.write(connection, 'not kept')
                raise Failed()
        self.assertEqual([], self.remaining())

    def test_unknown_level(self):
        with db_api.connection_scope() as connection:
            self.assertRaises(ValueError, events.write, connection, 'x',
                              level='LOUD')
        self.assertEqual([], self.remaining())


class TestWorkerPurge(EventsMixin, worker_base.WorkerTestCase):

    def test_worker_purges_events_past_the_age(self):
        old = self.add_events(3, start=types.utcnow() -
                              datetime.timedelta(days=10))
        new = self.add_events(2, start=types.utcnow() -
                              datetime.timedelta(days=1))
        self.start_worker(event_max_age_days=7)
        self.wait_for(lambda: self.remaining() == new,
                      'the events older than 7 days to go')
        self.assertNotIn(old[0], self.remaining())

    def test_worker_keeps_events_by_default(self):
        ids = self.add_events(3, start=START - datetime.timedelta(days=900))
        self.add_sim_account('sim-a')
        worker = self.start_worker()
        entry = self.add_queue()
        self.wait_for_status(entry, models.RUN)
        self.stop_worker(worker)
        self.assertEqual(ids, self.remaining()[:3])
