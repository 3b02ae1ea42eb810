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

import copy

from cliff import columns
from osc_lib.cli import format_columns
import testtools

from omsclient.common import formatters
from omsclient.common import utils

KEY = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n'
INSTANCE = {
    'id': 1,
    'name': '133-130-111-194',
    'instance_id': 'bec7c0ea-2262-4d73-aa6d-002d1e231103',
    'ip_addr': '133.130.111.194',
    'key_name': 'gShakAACHA',
    'key_raw': KEY,
    'account': {'provider': 'conoha', 'region_name': 'tyo1',
                'tenant_name': 'gnct26543406'},
}
OVERVIEW = {
    'node': 'rabbit@oms',
    'queue_totals': {'messages': 3,
                     'messages_details': {'rate': 0.2},
                     'messages_ready': 1},
    'object_totals': {'queues': 2},
}


class TestHelpers(testtools.TestCase):

    def test_escape_text(self):
        self.assertEqual('a\\x1b[2Jb\\x0d\\x0ac\\x07\\x9b\\u202ed',
                         formatters.escape_text(
                             'a\x1b[2Jb\r\nc\x07\x9b\u202ed'))
        self.assertEqual('x\ny\\x09z', formatters.escape_text(
            'x\ny\tz', keep_newlines=True))
        self.assertEqual('caf\u00e9 \u65e5\u672c', formatters.escape_text(
            'caf\u00e9 \u65e5\u672c'))

    def test_escape_value(self):
        self.assertEqual(
            {'k\\x1b': ['\\x07', 1, None, {'a': 'b\\x0a'}]},
            formatters.escape_value(
                {'k\x1b': ['\x07', 1, None, {'a': 'b\n'}]}))

    def test_get_path(self):
        self.assertEqual(0.2, formatters.get_path(
            OVERVIEW, 'queue_totals.messages_details.rate'))
        self.assertEqual('rabbit@oms', formatters.get_path(OVERVIEW, 'node'))
        self.assertIsNone(formatters.get_path(OVERVIEW, 'node.x'))
        self.assertEqual(0, formatters.get_path(
            OVERVIEW, 'message_stats.publish', default=0))

    def test_format_list_keeps_order_and_any_item(self):
        self.assertEqual("b, a, 3, , {x='1'}, ['b', 'c']",
                         formatters.format_list(
                             ['b', 'a', 3, None, {'x': 1}, ['b', 'c']]))
        self.assertEqual('', formatters.format_list(None))


class TestUnits(testtools.TestCase):

    def test_size(self):
        self.assertEqual('512 B', formatters.format_size(512))
        self.assertEqual('1.0 KiB', formatters.format_size(1024))
        self.assertEqual('130.9 MiB', formatters.format_size(137260236))
        self.assertEqual('2048.0 TiB', formatters.format_size(2 ** 51))
        self.assertEqual('', formatters.format_size(None))
        self.assertEqual('big', formatters.format_size('big'))
        column = formatters.SizeColumn(137260236)
        self.assertEqual('130.9 MiB', column.human_readable())
        self.assertEqual(137260236, column.machine_readable())

    def test_duration(self):
        self.assertEqual('7h 49m 37s',
                         formatters.format_duration(28177000))
        self.assertEqual('1d 0h 0m 5s',
                         formatters.format_duration(86405999))
        self.assertEqual('0s', formatters.format_duration(999))
        self.assertEqual('', formatters.format_duration(None))
        self.assertEqual('n/a', formatters.format_duration('n/a'))
        column = formatters.DurationColumn(28177000)
        self.assertEqual('7h 49m 37s', column.human_readable())
        self.assertEqual(28177000, column.machine_readable())

    def test_counters(self):
        stats = {'publish': 1320, 'publish_details': {'rate': 10.2},
                 'ack': 7, 'deliver_get_details': {'rate': 0.0}}
        self.assertEqual('ack: 7\ndeliver_get: (0/s)\n'
                         'publish: 1320 (10.2/s)',
                         formatters.format_counters(stats))
        column = formatters.CountersColumn(stats)
        self.assertEqual(stats, column.machine_readable())
        self.assertEqual('', formatters.CountersColumn(None)
                         .human_readable())


