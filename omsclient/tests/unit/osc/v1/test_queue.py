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
import inspect
import io

from osc_lib import exceptions as osc_exc
import requests

from omsclient.osc.v1 import queue
from omsclient.tests.unit import fixtures as oms_fixtures
from omsclient.tests.unit.osc.v1 import fakes

QUEUES = fakes.QUEUES
ORIGINAL = oms_fixtures.ORIGINAL_QUEUE
KEY_MARK = 'PRIVATE KEY'


def entry(queue_id, status, **extra):
    data = oms_fixtures.queue(queue_id, status, instance=status == 'RUN')
    data.update(extra)
    return data


class TestCreateQueue(fakes.TestCommand):

    def test_no_option_sends_no_body(self):
        self.requests.post(QUEUES, status_code=201,
                           json=entry(5, 'REQUEST'))
        shown = self.run_json(queue.CreateQueue, [])
        (call,) = self.calls('POST')
        self.assertIsNone(call.body)
        self.assertEqual(5, shown['ID'])
        self.assertEqual('REQUEST', shown['Status'])
        self.assertIsNone(shown['Instance'])
        self.assertEqual(list(queue.constants.QUEUE_SHOW_COLUMNS),
                         list(shown))

    def test_options_are_sent(self):
        self.requests.post(QUEUES, status_code=201, json=entry(
            5, 'REQUEST', image='ubuntu', flavor='g-1gb', name='web',
            provider='conoha'))
        shown = self.run_json(queue.CreateQueue, [
            '--image', 'ubuntu', '--flavor', 'g-1gb', '--name', 'web',
            '--provider', 'conoha'])
        (call,) = self.calls('POST')
        self.assertEqual({'image': 'ubuntu', 'flavor': 'g-1gb',
                          'name': 'web', 'provider': 'conoha'},
                         call.json())
        self.assertEqual('conoha', shown['Requested Provider'])
        self.assertEqual('ubuntu', shown['Image'])

    def test_wait_until_running(self):
        self.requests.post(QUEUES, status_code=201,
                           json=entry(5, 'REQUEST'))
        self.requests.get(QUEUES + '5/', [
            {'json': entry(5, 'REQUEST')}, {'json': entry(5, 'RECIVE')},
            {'json': entry(5, 'RECIVE')}, {'json': entry(5, 'BOOT')},
            {'json': entry(5, 'RUN')}])
        output = self.run_command(queue.CreateQueue, ['--wait'])
        self.assertEqual(
            'Queue entry 5: REQUEST (0s)\n'
            'Queue entry 5: RECIVE (2s)\n'
            'Queue entry 5: BOOT (6s)\n'
            'Queue entry 5: RUN (8s)\n', self.app.stderr.getvalue())
        self.assertIn('| Status             | RUN ', output)
        self.assertIn('133.130.111.194', output)
        self.assertNotIn(KEY_MARK, output)
        self.assertNotIn(KEY_MARK, self.log.output)

    def test_wait_failed_shows_fault(self):
        self.requests.post(QUEUES, status_code=201,
                           json=entry(5, 'REQUEST'))
        self.requests.get(QUEUES + '5/', [
            {'json': entry(5, 'RECIVE')},
            {'json': entry(5, 'FAILED', fault='conoha: quota exceeded; '
                           'sakura: 503 Service Unavailable')}])
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.CreateQueue, ['--wait'])
        self.assertIn('Queue entry 5 is FAILED', str(error))
        self.assertIn('conoha: quota exceeded; sakura: 503', str(error))
        self.assertIn('Queue entry 5: FAILED (2s)',
                      self.app.stderr.getvalue())
        # The final entry is shown before the command fails.
        shown = self.app.stdout.getvalue()
        self.assertRegex(shown, r'\| Status +\| FAILED ')
        self.assertIn('conoha: quota exceeded', shown)

    def test_wait_failed_old_lower_case_status(self):
        self.requests.post(QUEUES, status_code=201,
                           json=entry(5, 'queueing'))
        self.requests.get(QUEUES + '5/', json=entry(5, 'failed'))
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.CreateQueue, ['--wait'])
        self.assertIn('is failed', str(error))

    def test_wait_old_lower_case_running_is_success(self):
        self.requests.post(QUEUES, status_code=201,
                           json=entry(5, 'queueing'))
        self.requests.get(QUEUES + '5/', [{'json': entry(5, 'booting')},
                                          {'json': entry(5, 'running')}])
        shown = self.run_json(queue.CreateQueue, ['--wait'])
        self.assertEqual('running', shown['Status'])

    def test_wait_timeout(self):
        self.requests.post(QUEUES, status_code=201,
                           json=entry(5, 'REQUEST'))
        self.requests.get(QUEUES + '5/', json=entry(5, 'BOOT'))
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.CreateQueue,
                                  ['--wait', '--timeout', '7'])
        self.assertEqual(
            'Queue entry 5: still BOOT after 7s (--timeout 7); the service '
            'goes on with it: openstack multistack queue show 5',
            str(error))
        self.assertEqual(7, sum(self.clock.sleeps))
        self.assertEqual('', self.app.stdout.getvalue())

    def test_wait_timeout_counts_the_time_of_the_request(self):
        def slow_answer(request, context):
            self.clock.sleep(3)
            context.status_code = 201
            return entry(5, 'REQUEST')
        self.requests.post(QUEUES, json=slow_answer)
        self.requests.get(QUEUES + '5/', json=entry(5, 'BOOT'))
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.CreateQueue,
                                  ['--wait', '--timeout', '7'])
        # The seconds shown are those of the command, the request's
        # included.
        self.assertIn('still BOOT after 7s (--timeout 7)', str(error))
        self.assertIn('Queue entry 5: REQUEST (3s)\n',
                      self.app.stderr.getvalue())
        self.assertEqual(7, sum(self.clock.sleeps))
        (post,) = [r for r in self.requests.request_history
                   if r.method == 'POST']
        self.assertEqual(7, post.timeout[1])

    def test_wait_interrupted_says_so_in_one_line(self):
        self.requests.post(QUEUES, status_code=201,
                           json=entry(5, 'REQUEST'))
        self.requests.get(QUEUES + '5/', [{'json': entry(5, 'BOOT')},
                                          {'exc': KeyboardInterrupt}])
        self.assertRaises(KeyboardInterrupt, self.run_command,
                          queue.CreateQueue, ['--wait'])
        self.assertEqual(
            'Queue entry 5: REQUEST (0s)\n'
            'Queue entry 5: BOOT (0s)\n'
            'Queue entry 5: stopped waiting (last seen BOOT); the service '
            'goes on with it: openstack multistack queue show 5\n',
            self.app.stderr.getvalue())
        self.assertEqual('', self.app.stdout.getvalue())

    def test_wait_service_gone_says_where_to_look(self):
        self.requests.post(QUEUES, status_code=201,
                           json=entry(5, 'REQUEST'))
        self.requests.get(QUEUES + '5/', [
            {'json': entry(5, 'BOOT')},
            {'exc': requests.exceptions.ConnectionError(
                'Failed to establish a new connection: [Errno 111] '
                'Connection refused')}])
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.CreateQueue, ['--wait'])
        self.assertEqual(
            'Queue entry 5: the service stopped answering while waiting '
            '(last seen BOOT): Unable to connect to http://oms.test: '
            'connection refused; it may still exist: once the service '
            'answers again, look with: openstack multistack queue show 5',
            str(error))
        self.assertEqual('', self.app.stdout.getvalue())

    def test_wait_service_unavailable_says_where_to_look(self):
        self.requests.post(QUEUES, status_code=201,
                           json=entry(5, 'REQUEST'))
        self.requests.get(QUEUES + '5/', status_code=503, text='')
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.CreateQueue, ['--wait'])
        self.assertIn('Queue entry 5: the service stopped answering while '
                      'waiting (last seen REQUEST): ', str(error))
        self.assertIn('look with: openstack multistack queue show 5',
                      str(error))

    def test_wait_error_answer_is_not_a_lost_service(self):
        self.requests.post(QUEUES, status_code=201,
                           json=entry(5, 'REQUEST'))
        self.requests.get(QUEUES + '5/', status_code=403,
                          json={'detail': 'Denied.'})
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.CreateQueue, ['--wait'])
        self.assertEqual('Unable to wait for queue entry 5: Denied. '
                         '(HTTP 403)', str(error))

    def test_no_wait_sends_no_get(self):
        self.requests.post(QUEUES, status_code=201,
                           json=entry(5, 'REQUEST'))
        self.run_command(queue.CreateQueue, ['--timeout', '5'])
        self.assertEqual([], self.calls('GET'))

    def test_bad_timeout(self):
        for value in ('0', '-3', 'soon'):
            stderr = self.assert_parse_error(queue.CreateQueue,
                                             ['--wait', '--timeout', value])
            self.assertIn('positive integer', stderr)
        self.assertEqual([], self.requests.request_history)

    def test_unknown_option(self):
        self.assert_parse_error(queue.CreateQueue, ['--count', '2'])

    def test_html_error_page(self):
        self.requests.post(QUEUES, status_code=500, text='<html>Server '
                           'Error</html>', headers={'Content-Type':
                                                    'text/html'})
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.CreateQueue, [])
        self.assertIn('Unable to create a queue entry', str(error))
        self.assertIn('HTML', str(error))
        self.assertNotIn('\n', str(error))

    def test_bad_request_shows_server_message(self):
        self.requests.post(QUEUES, status_code=400, json={
            'flavor': ['This field may not be null.']})
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.CreateQueue, ['--flavor', 'x'])
        self.assertIn('flavor: This field may not be null.', str(error))


