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

"""What every command prints is safe: escapes, nulls, columns, secrets."""

import json
import logging
import re

from cliff.formatters import json_format
import fixtures
from osc_lib import exceptions as osc_exc
import yaml

from omsclient.osc import common
from omsclient.osc.v1 import account
from omsclient.osc.v1 import queue
from omsclient.tests.unit import fixtures as oms_fixtures
from omsclient.tests.unit.osc.v1 import fakes

QUEUES = fakes.QUEUES
#: What a hostile server puts in a text: clear the screen, go back to
#: the start of the line, ring the bell, a C1 CSI and a right-to-left
#: override.
HOSTILE = 'RUN\x1b[2J\r\x07FAKE\x9b31m\u202eXYZ'
RAW = re.compile('[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]')


def hostile_entry(queue_id=1):
    entry = oms_fixtures.queue(queue_id, 'RUN')
    entry['status'] = HOSTILE
    entry['instance']['name'] = 'web\x1b]0;owned\x07'
    entry['fault'] = 'line one\nline two\x1b[1A'
    entry['note\x1b[2J'] = {'k': 'v\x1b'}
    return entry


class TestEscaping(fakes.TestCommand):

    def assert_safe(self, output):
        self.assertIsNone(RAW.search(output), repr(output))

    def test_show_in_every_text_format(self):
        self.requests.get(QUEUES + '1/', json=hostile_entry())
        for name, output in self.outputs(queue.ShowQueue, ['1']):
            self.assert_safe(output)
            if name not in ('json', 'yaml'):
                self.assertIn('RUN\\x1b[2J\\x0d\\x07FAKE\\x9b31m\\u202eXYZ',
                              output)
        value = self.run_command(queue.ShowQueue, ['1', '-f', 'value'])
        # A line break sent by the server does not start a new line.
        self.assertIn('line one\\x0aline two\\x1b[1A', value)

    def test_json_and_yaml_keep_the_values_exact(self):
        self.requests.get(QUEUES + '1/', json=hostile_entry())
        self.requests.get(QUEUES, json=[hostile_entry()])
        rows = self.run_json(queue.ListQueue, [])
        self.assertEqual(HOSTILE, rows[0]['Status'])
        shown = self.run_json(queue.ShowQueue, ['1'])
        self.assertEqual(HOSTILE, shown['Status'])
        self.assertEqual({'k': 'v\x1b'}, shown['note\x1b[2J'])
        output = self.run_command(queue.ShowQueue, ['1', '-f', 'yaml'])
        self.assertEqual(HOSTILE, yaml.safe_load(output)['Status'])

    def test_table_keeps_the_lines_of_a_cell(self):
        self.requests.get(QUEUES + '1/', json=hostile_entry())
        output = self.run_command(queue.ShowQueue, ['1'])
        self.assert_safe(output)
        self.assertIn('| note\\x1b[2J ', output)
        self.assertIn("| k='v\\x1b' ", output)
        self.assertIn('| line one ', output)
        self.assertIn('| line two\\x1b[1A ', output)

    def test_list_in_every_format(self):
        self.requests.get(QUEUES, json=[hostile_entry(1), hostile_entry(2)])
        for name, output in self.outputs(queue.ListQueue, ['--long'],
                                         fakes.LIST_FORMATS):
            self.assert_safe(output)
        output = self.run_command(queue.ListQueue, ['-f', 'csv'])
        # Escaped once: the backslash of the escape is not doubled.
        self.assertIn('"RUN\\x1b[2J\\x0d\\x07FAKE', output)
        self.assertNotIn('\\\\', output)
        # With --quote none the backslash is the escape of the delimiter.
        output = self.run_command(queue.ListQueue,
                                  ['-f', 'csv', '--quote', 'none'])
        self.assertIn('RUN\\\\x1b[2J', output)

    def test_wait_progress_line(self):
        self.requests.post(QUEUES, status_code=201,
                           json=oms_fixtures.queue(5, 'REQUEST',
                                                   instance=False))
        self.requests.get(QUEUES + '5/', [
            {'json': dict(oms_fixtures.queue(5, 'BOOT'),
                          status='BOOT\r\x1b[2KRUN')},
            {'json': oms_fixtures.queue(5, 'RUN')}])
        self.run_command(queue.CreateQueue, ['--wait'])
        stderr = self.app.stderr.getvalue()
        self.assert_safe(stderr)
        self.assertIn('Queue entry 5: BOOT\\x0d\\x1b[2KRUN (0s)\n', stderr)

    def test_error_message(self):
        self.requests.get(QUEUES + '1/', status_code=403,
                          json={'detail': 'Not \x1b[2Jallowed.\r'})
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.ShowQueue, ['1'])
        self.assertEqual('Unable to show queue entry 1: Not \\x1b[2J'
                         'allowed.\\x0d (HTTP 403)', str(error))

    def test_delete_error_log_line(self):
        self.requests.delete(QUEUES + '1/', status_code=409,
                             json={'detail': 'busy\x1b[2J'})
        self.assertRaises(osc_exc.CommandError, self.run_command,
                          queue.DeleteQueue, ['1'])
        self.assertIn('Failed to delete queue entry 1: busy\\x1b[2J',
                      self.log.output)
        self.assert_safe(self.log.output)


