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

"""Claims and leases on queue entries.

The functional suite runs them on PostgreSQL too (``FOR UPDATE SKIP
LOCKED``, and the database's clock that decides who holds an entry).
"""

from concurrent import futures
import datetime
import multiprocessing
import threading

import fixtures
import sqlalchemy as sa
from sqlalchemy import orm

from openmultistack.db import api as db_api
from openmultistack.db import models
from openmultistack.db import types
from openmultistack.tests.unit import base
from openmultistack.worker import claims

LEASE = datetime.timedelta(seconds=60)


def claim_until_empty(url: str, worker_id: str, start=None) -> list:
    """Claim entries, a few at a time, until none is left."""
    engine = db_api.create_engine(url)
    try:
        if start is not None:
            start.wait()
        claimed = []
        while True:
            with orm.Session(bind=engine) as session, session.begin():
                new = claims.claim(session, worker_id, LEASE, 3)
            if not new:
                return claimed
            claimed += [c.queue_id for c in new]
    finally:
        engine.dispose()


class TestClaims(base.TestCase):

    def claim(self, worker_id='w1', limit=10):
        with self.session() as session:
            return claims.claim(session, worker_id, LEASE, limit)

    def test_new_entry_is_received(self):
        queue_id = self.add_queue()
        # The database's clock, in milliseconds on SQLite.
        before = types.utcnow() - datetime.timedelta(milliseconds=1)

        [claim] = self.claim()

        self.assertEqual(claims.Claim(queue_id, models.REQUEST, None), claim)
        self.assertFalse(claim.taken_over)
        entry = self.get_row(models.Queue, queue_id)
        self.assertEqual(models.RECIVE, entry.status)
        self.assertEqual('w1', entry.claimed_by)
        self.assertGreaterEqual(entry.lease_expires, before + LEASE)
        self.assertEqual(['queue %d: RECIVE by worker w1' % queue_id],
                         self.event_descs())

    def test_clock_ahead_cannot_take_a_live_lease(self):
        queue_id = self.add_queue()
        self.claim('w1')
        # The host of w2 is an hour ahead: the lease of w1 has expired by
        # its clock, not by the database's.
        ahead = types.utcnow() + datetime.timedelta(hours=1)
        self.useFixture(fixtures.MonkeyPatch(
            'openmultistack.db.types.utcnow', lambda: ahead))

        self.assertEqual([], self.claim('w2'))
        with self.session() as session:
            self.assertEqual(set(), claims.renew(session, 'w2', [queue_id],
                                                 LEASE))
        self.assertEqual('w1',
                         self.get_row(models.Queue, queue_id).claimed_by)

    def test_held_entries_and_finished_ones_are_not_claimed(self):
        self.add_queue(status=models.RUN)
        self.add_queue(status=models.FAILED)
        self.add_queue(status=models.BOOT, claimed_by='w2',
                       lease_expires=types.utcnow() + LEASE)
        self.assertEqual([], self.claim())

    def test_expired_lease_is_taken_over(self):
        queue_id = self.add_queue(
            status=models.BOOT, claimed_by='dead',
            lease_expires=types.utcnow() - datetime.timedelta(seconds=1))

        [claim] = self.claim()

        self.assertEqual(claims.Claim(queue_id, models.BOOT, 'dead'), claim)
        self.assertTrue(claim.taken_over)
        entry = self.get_row(models.Queue, queue_id)
        self.assertEqual((models.BOOT, 'w1'),
                         (entry.status, entry.claimed_by))
        self.assertIn('from worker dead (lease expired)',
                      self.event_descs()[-1])

    def test_destroy_is_claimed_as_is(self):
        queue_id = self.add_queue(status=models.DESTROY)
        [claim] = self.claim()
        self.assertEqual(models.DESTROY, claim.status)
        self.assertEqual(models.DESTROY,
                         self.get_row(models.Queue, queue_id).status)

    def test_oldest_first_and_limit(self):
        ids = [self.add_queue() for _ in range(5)]
        self.assertEqual(ids[:2], [c.queue_id for c in self.claim(limit=2)])
        self.assertEqual(ids[2:], [c.queue_id for c in self.claim('w2')])

    def test_renew_extends_own_leases_only(self):
        mine = self.add_queue()
        self.claim()
        theirs = self.add_queue()
        self.claim('w2')
        with self.session() as session:
            held = claims.renew(session, 'w1', [mine, theirs],
                                datetime.timedelta(hours=1))
        self.assertEqual({mine}, held)
        self.assertGreater(self.get_row(models.Queue, mine).lease_expires,
                           types.utcnow() + LEASE)
        self.assertLess(self.get_row(models.Queue, theirs).lease_expires,
                        types.utcnow() + LEASE + LEASE)

    def test_update_held_is_fenced(self):
        queue_id = self.add_queue()
        self.claim()
        with self.session() as session:
            self.assertRaises(claims.LeaseLost, claims.update_held, session,
                              queue_id, 'w2', claims.BOOTING,
                              status=models.BOOT)
            self.assertRaises(claims.LeaseLost, claims.update_held, session,
                              queue_id, 'w1', (models.BOOT,),
                              status=models.RUN)
            claims.update_held(session, queue_id, 'w1', claims.BOOTING,
                               status=models.BOOT)
        self.assertEqual(models.BOOT,
                         self.get_row(models.Queue, queue_id).status)

    def test_release_and_postpone(self):
        queue_id = self.add_queue(status=models.DESTROY)
        self.claim()
        with self.session() as session:
            claims.postpone(session, queue_id, 'w1', (models.DESTROY,),
                            datetime.timedelta(hours=1))
        # Postponed: nobody may claim it before the delay passed.
        self.assertEqual([], self.claim('w2'))
        with self.session() as session:
            claims.release(session, queue_id, 'w1', (models.DESTROY,))
        entry = self.get_row(models.Queue, queue_id)
        self.assertIsNone(entry.claimed_by)
        self.assertIsNone(entry.lease_expires)
        self.assertEqual(models.DESTROY, self.claim('w2')[0].status)