class TestListQueue(fakes.TestCommand):

    def setUp(self):
        super().setUp()
        second = entry(2, 'FAILED', fault='no provider left')
        second['regist_datetime'] = '2016-08-09T11:29:34+09:00'
        self.entries = [copy.deepcopy(ORIGINAL), second]
        self.requests.get(QUEUES, json=self.entries)

    def take_action(self, argv):
        command = queue.ListQueue(self.app, None)
        parsed_args = command.get_parser('list').parse_args(argv)
        return command.take_action(parsed_args)

    def test_default_columns(self):
        columns, rows = self.take_action([])
        self.assertEqual(('ID', 'Status', 'Provider', 'IP Address',
                          'Registered'), columns)
        self.assertTrue(inspect.isgenerator(rows))
        rows = list(rows)
        self.assertEqual(2, len(rows))
        self.assertEqual((1, 'RUN', 'conoha', '133.130.111.194'),
                         rows[0][:4])
        self.assertEqual('2016-08-09 02:29:34 UTC',
                         rows[0][4].human_readable())
        self.assertEqual('2016-08-09 02:29:34 UTC',
                         rows[1][4].human_readable())
        self.assertEqual((2, None, None), (rows[1][0],) + rows[1][2:4])

    def test_long(self):
        listed = self.run_json(queue.ListQueue, ['--long'])
        self.assertEqual(['ID', 'Status', 'Provider', 'IP Address',
                          'Registered', 'Instance Name', 'Instance ID',
                          'Key Name', 'Region', 'Tenant', 'Fault',
                          'Flavor Chosen', 'Image Chosen'],
                         list(listed[0]))
        self.assertEqual({'ID': 1, 'Status': 'RUN', 'Provider': 'conoha',
                          'IP Address': '133.130.111.194',
                          'Registered': '2016-08-09T02:29:34.461432Z',
                          'Instance Name': '133-130-111-194',
                          'Instance ID':
                          'bec7c0ea-2262-4d73-aa6d-002d1e231103',
                          'Key Name': 'gShakAACHA', 'Region': 'tyo1',
                          'Tenant': 'gnct26543406', 'Fault': None,
                          'Flavor Chosen': None, 'Image Chosen': None},
                         listed[0])
        self.assertEqual('no provider left', listed[1]['Fault'])

    def test_requested_provider_shown_until_booted(self):
        self.requests.get(QUEUES, json=[entry(3, 'BOOT',
                                              provider='sakura')])
        (listed,) = self.run_json(queue.ListQueue, [])
        self.assertEqual('sakura', listed['Provider'])

    def test_value_format_streams_rows(self):
        output = self.run_command(queue.ListQueue, ['-f', 'value'])
        self.assertEqual(
            '1 RUN conoha 133.130.111.194 2016-08-09T02:29:34.461432Z\n'
            '2 FAILED   2016-08-09T11:29:34+09:00\n', output)

    def test_value_format_prints_rows_while_reading(self):
        body = oms_fixtures.GeneratedList(20000, template=ORIGINAL)
        self.requests.get(QUEUES, body=body)
        written_at = []

        class Recorder(io.StringIO):
            def write(self, text):
                written_at.append(body.consumed)
                return super().write(text)

        command = queue.ListQueue(self.app, None)
        parsed_args = command.get_parser('list').parse_args(['-f', 'value'])
        self.app.stdout = Recorder()
        command.run(parsed_args)
        lines = self.app.stdout.getvalue().splitlines()
        self.assertEqual(20000, len(lines))
        self.assertTrue(lines[-1].startswith('19999 RUN conoha '))
        # The first rows were printed long before the body was read.
        self.assertLess(written_at[0], body.size // 10)

    def test_truncated_list(self):
        self.requests.get(QUEUES, body=oms_fixtures.GeneratedList(
            5, template=ORIGINAL, cut_after=3))
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.ListQueue, ['-f', 'value'])
        self.assertIn('Unable to list queue entries: ', str(error))
        self.assertIn('truncated', str(error))
        self.assertEqual(3, len(self.app.stdout.getvalue().splitlines()))

    def test_column_selection(self):
        output = self.run_command(queue.ListQueue,
                                  ['-f', 'csv', '-c', 'ID', '-c', 'Status'])
        self.assertEqual('"ID","Status"\n1,"RUN"\n2,"FAILED"\n',
                         output.replace('\r\n', '\n'))

    def test_status_filter(self):
        listed = self.run_json(queue.ListQueue, ['--status', 'FAILED',
                                                 '--status', 'BOOT'])
        self.assertEqual([2], [e['ID'] for e in listed])
        (call,) = self.calls('GET')
        self.assertEqual(['failed', 'boot'], call.qs['status'])

    def test_provider_and_name_filters(self):
        # The original service ignores both: the client applies them too.
        self.requests.get(QUEUES, json=[
            entry(1, 'RUN'), entry(2, 'REQUEST', provider='sakura'),
            entry(3, 'REQUEST', name='web'),
            entry(4, 'REQUEST', provider='conoha', name='db')])
        listed = self.run_json(queue.ListQueue, ['--provider', 'conoha'])
        # Entry 1 runs on conoha; entry 4 asked for it.
        self.assertEqual([1, 4], [e['ID'] for e in listed])
        self.assertEqual(['conoha'], self.calls('GET')[-1].qs['provider'])
        listed = self.run_json(queue.ListQueue, ['--name', 'web'])
        self.assertEqual([3], [e['ID'] for e in listed])
        listed = self.run_json(queue.ListQueue, [
            '--name', '133-130-111-194', '--provider', 'conoha'])
        self.assertEqual([1], [e['ID'] for e in listed])
        self.assertEqual({'name': ['133-130-111-194'],
                          'provider': ['conoha']},
                         self.calls('GET')[-1].qs)

    def test_marker_not_found(self):
        self.requests.get(QUEUES, status_code=400, json={
            'marker': ['Marker 42 not found.']})
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.ListQueue, ['--marker', '42'])
        self.assertIn('Unable to list queue entries: ', str(error))
        self.assertIn('Marker 42 not found.', str(error))

    def test_limit_and_marker(self):
        listed = self.run_json(queue.ListQueue, ['--limit', '1',
                                                 '--marker', '1'])
        self.assertEqual([2], [e['ID'] for e in listed])
        call = self.calls('GET')[0]
        self.assertEqual(['1'], call.qs['limit'])
        self.assertEqual(['1'], call.qs['marker'])

    def test_empty(self):
        self.requests.get(QUEUES, json=[])
        self.assertEqual([], self.run_json(queue.ListQueue, []))

    def test_connection_refused_before_any_output(self):
        self.requests.get(QUEUES, exc=requests.exceptions.ConnectionError(
            'Connection refused'))
        command = queue.ListQueue(self.app, None)
        parsed_args = command.get_parser('list').parse_args([])
        error = self.assertRaises(osc_exc.CommandError,
                                  command.take_action, parsed_args)
        self.assertIn('Unable to list queue entries', str(error))
        self.assertEqual('', self.app.stdout.getvalue())

    def test_no_secret_in_any_format(self):
        for name, output in self.outputs(queue.ListQueue, ['--long'],
                                         fakes.LIST_FORMATS):
            self.assertIn('gShakAACHA', output, name)
            self.assertNotIn(KEY_MARK, output, name)
        self.assertNotIn(KEY_MARK, self.log.output)


