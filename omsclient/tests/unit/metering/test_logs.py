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

import urllib.parse

from omsclient.common import exceptions
from omsclient.metering import logs
from omsclient.tests.unit.metering import base
from omsclient.tests.unit.metering import fixtures


class PagedLog:
    """A requests-mock callback serving log pages by ``q.value``."""

    def __init__(self, pages):
        self.pages = pages
        self.asked = []

    def __call__(self, request, context):
        query = urllib.parse.parse_qs(request.query, keep_blank_values=True)
        page = 1
        if query.get('q.field', [''])[-1] == 'page':
            page = int(query['q.value'][-1])
        self.asked.append(page)
        return self.pages[page - 1] if page <= len(self.pages) else []


class TestPageQuery(base.TestCase):

    def test_adds_the_page(self):
        self.assertEqual([{'field': 'page', 'value': 3}],
                         logs.page_query(3))

    def test_replaces_an_earlier_page_and_keeps_the_rest(self):
        query = [{'field': 'page', 'value': 1},
                 {'field': 'level', 'op': 'eq', 'value': 'error'}]
        self.assertEqual([{'field': 'level', 'op': 'eq', 'value': 'error'},
                          {'field': 'page', 'value': 4}],
                         logs.page_query(4, query))
        self.assertEqual(1, query[0]['value'])


class TestListAll(base.TestCase):

    def setUp(self):
        super().setUp()
        self.cclient = self.metering_client()

    def serve(self, pages):
        log = PagedLog(pages)
        self.requests.get(base.LOGS, json=log)
        return log

    def test_walks_pages_until_an_empty_one(self):
        log = self.serve(fixtures.log_pages(25, 10))
        ids = [entry.id for entry in self.cclient.logs.list_all()]
        self.assertEqual(list(range(25, 0, -1)), ids)
        self.assertEqual([1, 2, 3, 4], log.asked)

    def test_next_page_is_asked_only_when_needed(self):
        log = self.serve(fixtures.log_pages(25, 10))
        entries = self.cclient.logs.list_all()
        for _i in range(10):
            next(entries)
        self.assertEqual([1], log.asked)
        self.assertEqual(15, next(entries).id)
        self.assertEqual([1, 2], log.asked)
        entries.close()

    def test_start_page(self):
        log = self.serve(fixtures.log_pages(25, 10))
        ids = [entry.id for entry in self.cclient.logs.list_all(start=3)]
        self.assertEqual([5, 4, 3, 2, 1], ids)
        self.assertEqual([3, 4], log.asked)

    def test_entries_pushed_to_the_next_page_are_not_repeated(self):
        # Two entries were logged between the reading of page 1 and 2:
        # the last two entries of page 1 come again at the top of page 2.
        entries = fixtures.log_entries(8)
        self.serve([entries[:4], entries[2:6], entries[6:8]])
        ids = [entry.id for entry in self.cclient.logs.list_all()]
        self.assertEqual([8, 7, 6, 5, 4, 3, 2, 1], ids)

    def test_a_server_ignoring_the_page_does_not_loop(self):
        page = fixtures.log_entries(3)
        self.requests.get(base.LOGS, json=page)
        ids = [entry.id for entry in self.cclient.logs.list_all()]
        self.assertEqual([3, 2, 1], ids)
        self.assertEqual(2, len(self.requests.request_history))

    def test_a_server_ignoring_the_page_without_integer_ids(self):
        page = [{'id': 'b', 'desc': 'two', 'time': '2016-08-02 06:58:25'},
                {'id': 'a', 'desc': 'one', 'time': '2016-08-02 06:58:24'}]
        self.requests.get(base.LOGS, json=page)
        self.assertEqual(['two', 'one'], [entry.desc for entry in
                                          self.cclient.logs.list_all()])
        self.assertEqual(2, len(self.requests.request_history))

    def test_a_page_starting_like_the_previous_one_is_yielded(self):
        first = [{'id': 'c', 'desc': 'c'}, {'id': 'b', 'desc': 'b'}]
        log = self.serve([first, first[:1] + [{'id': 'a', 'desc': 'a'}],
                          first[:1], []])
        self.assertEqual(['c', 'b', 'c', 'a', 'c'], [
            entry.desc for entry in self.cclient.logs.list_all()])
        self.assertEqual([1, 2, 3, 4], log.asked)

    def test_empty_log(self):
        log = self.serve([])
        self.assertEqual([], list(self.cclient.logs.list_all()))
        self.assertEqual([1], log.asked)

    def test_entries_without_integer_ids_are_all_yielded(self):
        pages = [[{'id': 'b', 'desc': 'two', 'time': '2016-08-02 06:58:25'},
                  {'id': 'a', 'desc': 'one', 'time': '2016-08-02 06:58:24'}],
                 []]
        log = self.serve(pages)
        self.assertEqual(['two', 'one'], [entry.desc for entry in
                                          self.cclient.logs.list_all()])
        self.assertEqual([1, 2], log.asked)

    def test_a_page_longer_than_the_bound_raises(self):
        entries = fixtures.log_entries(14)
        log = self.serve([entries[:4], entries[4:], []])
        walk = self.cclient.logs.list_all(max_rows=5)
        self.assertEqual([14, 13, 12, 11], [next(walk).id for _i in
                                            range(4)])
        error = self.assertRaises(exceptions.TooManyRows, list, walk)
        self.assertEqual(5, error.bound)
        self.assertEqual(
            'Page 2 of the system log holds more than 5 entries, more than '
            'list_all() keeps to tell a page sent again (max_rows=5); read '
            'that page with a for loop over list(q=page_query(2, q)), which '
            'keeps one entry at a time, or pass a larger max_rows (None for '
            'no bound)', str(error))
        self.assertEqual([1, 2], log.asked)

    def test_the_bound_is_per_page(self):
        self.serve(fixtures.log_pages(25, 5))
        ids = [entry.id for entry in self.cclient.logs.list_all(max_rows=5)]
        self.assertEqual(list(range(25, 0, -1)), ids)

    def test_no_bound(self):
        self.serve(fixtures.log_pages(12, 12))
        self.assertEqual(12, len(list(self.cclient.logs.list_all(
            max_rows=None))))