class TestClaimExclusivity(base.TestCase):
    """Competing workers never claim the same entry twice."""

    ENTRIES = 60

    def setUp(self):
        super().setUp()
        self.url = db_api.get_engine().url.render_as_string(
            hide_password=False)
        self.engine = db_api.get_engine()

    def add_entries(self):
        with orm.Session(bind=self.engine) as session, session.begin():
            entries = [models.Queue() for _ in range(self.ENTRIES)]
            session.add_all(entries)
            session.flush()
            return {entry.id for entry in entries}

    def assertPartition(self, ids, claimed_lists):
        claimed = [queue_id for found in claimed_lists for queue_id in found]
        self.assertEqual(len(claimed), len(set(claimed)), 'claimed twice')
        self.assertEqual(ids, set(claimed))
        with orm.Session(bind=self.engine) as session:
            holders = dict(session.execute(
                sa.select(models.Queue.id, models.Queue.claimed_by)).all())
        for index, found in enumerate(claimed_lists):
            for queue_id in found:
                self.assertEqual('w%d' % index, holders[queue_id])

    def test_threads(self):
        ids = self.add_entries()
        start = threading.Event()
        with futures.ThreadPoolExecutor(6) as pool:
            results = [pool.submit(claim_until_empty, self.url, 'w%d' % i,
                                   start) for i in range(6)]
            start.set()
            self.assertPartition(ids, [r.result() for r in results])

    def test_processes(self):
        ids = self.add_entries()
        context = multiprocessing.get_context('spawn')
        with futures.ProcessPoolExecutor(4, mp_context=context) as pool:
            results = [pool.submit(claim_until_empty, self.url, 'w%d' % i,
                                   None) for i in range(4)]
            self.assertPartition(ids, [r.result() for r in results])