class TestShowQueue(fakes.TestCommand):

    def test_original_entry(self):
        self.requests.get(QUEUES + '1/', json=ORIGINAL)
        shown = self.run_json(queue.ShowQueue, ['1'])
        expected_instance = copy.deepcopy(ORIGINAL['instance'])
        del expected_instance['key_raw']
        self.assertEqual(expected_instance, shown['Instance'])
        self.assertEqual('RUN', shown['Status'])
        self.assertEqual('2016-08-09T02:29:34.461432Z', shown['Registered'])
        self.assertEqual('conoha', shown['Provider'])

    def test_table(self):
        self.requests.get(QUEUES + '1/', json=ORIGINAL)
        output = self.run_command(queue.ShowQueue, ['1'])
        self.assertIn('2016-08-09 02:29:34 UTC', output)
        self.assertIn('133-130-111-194 (133.130.111.194) on conoha/tyo1 '
                      '(gnct26543406)', output)

    def test_fields_of_a_newer_service_are_shown(self):
        self.requests.get(QUEUES + '1/', json=dict(
            ORIGINAL, zone='az1', tags=['a', 'b'],
            updated_datetime='2016-08-09T02:31:00Z'))
        shown = self.run_json(queue.ShowQueue, ['1'])
        self.assertEqual('az1', shown['zone'])
        self.assertEqual(['a', 'b'], shown['tags'])
        self.assertEqual('2016-08-09T02:31:00Z', shown['Updated'])

    def test_no_secret_in_any_format(self):
        self.requests.get(QUEUES + '1/', json=ORIGINAL)
        for name, output in self.outputs(queue.ShowQueue, ['1']):
            self.assertIn('133.130.111.194', output, name)
            self.assertNotIn(KEY_MARK, output, name)
        self.assertNotIn(KEY_MARK, self.log.output)

    def test_not_found(self):
        self.requests.get(QUEUES + '99/', status_code=404,
                          json=oms_fixtures.NOT_FOUND)
        self.requests.get(QUEUES, json=[entry(1, 'RUN')])
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.ShowQueue, ['99'])
        self.assertEqual("Unable to show queue entry 99: No queue entry "
                         "with ID or name '99' (HTTP 404)", str(error))

    def test_by_name(self):
        named = entry(2, 'REQUEST', name='web-1')
        self.requests.get(QUEUES, json=[entry(1, 'RUN'), named])
        shown = self.run_json(queue.ShowQueue, ['web-1'])
        self.assertEqual(2, shown['ID'])

    def test_by_instance_name(self):
        booted = entry(2, 'RUN')
        booted['instance']['name'] = 'oms-2'
        self.requests.get(QUEUES, json=[entry(1, 'RUN'), booted])
        shown = self.run_json(queue.ShowQueue, ['oms-2'])
        self.assertEqual(2, shown['ID'])

    def test_wrong_service_says_which_answered(self):
        # The metering API's port given for the multistack API.
        self.requests.get(QUEUES, status_code=404, json={'detail': 'x'})
        self.requests.get(fakes.API + '/', status_code=404,
                          json={'detail': 'x'})
        self.requests.get(fakes.ENDPOINT + '/', json={'versions': {
            'values': [{'id': 'v2', 'status': 'stable'}]}})
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.ListQueue, [])
        self.assertEqual(
            'GET http://oms.test/api/queues/ answered 404: '
            'http://oms.test is the metering API, not the multistack API: '
            'give the URL of the multistack API (for example '
            'http://127.0.0.1:8765) with --os-endpoint or '
            'multistack_endpoint_override in clouds.yaml', str(error))

    def test_unknown_service_says_so(self):
        self.requests.get(QUEUES + '3/', status_code=404, text='nope')
        self.requests.get(QUEUES, status_code=404, text='nope')
        self.requests.get(fakes.API + '/', status_code=404, text='nope')
        self.requests.get(fakes.ENDPOINT + '/', text='<html></html>')
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.ShowQueue, ['3'])
        self.assertIn(
            'answered 404: http://oms.test does not look like the '
            'multistack API (GET http://oms.test/api/ did not answer as it '
            'does)', str(error))

    def test_id_required(self):
        self.assert_parse_error(queue.ShowQueue, [])