class TestNulls(fakes.TestCommand):

    def test_blank_in_tables_null_in_json(self):
        entry = oms_fixtures.queue(1, 'REQUEST', instance=False)
        entry['fault'] = None
        self.requests.get(QUEUES + '1/', json=entry)
        self.requests.get(QUEUES, json=[entry])
        for command, argv in ((queue.ShowQueue, ['1']),
                              (queue.ListQueue, ['--long'])):
            output = self.run_command(command, argv)
            self.assertNotIn('None', output)
        shown = self.run_json(queue.ShowQueue, ['1'])
        self.assertIsNone(shown['Instance'])
        self.assertIsNone(shown['Fault'])

    def test_empty_text_stays_empty_in_value_and_csv(self):
        entry = oms_fixtures.queue(1, 'RUN')
        entry['fault'] = ''
        self.requests.get(QUEUES, json=[entry])
        self.requests.get(QUEUES + '1/', json=entry)
        output = self.run_command(queue.ListQueue, [
            '-c', 'Fault', '-c', 'ID', '--long', '-f', 'value'])
        self.assertEqual('1 \n', output)
        output = self.run_command(queue.ShowQueue, [
            '1', '-c', 'Fault', '-f', 'value'])
        self.assertEqual('\n', output)
        output = self.run_command(queue.ListQueue, [
            '-c', 'Fault', '-c', 'ID', '--long', '-f', 'csv'])
        self.assertEqual('"ID","Fault"\n1,""\n', output)


class TestScriptFormats(fakes.TestCommand):
    """value, shell and csv print no Python; json and yaml keep types."""

    def test_show_value_and_shell(self):
        entry = oms_fixtures.queue(3, 'REQUEST', instance=False)
        entry.update(provider=None, image='cirros', fault=None,
                     extra={'a': 1, 'b': None, 'c': {'d': 'x'}},
                     tags=['web', 2, None])
        self.requests.get(QUEUES + '3/', json=entry)
        value = self.run_command(queue.ShowQueue, ['3', '-f', 'value'])
        self.assertNotIn('None', value)
        self.assertNotIn('{', value)
        self.assertIn("\na='1', b=, c.d='x'\n", value)
        self.assertIn('\nweb, 2, \n', value)
        shell = self.run_command(queue.ShowQueue,
                                 ['3', '-f', 'shell', '--prefix', 'q_'])
        self.assertIn('q_requested_provider=""\n', shell)
        self.assertIn('q_image="cirros"\n', shell)
        self.assertIn('q_extra="a=\'1\', b=, c.d=\'x\'"\n', shell)
        self.assertNotIn('None', shell)
        shown = self.run_json(queue.ShowQueue, ['3'])
        self.assertEqual({'a': 1, 'b': None, 'c': {'d': 'x'}},
                         shown['extra'])
        self.assertEqual(['web', 2, None], shown['tags'])
        self.assertIsNone(shown['Requested Provider'])

    def test_nested_instance_in_value(self):
        entry = oms_fixtures.queue(1, 'RUN')
        self.requests.get(QUEUES + '1/', json=entry)
        value = self.run_command(queue.ShowQueue,
                                 ['1', '-c', 'Instance', '-f', 'value'])
        self.assertIn("account.provider='conoha', ", value)
        self.assertIn("ip_addr='133.130.111.194'", value)
        self.assertNotIn('key_raw', value)
        self.assertEqual(1, len(value.splitlines()))

    def test_list_csv_and_value(self):
        entry = oms_fixtures.queue(1, 'REQUEST', instance=False)
        self.requests.get(QUEUES, json=[entry])
        output = self.run_command(queue.ListQueue, ['-f', 'csv'])
        self.assertEqual(1, output.count('\n1,"REQUEST","","",'), output)
        output = self.run_command(queue.ListQueue,
                                  ['-f', 'value', '-c', 'ID', '-c',
                                   'Provider', '-c', 'Status'])
        self.assertEqual('1 REQUEST \n', output)


