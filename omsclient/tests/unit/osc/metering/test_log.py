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

    def test_columns_match_without_case(self):
        for names in (['ID', 'Description'], ['id', 'desc'],
                      ['Id', 'DESCRIPTION']):
            argv = ['--limit', '1']
            for name in names:
                argv += ['-c', name]
            out = self.run_command(log.ListLog, argv + ['-f', 'csv'])
            self.assertEqual('"ID","Description"\n'
                             '25,"queue 25: status changed to RUN"\n', out)

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
        for argv in (['--page', '0'], ['--limit', '-1'], ['--page', 'x']):
            self.assertIn('not a positive integer',
                          self.assert_parse_error(argv))
        self.assertEqual([], self.log.asked)

    def test_service_unavailable(self):
        self.requests.get(base.LOGS, status_code=503,
                          json={'error_message': {'faultstring': 'db down'}})
        command, parsed_args = self.parse(log.ListLog, ['--all'])
        error = self.assertRaises(osc_exc.CommandError, command.run,
                                  parsed_args)
        self.assertEqual('Unable to list the system log: db down (HTTP 503)',
                         str(error))