class TestDeleteQueue(fakes.TestCommand):

    def test_delete_several_by_id_or_name(self):
        # A name is looked up as show looks it up; an ID is not.
        named = dict(entry(7, 'RUN'), name='web-1')
        self.requests.get(QUEUES, json=[entry(6, 'RUN'), named])
        for queue_id in (1, 7, 2):
            self.requests.delete(QUEUES + '%d/' % queue_id, status_code=204)
        self.assertEqual('', self.run_command(queue.DeleteQueue,
                                              ['1', 'web-1', '2']))
        self.assertEqual(['/api/queues/1/', '/api/queues/7/',
                          '/api/queues/2/'],
                         [c.path for c in self.calls('DELETE')])
        self.assertEqual(1, len(self.calls('GET')))

    def test_delete_by_a_name_nobody_has(self):
        self.requests.get(QUEUES, json=[entry(6, 'RUN')])
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.DeleteQueue, ['web-9'])
        self.assertEqual('1 of 1 queue entries failed to delete',
                         str(error))
        self.assertEqual([], self.calls('DELETE'))
        self.assertIn("No queue entry with ID or name 'web-9'",
                      self.log.output)

    def test_partial_failure_goes_on(self):
        self.requests.delete(QUEUES + '1/', status_code=204)
        self.requests.delete(QUEUES + '99/', status_code=404,
                             json=oms_fixtures.NOT_FOUND)
        self.requests.delete(QUEUES + '2/', status_code=204)
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.DeleteQueue, ['1', '99', '2'])
        self.assertEqual('1 of 3 queue entries failed to delete',
                         str(error))
        self.assertEqual(3, len(self.calls('DELETE')))
        self.assertIn('Failed to delete queue entry 99: Not found. '
                      '(HTTP 404)', self.log.output)

    def test_wait_until_gone(self):
        self.requests.delete(QUEUES + '1/', status_code=204)
        self.requests.get(QUEUES + '1/', [
            {'json': entry(1, 'DESTROY')}, {'json': entry(1, 'DESTROY')},
            {'status_code': 404, 'json': oms_fixtures.NOT_FOUND}])
        self.run_command(queue.DeleteQueue, ['1', '--wait'])
        self.assertEqual('Queue entry 1: DESTROY (0s)\n'
                         'Queue entry 1: deleted (4s)\n',
                         self.app.stderr.getvalue())

    def test_wait_interrupted_before_first_answer(self):
        self.requests.delete(QUEUES + '1/', status_code=204)
        self.requests.get(QUEUES + '1/', exc=KeyboardInterrupt)
        self.assertRaises(KeyboardInterrupt, self.run_command,
                          queue.DeleteQueue, ['1', '--wait'])
        self.assertEqual(
            'Queue entry 1: stopped waiting; the service goes on with it: '
            'openstack multistack queue show 1\n',
            self.app.stderr.getvalue())

    def test_wait_timeout_counts_as_failure(self):
        self.requests.delete(QUEUES + '1/', status_code=204)
        self.requests.get(QUEUES + '1/', json=entry(1, 'DESTROY'))
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  queue.DeleteQueue,
                                  ['1', '--wait', '--timeout', '3'])
        self.assertEqual('1 of 1 queue entries failed to delete',
                         str(error))
        self.assertIn('Failed to delete queue entry 1: Queue entry 1: '
                      'still DESTROY after 3s (--timeout 3); the service '
                      'goes on with it: openstack multistack queue show 1',
                      self.log.output)

    def test_wait_service_gone_says_it_may_still_exist(self):
        self.requests.delete(QUEUES + '1/', status_code=204)
        self.requests.get(QUEUES + '1/', [
            {'json': entry(1, 'DESTROY')},
            {'exc': requests.exceptions.ConnectTimeout}])
        self.assertRaises(osc_exc.CommandError, self.run_command,
                          queue.DeleteQueue, ['1', '--wait'])
        self.assertIn('Failed to delete queue entry 1: Queue entry 1: the '
                      'service stopped answering while waiting (last seen '
                      'DESTROY): Unable to connect to http://oms.test',
                      self.log.output)
        self.assertIn('it may still exist: once the service answers again, '
                      'look with: openstack multistack queue show 1',
                      self.log.output)

    def test_method_not_allowed(self):
        self.requests.delete(QUEUES + '1/', status_code=405, json={
            'detail': 'Method "DELETE" not allowed.'})
        self.assertRaises(osc_exc.CommandError, self.run_command,
                          queue.DeleteQueue, ['1'])
        self.assertIn('Method "DELETE" not allowed. (HTTP 405)',
                      self.log.output)

    def test_id_required(self):
        self.assert_parse_error(queue.DeleteQueue, ['--wait'])