class _NoneNamed(common.TextColumn):

    def human_readable(self):
        return self._value or '(none)'


class _ShowNames(common.ShowOne):

    def take_action(self, parsed_args):
        return ('name', 'note'), (_NoneNamed(''), '')


class TestTextColumn(fakes.TestCommand):

    def test_readable_text_but_in_json_and_yaml(self):
        outputs = dict(self.outputs(_ShowNames, []))
        self.assertEqual('name="(none)"\nnote=""\n', outputs['shell'])
        self.assertEqual('(none)\n\n', outputs['value'])
        self.assertIn('| name  | (none) |', outputs['table'])
        self.assertEqual({'name': '', 'note': ''},
                         yaml.safe_load(outputs['yaml']))
        self.assertEqual({'name': '', 'note': ''},
                         self.run_json(_ShowNames, []))


class TestColumns(fakes.TestCommand):

    def test_unknown_column_of_a_list(self):
        self.requests.get(QUEUES, json=[oms_fixtures.queue(1)])
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.ListQueue,
                                  ['-c', 'ID', '-c', 'nosuchfield'])
        self.assertEqual('Unknown column nosuchfield; the columns are: ID, '
                         'Status, Provider, IP Address, Registered',
                         str(error))

    def test_unknown_columns_of_show(self):
        self.requests.get(QUEUES + '1/', json=oms_fixtures.queue(1))
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.ShowQueue,
                                  ['1', '-c', 'x', '-c', 'y'])
        self.assertTrue(str(error).startswith(
            'Unknown columns x, y; the columns are: ID, Status, '))

    def test_columns_match_as_cliff_matches_them(self):
        self.requests.get(QUEUES, json=[oms_fixtures.queue(1)])
        rows = self.run_json(queue.ListQueue, ['-c', 'ip_address',
                                               '-c', 'ID'])
        self.assertEqual([{'ID': 1, 'IP Address': '133.130.111.194'}], rows)


class TestSecretArguments(fakes.TestCommand):

    def test_debug_log_masks_the_password(self):
        logger = self.useFixture(fixtures.FakeLogger(level=logging.DEBUG))
        self.requests.post(fakes.ACCOUNTS, status_code=201,
                           json=fakes.ACCOUNT)
        self.run_command(account.CreateAccount, [
            '--provider', 'conoha', '--password', 'S3CRET'])
        self.assertIn("password='***'", logger.output)
        self.assertIn("provider='conoha'", logger.output)
        self.assertNotIn('S3CRET', logger.output)
        # The request itself carries the password.
        self.assertEqual('S3CRET', self.calls('POST')[0].json()['password'])


class TestErrorBodies(fakes.TestCommand):

    BODIES = ({'error': {'message': {'a': [1, 2]}}}, {'detail': 5},
              {'error': {'message': None, 'title': ['x', 'y']}},
              {'error_message': {'faultstring': {'x': 1}}},
              {'message': 7.5}, {'error': 12}, ['a', {'b': 'c'}], 5)

    def test_show_and_delete_give_one_line(self):
        for body in self.BODIES:
            self.requests.get(QUEUES + '1/', status_code=400, json=body)
            self.requests.delete(QUEUES + '1/', status_code=400, json=body)
            error = self.assertRaises(osc_exc.CommandError,
                                      self.run_command, queue.ShowQueue,
                                      ['1'])
            message = str(error)
            self.assertTrue(message.startswith(
                'Unable to show queue entry 1: '), message)
            self.assertTrue(message.endswith(' (HTTP 400)'), message)
            self.assertEqual(1, len(message.splitlines()))
            self.assertRaises(osc_exc.CommandError, self.run_command,
                              queue.DeleteQueue, ['1'])
        self.assertNotIn('Logging error', self.log.output)
        self.assertNotIn('Traceback', self.log.output)