class TestListShapes(base.TestCase):
    """Records that are not what the API promises: one clear error."""

    def _error(self, body):
        self.requests.get(base.LOGS, json=body)
        cclient = self.metering_client()
        return self.assertRaises(exceptions.InvalidResponse, list,
                                 cclient.logs.list())

    def test_records_that_are_not_objects(self):
        exc = self._error([1, 'two', None])
        self.assertEqual(
            'the answer of GET %s is not what the API promises: entry 1 '
            'is a number (1), not an object' % base.LOGS, str(exc))

    def test_fields_of_the_wrong_kind(self):
        exc = self._error([{'id': 1, 'desc': 5, 'time': []}])
        self.assertIn('entry 1: desc is a number (5), not a text or null',
                      str(exc))

    def test_empty_records_are_skipped_as_ceilometerclient_does(self):
        self.requests.get(base.LOGS, json=[{}, None, {'id': 1, 'desc': 'x'}])
        self.assertEqual(
            ['x'], [entry.desc for entry in
                    self.metering_client().logs.list()])

    def test_other_falsy_records_refused(self):
        for value, shown in ((0, 'a number (0)'), ('', "a text ('')"),
                             ([], 'a list'), (False, 'false')):
            exc = self._error([{}, value])
            self.assertIn('entry 2 is %s, not an object' % shown, str(exc))


class TestCountPages(base.TestCase):

    def setUp(self):
        super().setUp()
        self.cclient = self.metering_client()

    def count(self, entries, **kwargs):
        log = PagedLog(fixtures.log_pages(entries, 10))
        self.requests.get(base.LOGS, json=log)
        return self.cclient.logs.count_pages(**kwargs), log.asked

    def test_binary_search_below_an_empty_page(self):
        self.assertEqual((3, [16, 8, 4, 2, 3]), self.count(25, empty=32))

    def test_doubling_without_an_empty_page(self):
        self.assertEqual((7, [1, 2, 4, 8, 6, 7]), self.count(70))

    def test_full_last_page(self):
        self.assertEqual((3, [1, 2, 4, 3]), self.count(30))

    def test_empty_log(self):
        self.assertEqual((0, [1]), self.count(0))