class TestRequirements(fakes.TestCommand):

    CHOSEN = oms_fixtures.CHOSEN_QUEUE

    def use_root(self, root=oms_fixtures.REFERENCE_ROOT):
        self.requests.get(fakes.API + '/', json=root)

    def test_sent_and_shown(self):
        self.use_root()
        self.requests.post(QUEUES, status_code=201, json=self.CHOSEN)
        shown = self.run_json(queue.CreateQueue, [
            '--min-ram', '4096', '--min-vcpus', '0', '--min-disk', '20',
            '--image-property', 'os_distro=ubuntu',
            '--image-property', 'os_version=22.04=lts'])
        self.assertEqual({'min_ram': 4096, 'min_vcpus': 0, 'min_disk': 20,
                          'image_properties': {'os_distro': 'ubuntu',
                                               'os_version': '22.04=lts'}},
                         self.calls('POST')[0].json())
        self.assertEqual(
            (4096, None, 20, {'os_distro': 'ubuntu'},
             {'id': '3', 'name': 'm1.medium'},
             {'id': '9f2c', 'name': 'ubuntu-22.04'}, self.CHOSEN['skipped']),
            tuple(shown[column] for column in (
                'Min RAM', 'Min vCPUs', 'Min Disk', 'Image Properties',
                'Flavor Chosen', 'Image Chosen', 'Skipped')))

    def test_table(self):
        skipped = [dict(self.CHOSEN['skipped'][0]),
                   {'provider': 'c', 'reason': 'quota',
                    'detail': 'instances 10 of 10 used'}]
        self.requests.get(QUEUES + '7/', json=dict(self.CHOSEN,
                                                   skipped=skipped))
        output = self.run_command(queue.ShowQueue, ['7'])
        for text in ("| Image Properties   | os_distro='ubuntu'",
                     '| Flavor Chosen      | m1.medium (3)',
                     '| Image Chosen       | ubuntu-22.04 (9f2c)',
                     '| Skipped            | b: no_flavor (no public flavor '
                     'with at least 4096 MB RAM) |',
                     '|                    | c: quota (instances 10 of 10 '
                     'used)'):
            self.assertIn(text, output)

    def test_control_characters_are_escaped(self):
        self.requests.get(QUEUES + '7/', json=dict(
            self.CHOSEN, image_properties={'os_distro': 'u\x1b[2J'},
            skipped=[{'provider': 'b\x1b]0;x\x07', 'reason': 'failed',
                      'detail': 'ERROR\x1b[31m'}]))
        for name, output in self.outputs(queue.ShowQueue, ['7']):
            self.assertNotIn('\x1b', output, name)

    def test_original_server_creates_nothing(self):
        self.use_root(oms_fixtures.ORIGINAL_ROOT)
        for argv, option in ((['--min-ram', '4096'], '--min-ram'),
                             (['--min-disk', '1', '--min-vcpus', '1'],
                              '--min-vcpus'),
                             (['--image-property', 'os_distro=ubuntu'],
                              '--image-property')):
            error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                      queue.CreateQueue, argv + ['--wait'])
            self.assertEqual(
                'the OpenMultiStack service at http://oms.test/api does not '
                'support %s (it has no requirement-based choice)' % option,
                str(error))
        self.assertEqual([], self.calls('POST'))

    def test_bad_values_are_refused_before_any_request(self):
        for argv, message in (
                (['--min-ram', '-1'], "Invalid --min-ram: '-1' is not a "
                 "whole number from 0 to 2147483647"),
                (['--min-vcpus', '2147483648'], 'Invalid --min-vcpus'),
                (['--min-disk', '1.5'], "Invalid --min-disk: '1.5'"),
                (['--min-ram', 'lots'], "Invalid --min-ram: 'lots'"),
                (['--image-property', 'os_distro'],
                 "Invalid --image-property 'os_distro': expected "
                 "KEY=VALUE, e.g. os_distro=ubuntu"),
                (['--image-property', 'os distro=ubuntu'],
                 "Invalid --image-property key 'os distro'"),
                (['--image-property', '=ubuntu'],
                 "Invalid --image-property key ''"),
                (['--image-property', 'os_distro='],
                 "Invalid --image-property value '' of os_distro"),
                (['--image-property', 'os_distro=a\x1b[2Jb'],
                 "Invalid --image-property value 'a\\x1b[2Jb'"),
                (sum((['--image-property', 'k%d=v' % i]
                      for i in range(21)), []),
                 'Invalid --image-property: 21 properties given, at most '
                 '20 are taken')):
            error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                      queue.CreateQueue, argv)
            self.assertIn(message, str(error))
            self.assertEqual(1, len(str(error).splitlines()))
            self.assertNotIn('\x1b', str(error))
        self.assertEqual([], self.requests.request_history)

    def test_help_names_the_options(self):
        command = queue.CreateQueue(self.app, None)
        text = command.get_parser('openstack multistack queue create') \
            .format_help()
        for option in ('--min-ram <mb>', '--min-vcpus <count>',
                       '--min-disk <gb>', '--image-property <key=value>'):
            self.assertIn(option, text)
