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

import re

from keystoneauth1 import session as ksa_session
from osc_lib import exceptions as osc_exc
import requests

from omsclient.common import formatters as fmt
from omsclient.metering import client
from omsclient.metering import rabbit as metering_rabbit
from omsclient.osc.metering import common
from omsclient.osc.metering import rabbit
from omsclient.tests.unit import fixtures as unit_fixtures
from omsclient.tests.unit.metering import base
from omsclient.tests.unit.metering import fixtures
from omsclient.tests.unit.osc.metering import fakes


class TestShowRabbit(fakes.TestCommand):

    def setUp(self):
        super().setUp()
        self.mock_item('overview')

    def test_table_is_readable(self):
        out = self.run_command(rabbit.ShowRabbit, [])
        self.assertIn('| messages: 873 (6.8/s)', out)
        self.assertIn('| messages_unacknowledged: 10 (0/s)', out)
        self.assertIn('| publish: 1320 (10.2/s)', out)
        self.assertIn('| amqp 127.0.0.1:5672', out)
        self.assertIn('| clustering [::]:25672', out)
        self.assertIn('| direct, fanout, headers, topic', out)
        self.assertIn('| connections: 2 ', out)
        self.assertIn('| queues: 3 ', out)
        self.assertIn('| rabbit@controller', out)
        self.assertNotIn('_details', out)

    def test_json_is_exact(self):
        shown = self.run_json(rabbit.ShowRabbit, [])
        self.assertEqual({common.title(key): value
                          for key, value in fixtures.OVERVIEW.items()},
                         shown)
        self.assertEqual(fixtures.OVERVIEW['object_totals'],
                         shown['Object Totals'])
        self.assertEqual('3.10.8', shown['RabbitMQ Version'])

    def test_rabbitmq_3_2_overview(self):
        self.mock_item('overview', fixtures.LEGACY_OVERVIEW)
        out = self.run_command(rabbit.ShowRabbit, [])
        self.assertIn('| publish: 115027 (0.6/s)', out)
        self.assertIn('| amqp [::]:5672', out)
        self.assertIn('| Statistics Level ', out)
        self.assertEqual(fixtures.LEGACY_OVERVIEW['message_stats'],
                         self.run_json(rabbit.ShowRabbit,
                                       [])['Message Stats'])

    def test_columns(self):
        shown = self.run_json(rabbit.ShowRabbit,
                              ['-c', 'rabbitmq_version', '-c',
                               'object_totals'])
        self.assertEqual({'RabbitMQ Version': '3.10.8',
                          'Object Totals': fixtures.OVERVIEW[
                              'object_totals']}, shown)

    def test_dotted_columns_as_list_takes_them(self):
        rate = fixtures.OVERVIEW['message_stats']['publish_details']['rate']
        for name in ('message_stats.publish_details.rate',
                     'Message Stats Publish Rate'):
            shown = self.run_json(rabbit.ShowRabbit, ['-c', name])
            self.assertEqual({'Message Stats Publish Rate': rate}, shown)
        out = self.run_command(rabbit.ShowRabbit, [
            '-c', 'message_stats.publish_details.rate', '-c', 'node',
            '-f', 'value'])
        self.assertEqual('rabbit@controller\n%s\n' % rate, out)

    def test_columns_match_without_case(self):
        for name in ('RABBITMQ_VERSION', 'rabbitmq version',
                     'RabbitMQ Version'):
            out = self.run_command(rabbit.ShowRabbit,
                                   ['-c', name, '-f', 'shell'])
            self.assertEqual('rabbitmq_version="3.10.8"\n', out)


