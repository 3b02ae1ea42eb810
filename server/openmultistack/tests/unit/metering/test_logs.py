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


"""/v2/logs: the event log, a page at a time, newest first."""

import datetime
import re

import sqlalchemy as sa

from openmultistack.db import api as db_api
from openmultistack.db import events
from openmultistack.db import models
from openmultistack.metering import app
from openmultistack.tests.unit import base


class TestLogs(base.AppTestCase):

    def make_app(self):
        return app.create_app()

    def setUp(self):
        super().setUp()
        self.config.config(log_page_size=4, group='metering')
        start = datetime.datetime(2016, 8, 2, 6, 58, 24,
                                  tzinfo=datetime.timezone.utc)
        with self.session() as session:
            for number in range(10):
                event = events.record(session, 'event %d' % number,
                                      queue_id=number)
                event.time = start + datetime.timedelta(minutes=number)

    def page(self, query=''):
        return self.assertJSON(self.request('GET', '/v2/logs' + query), 200)

    def test_first_page_newest_first(self):
        data = self.page()
        self.assertEqual([{'id': 10, 'desc': 'event 9',
                           'time': '2016-08-02 07:07:24'},
                          {'id': 9, 'desc': 'event 8',
                           'time': '2016-08-02 07:06:24'},
                          {'id': 8, 'desc': 'event 7',
                           'time': '2016-08-02 07:05:24'},
                          {'id': 7, 'desc': 'event 6',
                           'time': '2016-08-02 07:04:24'}], data)
        self.assertEqual(data, self.page('?q.field=page&q.value=1'))

    def test_pages(self):
        self.assertEqual([6, 5, 4, 3], [e['id'] for e in self.page(
            '?q.field=page&q.op=eq&q.value=2')])
        self.assertEqual([2, 1], [e['id'] for e in self.page(
            '?q.field=page&q.value=3')])

    def test_past_the_end(self):
        self.assertEqual([], self.page('?q.field=page&q.value=4'))
        self.assertEqual([], self.page('?q.field=page&q.value=10000000'))

    def test_new_events_come_first(self):
        with self.session() as session:
            events.record(session, 'latest', level=events.WARNING)
        self.assertEqual('latest', self.page()[0]['desc'])

    def test_bad_page(self):
        for value in ('0', '-1', 'x', '1.5', '', '10000001'):
            data = self.assertJSON(self.request(
                'GET', '/v2/logs?q.field=page&q.value=%s' % value), 400)
            self.assertIn('page', data['error_message']['faultstring'])

    def test_marker(self):
        self.assertEqual([6, 5, 4, 3], [e['id'] for e in self.page(
            '?q.field=marker&q.value=7')])
        self.assertEqual([2, 1], [e['id'] for e in self.page(
            '?q.field=marker&q.value=7&q.field=page&q.value=2')])
        self.assertEqual([], self.page('?q.field=marker&q.value=1'))

    def test_marker_not_found(self):
        with self.session() as session:
            session.delete(session.get(models.Event, 5))
        for marker in ('5', '99'):
            data = self.assertJSON(self.request(
                'GET', '/v2/logs?q.field=marker&q.value=%s' % marker), 400)
            self.assertEqual('Marker %s not found.' % marker,
                             data['error_message']['faultstring'])
        for marker in ('0', 'x', '-1'):
            data = self.assertJSON(self.request(
                'GET', '/v2/logs?q.field=marker&q.value=%s' % marker), 400)
            self.assertIn('The marker must be the id of an event',
                          data['error_message']['faultstring'])

    def test_bad_query(self):
        for query in ('?q.field=level&q.value=1',
                      '?q.field=page&q.op=gt&q.value=1',
                      '?q.field=page'):
            self.assertJSON(self.request('GET', '/v2/logs' + query), 400)

    def test_records_level_and_queue(self):
        with self.session() as session:
            latest = session.query(models.Event).order_by(
                models.Event.id.desc()).first()
            self.assertEqual((9, 'INFO'), (latest.queue_id, latest.level))

    def test_unknown_level_refused(self):
        with self.session() as session:
            self.assertRaises(ValueError, events.record, session, 'x',
                              level='LOUD')


class TestLogPages(base.AppTestCase):
    """The pages are those of OFFSET, without reading the skipped rows."""

    def make_app(self):
        return app.create_app()

    def setUp(self):
        super().setUp()
        self.config.config(log_page_size=3, group='metering')
        with self.session() as session:
            for number in range(20):
                events.record(session, 'event %d' % number)
        # Holes in the ids: purged events, transactions rolled back.
        table = models.Event.__table__
        with self.session() as session:
            session.execute(sa.delete(table).where(
                table.c.id.in_([2, 7, 8, 15, 20])))

    def ids(self, page):
        return [event['id'] for event in self.assertJSON(self.request(
            'GET', '/v2/logs?q.field=page&q.value=%d' % page), 200)]

    def test_pages_skip_the_holes(self):
        with self.session() as session:
            every = session.scalars(sa.select(models.Event.id).order_by(
                models.Event.id.desc())).all()
        pages = [every[start:start + 3] for start in range(0, 18, 3)]
        self.assertEqual(pages, [self.ids(page) for page in range(1, 7)])

    def test_rows_are_not_skipped_with_offset(self):
        statements = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)
        engine = db_api.get_engine()
        sa.event.listen(engine, 'before_cursor_execute', record)
        self.addCleanup(sa.event.remove, engine, 'before_cursor_execute',
                        record)
        self.assertEqual([12, 11, 10], self.ids(3))
        skipping = [columns for statement in statements
                    for columns in re.findall(
                        r'SELECT ([^()]*?)\s+FROM events\b[^()]*OFFSET',
                        statement)]
        # OFFSET walks the ids (the primary key's index), nothing else.
        self.assertEqual(['events.id'], skipping)
