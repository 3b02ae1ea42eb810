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

import io
import urllib.parse

import fixtures as fx
from osc_lib import exceptions as osc_exc

from omsclient.osc.metering import log
from omsclient.tests.unit.metering import base
from omsclient.tests.unit.metering import fixtures
from omsclient.tests.unit.metering import test_logs
from omsclient.tests.unit.osc.metering import fakes


class TestListLog(fakes.TestCommand):

    def setUp(self):
        super().setUp()
        self.log = test_logs.PagedLog(fixtures.log_pages(25, 10))
        self.requests.get(base.LOGS, json=self.log)

    def ids(self, argv):
        return [row['ID'] for row in self.run_json(log.ListLog, argv)]

    def test_first_page_by_default(self):
        rows = self.run_json(log.ListLog, [])
        self.assertEqual([{'ID': entry['id'], 'Time': entry['time'],
                           'Description': entry['desc']}
                          for entry in fixtures.log_entries(25)[:10]], rows)
        self.assertEqual([1], self.log.asked)

    def test_page(self):
        self.assertEqual(list(range(5, 0, -1)), self.ids(['--page', '3']))
        self.assertEqual([3], self.log.asked)

    def test_page_past_the_end(self):
        self.assertEqual([], self.ids(['--page', '9']))
        self.assertEqual('Page 9 is past the end: the system log has only '
                         '3 pages\n', self.app.stderr.getvalue())
        # A binary search between the last page and page 9.
        self.assertEqual([9, 4, 2, 3], self.log.asked)

    def test_page_past_the_end_of_an_empty_log(self):
        self.requests.get(base.LOGS, json=[])
        self.assertEqual([], self.ids(['--page', '2']))
        self.assertEqual('Page 2 is past the end: the system log is empty\n',
                         self.app.stderr.getvalue())

    def test_page_past_the_end_of_one_page(self):
        self.requests.get(base.LOGS,
                          json=test_logs.PagedLog(fixtures.log_pages(5, 10)))
        self.assertEqual([], self.ids(['--page', '2']))
        self.assertEqual('Page 2 is past the end: the system log has only '
                         '1 page\n', self.app.stderr.getvalue())

    def test_pages_within_the_log_say_nothing_more(self):
        self.ids(['--page', '3'])
        self.requests.get(base.LOGS, json=[])
        self.ids(['--page', '1'])
        self.assertEqual('', self.app.stderr.getvalue())

    def test_all_walks_every_page(self):
        self.assertEqual(list(range(25, 0, -1)), self.ids(['--all']))
        self.assertEqual([1, 2, 3, 4], self.log.asked)

    def test_all_with_limit_reads_only_the_pages_needed(self):
        self.assertEqual(list(range(25, 13, -1)),
                         self.ids(['--all', '--limit', '12']))
        self.assertEqual([1, 2], self.log.asked)

    def test_limit_within_a_page(self):
        self.assertEqual([15, 14], self.ids(['--page', '2', '--limit', '2']))

    def test_table(self):
        out = self.run_command(log.ListLog, ['--limit', '1'])
        self.assertIn('| ID | Time                    | Description', out)
        # The service writes its log times in UTC, without a zone.
        self.assertIn('| 25 | 2016-08-02 06:00:25 UTC | queue 25: status '
                      'changed to RUN |', out)

    def test_table_of_all_pages_stops_past_the_row_bound(self):
        self.useFixture(fx.MonkeyPatch('omsclient.osc.common.MAX_ROWS', 12))
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  log.ListLog, ['--all'])
        self.assertIn('More than 12 rows: -f table keeps every row',
                      str(error))
        self.assertIn('use -f value, -f csv or -f json', str(error))
        self.assertEqual('', self.app.stdout.getvalue())
        output = self.run_command(log.ListLog, ['--all', '-f', 'value',
                                                '-c', 'ID'])
        self.assertEqual(''.join('%d\n' % n for n in range(25, 0, -1)),
                         output)

    def test_all_with_a_page_too_long_to_keep(self):
        # One bound for the rows a command keeps, in a table or a page.
        self.useFixture(fx.MonkeyPatch('omsclient.osc.common.MAX_ROWS', 4))
        for argv in (['--all'], ['--marker', '30']):
            error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                      log.ListLog, argv + ['-f', 'value'])
            self.assertEqual(
                'Unable to list the system log%s: a page holds more than 4 '
                'entries, more than --all and --marker keep to tell a page '
                'sent again; list the pages one at a time with --page and '
                '-f value' % (' after entry 30' if '--marker' in argv
                              else ''), str(error))

    def test_columns_match_without_case(self):
        for names in (['ID', 'Description'], ['id', 'desc'],
                      ['Id', 'DESCRIPTION']):
            argv = ['--limit', '1']
            for name in names:
                argv += ['-c', name]
            out = self.run_command(log.ListLog, argv + ['-f', 'csv'])
            self.assertEqual('"ID","Description"\n'
                             '25,"queue 25: status changed to RUN"\n', out)

    def test_limit_minus_one_is_no_limit(self):
        self.assertEqual(list(range(25, 0, -1)),
                         self.ids(['--all', '--limit', '-1']))
        self.assertEqual(list(range(25, 15, -1)),
                         self.ids(['--limit', '-1']))

    def test_marker_with_a_service_that_ignores_it(self):
        # The pages are walked from the newest; the newer entries dropped.
        self.assertEqual([17, 16, 15, 14, 13],
                         self.ids(['--marker', '18', '--limit', '5']))
        self.assertEqual([1, 2], self.log.asked)

    def test_marker(self):
        entries = fixtures.log_entries(25)
        queries = []

        def older(request, context):
            query = urllib.parse.parse_qs(request.query)
            queries.append(query)
            fields = dict(zip(query['q.field'], query['q.value']))
            page = int(fields.get('page', 1))
            below = [e for e in entries if e['id'] < int(fields['marker'])]
            return below[(page - 1) * 10:page * 10]
        self.requests.get(base.LOGS, json=older)
        self.assertEqual(list(range(17, 0, -1)), self.ids(['--marker', '18']))
        self.assertEqual([{'q.field': ['marker', 'page'],
                           'q.value': ['18', str(page)]}
                          for page in (1, 2, 3)], queries)
        self.assertEqual([17, 16], self.ids(['--marker', '18', '--limit',
                                             '2']))

    def test_marker_not_found(self):
        self.requests.get(base.LOGS, status_code=400, json={
            'error_message': {'faultstring': 'Marker 99 not found.'}})
        command, parsed_args = self.parse(log.ListLog, ['--marker', '99'])
        error = self.assertRaises(osc_exc.CommandError, command.run,
                                  parsed_args)
        self.assertEqual('Unable to list the system log after entry 99: '
                         'Marker 99 not found. (HTTP 400)', str(error))

    def test_marker_excludes_page_and_all(self):
        for argv in (['--marker', '3', '--page', '2'],
                     ['--marker', '3', '--all']):
            self.assertIn('not allowed with', self.assert_parse_error(argv))
        self.assertIn('is not a whole number from 1',
                      self.assert_parse_error(['--marker', '0']))

    def assert_parse_error(self, argv):
        stderr = io.StringIO()
        self.useFixture(fx.MonkeyPatch('sys.stderr', stderr))
        error = self.assertRaises(SystemExit, self.parse, log.ListLog, argv)
        self.assertEqual(2, error.code)
        return stderr.getvalue()

    def test_page_and_all_exclude_each_other(self):
        self.assertIn('not allowed with',
                      self.assert_parse_error(['--page', '2', '--all']))
        self.assertIn('not allowed with',
                      self.assert_parse_error(['--page', '1', '--all']))

    def test_page_and_limit_are_positive(self):
        for argv in (['--limit', '0'], ['--limit', 'x'], ['--limit', '-2']):
            self.assertIn('not a positive integer',
                          self.assert_parse_error(argv))
        for page in ('0', 'x', '2147483648', '9' * 400):
            self.assertIn("'%s' is not a whole number from 1 to 2147483647"
                          % page, self.assert_parse_error(['--page', page]))
        self.assertEqual([], self.log.asked)

    def test_service_unavailable(self):
        self.requests.get(base.LOGS, status_code=503,
                          json={'error_message': {'faultstring': 'db down'}})
        command, parsed_args = self.parse(log.ListLog, ['--all'])
        error = self.assertRaises(osc_exc.CommandError, command.run,
                                  parsed_args)
        self.assertEqual('Unable to list the system log: db down (HTTP 503)',
                         str(error))