class TestDateTime(testtools.TestCase):

    def test_zulu(self):
        self.assertEqual('2016-08-09 02:29:34 UTC', formatters.format_datetime(
            '2016-08-09T02:29:34.461432Z'))

    def test_numeric_offset_converted_to_utc(self):
        self.assertEqual('2016-08-09 02:29:34 UTC', formatters.format_datetime(
            '2016-08-09T11:29:34.461432+09:00'))
        self.assertEqual('2016-08-08 23:59:00 UTC', formatters.format_datetime(
            '2016-08-08T19:59:00-04:00'))

    def test_naive_is_not_given_a_zone(self):
        self.assertEqual('2016-08-02 06:58:24',
                         formatters.format_datetime('2016-08-02 06:58:24'))

    def test_date_alone_is_shown_as_sent(self):
        self.assertEqual('2016-08-09',
                         formatters.format_datetime('2016-08-09'))

    def test_out_of_range_is_shown_as_sent(self):
        self.assertEqual('9999-12-31T23:59:59-23:59',
                         formatters.format_datetime(
                             '9999-12-31T23:59:59-23:59'))
        self.assertIsNone(utils.parse_datetime(
            '9999-12-31T23:59:59-23:59'))

    def test_not_a_timestamp(self):
        self.assertEqual('12:00 tomorrow',
                         formatters.format_datetime('12:00 tomorrow'))
        self.assertEqual('yesterday', formatters.format_datetime('yesterday'))
        self.assertEqual('', formatters.format_datetime(None))
        self.assertIsNone(utils.parse_datetime(12))

    def test_sorted_by_instant(self):
        values = ['2016-08-09T02:29:35Z', '2016-08-09T11:29:34+09:00',
                  '2016-08-09T02:00:00-01:00']
        ordered = sorted(formatters.DateTimeColumn(v) for v in values)
        self.assertEqual([values[1], values[0], values[2]],
                         [c.machine_readable() for c in ordered])

    def test_sorting_mixed_values_falls_back_to_text(self):
        self.assertLess(formatters.DateTimeColumn('2016-08-09'),
                        formatters.DateTimeColumn('2016-08-09T00:00:00Z'))
        # A naive time and an aware one: no instant to compare, the text
        # decides.
        self.assertLess(formatters.DateTimeColumn('2016-08-09 23:00:00'),
                        formatters.DateTimeColumn('2016-08-09T01:00:00Z'))

    def test_column(self):
        column = formatters.DateTimeColumn('2016-08-09T02:29:34.461432Z')
        self.assertEqual('2016-08-09 02:29:34 UTC', column.human_readable())
        self.assertEqual('2016-08-09T02:29:34.461432Z',
                         column.machine_readable())


class TestColumns(testtools.TestCase):

    def test_all_are_formattable(self):
        for cls in (formatters.ListColumn, formatters.RateColumn,
                    formatters.SizeColumn, formatters.DurationColumn,
                    formatters.CountersColumn, formatters.DateTimeColumn,
                    formatters.AccountColumn, formatters.InstanceColumn):
            self.assertTrue(issubclass(cls, columns.FormattableColumn), cls)

    def test_instance_column(self):
        column = formatters.InstanceColumn(copy.deepcopy(INSTANCE))
        self.assertEqual(
            '133-130-111-194 (133.130.111.194) on conoha/tyo1 '
            '(gnct26543406)', column.human_readable())
        self.assertEqual(INSTANCE, column.machine_readable())

    def test_instance_column_null(self):
        column = formatters.InstanceColumn(None)
        self.assertEqual('', column.human_readable())
        self.assertIsNone(column.machine_readable())

    def test_instance_column_without_ip_or_account(self):
        column = formatters.InstanceColumn({'instance_id': 'abc'})
        self.assertEqual('abc', column.human_readable())

    def test_account_column(self):
        column = formatters.AccountColumn({'provider': 'conoha',
                                           'region_name': 'tyo1'})
        self.assertEqual('conoha/tyo1', column.human_readable())

    def test_auto_column_dicts_are_osc_lib_columns(self):
        column = formatters.auto_column(OVERVIEW['queue_totals'])
        self.assertIsInstance(column, format_columns.DictColumn)
        self.assertEqual("messages='3', messages_details.rate='0.2', "
                         "messages_ready='1'", column.human_readable())
        self.assertEqual(OVERVIEW['queue_totals'], column.machine_readable())
        listeners = [{'protocol': 'amqp', 'port': 5672}]
        column = formatters.auto_column(listeners)
        self.assertIsInstance(column, format_columns.ListDictColumn)
        self.assertEqual("port='5672', protocol='amqp'",
                         column.human_readable())
        self.assertEqual('x', formatters.auto_column('x'))

    def test_list_column_of_numbers(self):
        column = formatters.auto_column([3, 1, 2])
        self.assertIsInstance(column, formatters.ListColumn)
        self.assertEqual('3, 1, 2', column.human_readable())
        self.assertEqual([3, 1, 2], column.machine_readable())
        self.assertEqual([], formatters.ListColumn(None).machine_readable())

    def test_rate_column(self):
        self.assertEqual('0.2/s', formatters.RateColumn(0.2).human_readable())
        self.assertEqual('0/s', formatters.RateColumn(0).human_readable())
        self.assertEqual('', formatters.RateColumn(None).human_readable())
        self.assertEqual('n/a', formatters.RateColumn('n/a').human_readable())
        self.assertEqual(0.2, formatters.RateColumn(0.2).machine_readable())
