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

import testtools

from omsclient.osc.metering import columns
from omsclient.tests.unit.metering import fixtures


class TestColumns(testtools.TestCase):

    def test_listeners(self):
        listeners = fixtures.OVERVIEW['listeners']
        column = columns.ListenersColumn(listeners)
        self.assertEqual('amqp 127.0.0.1:5672\nclustering [::]:25672\n'
                         'http [::]:15672', column.human_readable())
        self.assertEqual(listeners, column.machine_readable())

    def test_names(self):
        column = columns.NamesColumn(fixtures.OVERVIEW['exchange_types'])
        self.assertEqual('direct, fanout, headers, topic',
                         column.human_readable())
        self.assertEqual('a, b', columns.NamesColumn(['a', 'b'])
                         .human_readable())

    def test_tags_list_and_string(self):
        self.assertEqual('administrator, monitoring',
                         columns.TagsColumn(['administrator', 'monitoring'])
                         .human_readable())
        column = columns.TagsColumn('administrator,management')
        self.assertEqual('administrator, management',
                         column.human_readable())
        self.assertEqual('administrator,management',
                         column.machine_readable())
        self.assertEqual('', columns.TagsColumn(None).human_readable())

    def test_exchange_name(self):
        self.assertEqual('(AMQP default)',
                         columns.ExchangeNameColumn('').human_readable())
        self.assertEqual('', columns.ExchangeNameColumn('').machine_readable())
        self.assertEqual('nova',
                         columns.ExchangeNameColumn('nova').human_readable())

    def test_milliseconds_timestamp(self):
        connected_at = fixtures.CONNECTIONS[0]['connected_at']
        column = columns.MillisecondsTimestampColumn(connected_at)
        self.assertEqual('2026-11-22 00:06:08 UTC', column.human_readable())
        self.assertEqual(connected_at, column.machine_readable())
        self.assertEqual('soon', columns.MillisecondsTimestampColumn(
            'soon').human_readable())