class TestListRabbit(fakes.TestCommand):

    def test_queues_default_columns(self):
        self.mock_item('queues')
        rows = self.run_json(rabbit.ListRabbit, ['queues'])
        self.assertEqual(
            {'Name': 'compute.vm', 'VHost': '/', 'Messages': 434,
             'Messages Ready': 429, 'Messages Unacknowledged': 5,
             'Consumers': 1, 'State': 'running'}, rows[0])
        self.assertEqual(['compute.vm', 'notifications.info', 'scheduler'],
                         [row['Name'] for row in rows])

    def test_one_column_whatever_its_case(self):
        self.mock_item('queues')
        for argv in (['-c', 'Name'], ['-c', 'name'], ['-c', 'NAME', '-c',
                                                      'name']):
            out = self.run_command(rabbit.ListRabbit,
                                   ['queues', '-f', 'csv'] + argv)
            self.assertEqual('"Name"\n"compute.vm"\n"notifications.info"'
                             '\n"scheduler"\n', out)
        rows = self.run_json(rabbit.ListRabbit, [
            'queues', '-c', 'messages_ready', '-c', 'Messages Rate'])
        self.assertEqual({'Messages Ready': 429, 'Messages Rate': 3.4},
                         rows[0])

    def test_queues_long(self):
        self.mock_item('queues')
        rows = self.run_json(rabbit.ListRabbit, ['queues', '--long'])
        self.assertEqual(3.4, rows[0]['Messages Rate'])
        self.assertEqual(3.4, rows[2]['Message Stats Ack Rate'])
        self.assertEqual(1115904, rows[0]['Memory'])
        out = self.run_command(rabbit.ListRabbit, ['queues', '--long'])
        self.assertIn('3.4/s', out)
        self.assertIn('1.1 MiB', out)

    def test_nodes_table(self):
        self.mock_item('nodes')
        out = self.run_command(rabbit.ListRabbit, ['nodes'])
        header = out.splitlines()[1]
        for name in ('Name', 'Running', 'Memory Used', 'Memory Limit',
                     'Disk Free', 'FD Used', 'FD Total', 'Uptime'):
            self.assertIn(' %s ' % name, header)
        node = fixtures.NODES[0]
        self.assertIn('%.1f MiB' % (node['mem_used'] / 2 ** 20), out)
        self.assertIn('%.1f GiB' % (node['mem_limit'] / 2 ** 30), out)
        self.assertIn('7h 49m 37s', out)
        # The stopped node of the cluster sends only a few keys.
        self.assertIn('rabbit@controller2', out)

    def test_users_never_show_the_hash_unless_asked(self):
        self.mock_item('users')
        for argv in (['users'], ['users', '--long'],
                     ['users', '-f', 'json'],
                     ['users', '--long', '-f', 'yaml']):
            out = self.run_command(rabbit.ListRabbit, argv)
            self.assertIn('ceilometer', out)
            self.assertIsNone(re.search(r'\bpassword_hash\b', out))
            for user in fixtures.USERS:
                self.assertNotIn(user['password_hash'], out)

    def test_users_hash_never_shown_even_asked_for(self):
        self.mock_item('users')
        error = self.assertRaises(
            osc_exc.CommandError, self.run_json, rabbit.ListRabbit,
            ['users', '-c', 'name', '-c', 'password_hash'])
        self.assertEqual('Unknown column password_hash; the columns are: '
                         'Name, Tags, Hashing Algorithm, Limits',
                         str(error))

    def test_unknown_column_lists_the_known_ones(self):
        self.mock_item('queues')
        error = self.assertRaises(
            osc_exc.CommandError, self.run_command, rabbit.ListRabbit,
            ['queues', '-c', 'name', '-c', 'nosuchfield'])
        message = str(error)
        self.assertTrue(message.startswith(
            'Unknown column nosuchfield; the columns are: Name, VHost, '),
            message)
        # The long columns and the fields of the first record.
        self.assertIn(' Consumer Utilisation, ', message)
        self.assertIn(' Message Stats Publish Rate, ', message)
        self.assertIn(' Message Bytes', message)
        self.assertEqual(1, len(message.splitlines()))

    def test_long_column_without_long(self):
        self.mock_item('queues')
        rows = self.run_json(rabbit.ListRabbit,
                             ['queues', '-c', 'name', '-c', 'memory'])
        self.assertEqual({'Name': 'compute.vm', 'Memory': 1115904}, rows[0])
        out = self.run_command(rabbit.ListRabbit,
                               ['queues', '-c', 'name', '-c', 'memory'])
        self.assertIn('1.1 MiB', out)

    def test_secrets_nested_anywhere_are_hidden(self):
        users = [{'name': 'guest', 'tags': [], 'password': 'PW1',
                  'limits': {'key_raw': 'KEY2', 'max': 1},
                  'extra': [{'token': 'TOK3'}]}]
        self.mock_item('users', users)
        for argv in (['users', '--long'],
                     ['users', '-c', 'name', '-c', 'extra'],
                     ['users', '--long', '-f', 'json'],
                     ['users', '--long', '-f', 'value']):
            out = self.run_command(rabbit.ListRabbit, argv)
            self.assertIn('guest', out)
            for secret in ('PW1', 'KEY2', 'TOK3'):
                self.assertNotIn(secret, out)
        record = next(iter(self.client.rabbit.list('users')))
        for secret in ('PW1', 'KEY2', 'TOK3'):
            self.assertNotIn(secret, repr(record))
        self.assertEqual('PW1', record.password)

    def test_tags_of_old_and_new_brokers(self):
        self.mock_item('users')
        out = self.run_command(rabbit.ListRabbit, ['users'])
        self.assertIn('| guest      | administrator |', out)
        self.mock_item('users', fixtures.LEGACY_USERS)
        rows = self.run_json(rabbit.ListRabbit, ['users'])
        self.assertEqual([{'Name': 'guest', 'Tags': 'administrator'}], rows)

    def test_any_field_with_explicit_column(self):
        self.mock_item('connections')
        rows = self.run_json(rabbit.ListRabbit,
                             ['connections', '-c', 'name', '-c',
                              'client_properties.product_version'])
        self.assertEqual('5.4.2',
                         rows[0]['Client Properties Product Version'])

    def test_default_exchange_is_named_but_in_json_and_yaml(self):
        self.mock_item('exchanges')
        self.assertIn('(AMQP default)',
                      self.run_command(rabbit.ListRabbit, ['exchanges']))
        rows = self.run_json(rabbit.ListRabbit, ['exchanges'])
        self.assertEqual('', rows[0]['Name'])
        self.assertIn("- Name: ''\n", self.run_command(
            rabbit.ListRabbit, ['exchanges', '-c', 'name', '-f', 'yaml']))
        for formatter, line in (('value', '(AMQP default) direct'),
                                ('csv', '"(AMQP default)","direct"')):
            output = self.run_command(
                rabbit.ListRabbit,
                ['exchanges', '-f', formatter, '-c', 'name', '-c', 'type'])
            self.assertIn(line + '\n', output, formatter)

    def test_default_exchange_as_a_binding_source(self):
        self.mock_item('bindings', [{'source': '', 'destination': 'q'}])
        output = self.run_command(rabbit.ListRabbit, [
            'bindings', '-f', 'value', '-c', 'source', '-c', 'destination'])
        self.assertEqual('(AMQP default) q\n', output)

    def test_arguments_as_every_openstack_command_shows_them(self):
        self.mock_item('queues', [{
            'name': 'q', 'arguments': {'x-max-length': 10000,
                                       'x-queue-type': 'classic'}}])
        out = self.run_command(rabbit.ListRabbit,
                               ['queues', '-c', 'name', '-c', 'arguments'])
        self.assertIn("| x-max-length='10000', x-queue-type='classic' |",
                      out)
        out = self.run_command(rabbit.ListRabbit, [
            'queues', '--long', '-f', 'csv', '-c', 'arguments'])
        self.assertEqual('"Arguments"\n'
                         '"x-max-length=\'10000\', x-queue-type=\'classic\'"'
                         '\n', out)
        rows = self.run_json(rabbit.ListRabbit, ['queues', '-c', 'arguments'])
        self.assertEqual({'x-max-length': 10000, 'x-queue-type': 'classic'},
                         rows[0]['Arguments'])

    def test_absent_and_null_values_are_blank(self):
        self.mock_item('queues', [{'name': 'q', 'policy': None,
                                   'message_stats': {'ack': 1}}])
        out = self.run_command(rabbit.ListRabbit, ['queues', '--long'])
        self.assertNotIn('None', out)
        rows = self.run_json(rabbit.ListRabbit, ['queues', '--long'])
        self.assertIsNone(rows[0]['Policy'])
        self.assertIsNone(rows[0]['Message Stats Ack Rate'])

    def test_every_item_lists(self):
        self.assertEqual(sorted(metering_rabbit.LIST_ITEMS),
                         sorted(rabbit.LIST_COLUMNS))
        for item, (default, _long) in rabbit.LIST_COLUMNS.items():
            self.mock_item(item)
            rows = self.run_json(rabbit.ListRabbit, [item])
            self.assertEqual(len(fixtures.ITEMS[item]), len(rows))
            paths = [path for path, _column in default]
            self.assertEqual([common.title(path) for path in paths],
                             list(rows[0]))
            self.assertEqual(
                fmt.get_path(fixtures.ITEMS[item][-1], paths[1]),
                rows[-1][common.title(paths[1])])

    def test_limit_stops_reading(self):
        body = unit_fixtures.GeneratedList(
            500, make=lambda i: dict(fixtures.QUEUES[0], name='q%d' % i))
        self.requests.get(base.RABBIT + 'queues', body=body)
        rows = self.run_json(rabbit.ListRabbit, ['queues', '--limit', '2'])
        self.assertEqual(['q0', 'q1'], [row['Name'] for row in rows])
        self.assertLess(body.consumed, body.size // 4)

    def test_marker_and_limit(self):
        self.mock_item('queues')
        names = [queue['name'] for queue in fixtures.QUEUES]
        rows = self.run_json(rabbit.ListRabbit,
                             ['queues', '--marker', names[0]])
        self.assertEqual(names[1:], [row['Name'] for row in rows])
        rows = self.run_json(rabbit.ListRabbit, [
            'queues', '--marker', names[0], '--limit', '1'])
        self.assertEqual(names[1:2], [row['Name'] for row in rows])
        rows = self.run_json(rabbit.ListRabbit, ['queues', '--limit', '-1'])
        self.assertEqual(names, [row['Name'] for row in rows])
        self.assertEqual([], self.run_json(rabbit.ListRabbit, [
            'queues', '--marker', names[-1]]))

    def test_consumers_page_by_tag(self):
        self.mock_item('consumers', [
            {'consumer_tag': 'c%d' % i, 'queue': {'name': 'q'}}
            for i in range(3)])
        out = self.run_command(rabbit.ListRabbit, [
            'consumers', '--marker', 'c0', '-f', 'value', '-c',
            'consumer_tag'])
        self.assertEqual('c1\nc2\n', out)

    def test_value_format_streams_rows(self):
        self.mock_item('channels')
        out = self.run_command(rabbit.ListRabbit,
                               ['channels', '-f', 'value', '-c', 'name'])
        self.assertEqual([channel['name'] for channel in fixtures.CHANNELS],
                         out.splitlines())


class TestListRabbitErrors(fakes.TestCommand):

    def assert_error(self, argv, *parts):
        command, parsed_args = self.parse(rabbit.ListRabbit, argv)
        error = self.assertRaises(osc_exc.CommandError, command.run,
                                  parsed_args)
        for part in parts:
            self.assertIn(part, str(error))
        self.assertNotIn('\n', str(error))
        self.assertEqual('', self.app.stdout.getvalue())
        return error

    def test_unknown_item(self):
        self.assert_error(['bindingz'], "'bindingz'", 'queues, users')
        self.assertEqual([], self.requests.request_history)

    def test_marker_not_found(self):
        self.mock_item('queues')
        self.assert_error(['queues', '--marker', 'nosuch\x1b'],
                          'Marker nosuch\\x1b not found among the RabbitMQ '
                          'queues')

    def test_marker_of_items_without_names(self):
        for item in ('bindings', 'permissions'):
            self.assert_error([item, '--marker', 'x'], '--marker applies to',
                              'queues', 'consumers')
        self.assertEqual([], self.requests.request_history)

    def test_overview_is_not_a_list(self):
        self.assert_error(['overview'], 'metric rabbit show')
        self.assertEqual([], self.requests.request_history)

    def test_rabbitmq_down_behind_the_api(self):
        self.mock_item('queues', status_code=503, json={
            'error_message': {'faultstring': 'Connection refused'}})
        self.assert_error(['queues'], 'Unable to list RabbitMQ queues',
                          'RabbitMQ or its management API is not reachable',
                          'HTTP 503', 'Connection refused')

    def test_multistack_endpoint_is_named(self):
        # The multistack API's port given for the metering API.
        self.mock_item('queues', status_code=404, json={'detail': 'x'})
        self.requests.get(base.METERING + '/', status_code=404,
                          json={'detail': 'x'})
        self.requests.get(base.METERING + '/api/',
                          json={'queues': base.METERING + '/api/queues/'})
        error = self.assert_error(['queues'])
        self.assertEqual(
            'GET http://metering.test:8777/v2/rabbit/queues answered 404: '
            'http://metering.test:8777 is the multistack API, not the '
            'metering API: give the URL of the metering API (for example '
            'http://127.0.0.1:8777) with --os-endpoint or '
            'metering_endpoint_override in clouds.yaml', str(error))

    def test_not_found_from_the_metering_api_is_kept(self):
        self.mock_item('queues', status_code=404, json={
            'error_message': {'faultstring': 'No such item'}})
        self.requests.get(base.METERING + '/', json={'versions': {
            'values': [{'id': 'v2', 'status': 'stable'}]}})
        error = self.assert_error(['queues'])
        self.assertEqual('Unable to list RabbitMQ queues: No such item '
                         '(HTTP 404)', str(error))

    def test_not_acceptable_is_explained(self):
        self.mock_item('users', status_code=406, text='')
        self.assert_error(['users'], '406 Not Acceptable',
                          'pre-serialised', "@expose('json')")

    def test_endpoint_missing_from_catalog(self):
        self.mock_keystone()
        self.app.client_manager.oms_metering = client.Client(
            session=self.keystone_session(), region_name='RegionNine')
        self.assert_error(['queues'], "No 'metering' endpoint",
                          '--os-endpoint', 'metering_endpoint_override')

    def test_endpoint_unknown_without_keystone(self):
        self.app.client_manager.oms_metering = client.Client(
            session=ksa_session.Session(), endpoint=lambda: None)
        self.assert_error(['nodes'], '--os-endpoint',
                          'metering_endpoint_override')
        self.assertEqual([], self.requests.request_history)

    def test_server_down(self):
        self.mock_item('vhosts', exc=requests.exceptions.ConnectionError(
            'Connection refused'))
        self.assert_error(['vhosts'], 'Unable to list RabbitMQ vhosts',
                          'Unable to connect to ' + base.METERING)

    def test_show_errors_too(self):
        self.mock_item('overview', status_code=503, json={})
        command, parsed_args = self.parse(rabbit.ShowRabbit, [])
        error = self.assertRaises(osc_exc.CommandError, command.run,
                                  parsed_args)
        self.assertIn('Unable to show the RabbitMQ overview: RabbitMQ',
                      str(error))