class TestRowBound(fakes.TestCommand):
    """Formats that keep every row stop at a bound; the others stream."""

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MonkeyPatch(
            'omsclient.osc.common.MAX_ROWS', 5))
        self.requests.get(QUEUES, json=[
            oms_fixtures.queue(queue_id, 'RUN', instance=False)
            for queue_id in range(1, 8)])

    def assert_bounded(self, argv, collector):
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.ListQueue, argv)
        self.assertEqual(
            'More than 5 rows: %s keeps every row before printing and '
            'stops there; use -f value, -f csv or -f json, which print the '
            'rows as they arrive, or --limit 5 or less' % collector,
            str(error))
        self.assertEqual('', self.app.stdout.getvalue())

    def test_table_and_yaml_stop_past_the_bound(self):
        self.assert_bounded([], '-f table')
        for name in ('table', 'yaml'):
            self.assert_bounded(['-f', name], '-f ' + name)

    def test_sorting_stops_past_the_bound(self):
        self.assert_bounded(['-f', 'value', '--sort-column', 'ID'],
                            '--sort-column')

    def test_json_prints_every_row(self):
        self.assertEqual(list(range(1, 8)), [
            row['ID'] for row in self.run_json(queue.ListQueue, [])])

    def test_json_writes_what_cliff_writes(self):
        hostile = hostile_entry(8)
        del hostile['note\x1b[2J']
        entries = [oms_fixtures.queue(queue_id, 'RUN')
                   for queue_id in range(1, 4)] + [hostile]
        cliffs = fixtures.MonkeyPatch(
            'omsclient.osc.common._StreamingJson.emit_list',
            json_format.JSONFormatter.emit_list)
        for body in (entries, entries[-1:], []):
            self.requests.get(QUEUES, json=body)
            for options in ([], ['--noindent']):
                argv = ['-f', 'json', '--long'] + options
                streamed = self.run_command(queue.ListQueue, argv)
                with cliffs:
                    kept = self.run_command(queue.ListQueue, argv)
                self.assertEqual(kept, streamed)
                self.assertEqual(len(body), len(json.loads(streamed)))

    def test_value_and_csv_print_every_row(self):
        output = self.run_command(queue.ListQueue, ['-f', 'value', '-c',
                                                    'ID'])
        self.assertEqual(''.join('%d\n' % n for n in range(1, 8)), output)
        output = self.run_command(queue.ListQueue, ['-f', 'csv', '-c',
                                                    'ID'])
        self.assertEqual(['"ID"'] + [str(n) for n in range(1, 8)],
                         output.splitlines())

    def test_rows_up_to_the_bound_make_a_table(self):
        output = self.run_command(queue.ListQueue, ['--limit', '5', '-c',
                                                    'ID'])
        self.assertEqual(5 + 4, len(output.splitlines()))
        self.assertEqual(
            [1, 2, 3, 4, 5],
            [row['ID'] for row in self.run_json(queue.ListQueue,
                                                ['--limit', '5'])])

    def test_streaming_formats_print_each_row_before_reading_the_next(
            self):
        test = self
        printed = []

        class Streamed(common.Lister):
            def take_action(self, parsed_args):
                return ('ID',), self.rows()

            def rows(self):
                for number in range(1, 8):
                    printed.append(len(test.app.stdout.getvalue()))
                    yield (number,)

        for argv in (['-f', 'value'], ['-f', 'csv'], ['-f', 'json'],
                     ['-f', 'json', '--noindent']):
            del printed[:]
            output = self.run_command(Streamed, argv)
            # Each row read was printed before the next one was read.
            self.assertEqual(sorted(set(printed)), printed)
            self.assertEqual(7, len(printed))
            self.assertIn('7', output)
