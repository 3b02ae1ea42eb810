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

"""Answers that break the API's promises: one clear line, no traceback."""

from osc_lib import exceptions as osc_exc

from omsclient.common import exceptions
from omsclient.osc.metering import rabbit
from omsclient.osc.v1 import account
from omsclient.osc.v1 import instance
from omsclient.osc.v1 import queue
from omsclient.tests.unit import fixtures as oms_fixtures
from omsclient.tests.unit.metering import base as metering_base
from omsclient.tests.unit.metering import fixtures as metering_fixtures
from omsclient.tests.unit.osc.metering import fakes as metering_fakes
from omsclient.tests.unit.osc.v1 import fakes

QUEUES = fakes.QUEUES
PROMISE = 'is not what the API promises: '


def broken(field, value):
    entry = oms_fixtures.queue(1)
    entry[field] = value
    return entry


class TestMultistackAnswers(fakes.TestCommand):

    def assert_broken(self, command_class, argv, expected):
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  command_class, argv)
        self.assertEqual(expected, str(error))
        self.assertIsInstance(error.__cause__, exceptions.InvalidResponse)

    def test_list_entries_that_are_not_objects(self):
        self.requests.get(QUEUES, json=[oms_fixtures.queue(1), 1, 'two',
                                        None])
        self.assert_broken(
            queue.ListQueue, [],
            'Unable to list queue entries: the answer of GET %s %sentry 2 '
            'is a number (1), not an object' % (QUEUES, PROMISE))

    def test_fields_of_the_wrong_type(self):
        for field, value, what in (
                ('instance', 'x', "instance is a text ('x'), not an object"),
                ('id', '1', "entry 1: id is a text ('1'), not a whole "
                 "number"),
                ('status', ['RUN'], 'status is a list, not a text'),
                ('regist_datetime', '9999-12-31T23:59:59-23:59',
                 "regist_datetime is a text ('9999-12-31T23:59:59-23:59'), "
                 "not an ISO 8601 timestamp with a UTC equivalent")):
            self.requests.get(QUEUES, json=[broken(field, value)])
            self.requests.get(QUEUES + '1/', json=broken(field, value))
            error = self.assertRaises(osc_exc.CommandError,
                                      self.run_command, queue.ListQueue, [])
            self.assertIn(PROMISE + ('' if what.startswith('entry')
                                     else 'entry 1: ') + what, str(error))
            if field != 'id':
                self.assert_broken(
                    queue.ShowQueue, ['1'],
                    'Unable to show queue entry 1: the answer of GET '
                    '%s1/ %s%s' % (QUEUES, PROMISE, what))

    def test_nested_account_of_the_wrong_type(self):
        entry = oms_fixtures.queue(1)
        entry['instance']['account'] = 7
        self.requests.get(QUEUES + '1/', json=entry)
        self.assert_broken(
            queue.ShowQueue, ['1'],
            'Unable to show queue entry 1: the answer of GET %s1/ %s'
            'instance.account is a number (7), not an object'
            % (QUEUES, PROMISE))

    def test_created_without_id(self):
        entry = oms_fixtures.queue(1, 'REQUEST', instance=False)
        del entry['id']
        self.requests.post(QUEUES, status_code=201, json=entry)
        self.assert_broken(
            queue.CreateQueue, [],
            'Unable to create a queue entry: the answer of POST %s %sthe '
            'answer has no id' % (QUEUES, PROMISE))

    def test_accounts_and_instances(self):
        self.requests.get(fakes.ACCOUNTS, json=[fakes.ACCOUNT, 'x'])
        self.assert_broken(
            account.ListAccount, [],
            'Unable to list accounts: the answer of GET %s %sentry 2 is a '
            "text ('x'), not an object" % (fakes.ACCOUNTS, PROMISE))
        self.requests.get(fakes.INSTANCES + '1/',
                          json=dict(fakes.INSTANCE, account=[1]))
        self.assert_broken(
            instance.ShowInstance, ['1'],
            'Unable to show instance 1: the answer of GET %s1/ %saccount '
            'is a list, not an object' % (fakes.INSTANCES, PROMISE))


class TestRabbitAnswers(metering_fakes.TestCommand):

    URL = metering_base.METERING + '/v2/rabbit/'

    def assert_broken(self, command_class, argv, expected):
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  command_class, argv)
        self.assertEqual(expected, str(error))

    def test_list_entries_that_are_not_objects(self):
        self.mock_item('queues', [1, 'two', None])
        self.assert_broken(
            rabbit.ListRabbit, ['queues'],
            'Unable to list RabbitMQ queues: the answer of GET %squeues %s'
            'entry 1 is a number (1), not an object' % (self.URL, PROMISE))

    def test_fields_of_the_wrong_type(self):
        self.mock_item('users', [{'name': 'guest', 'tags': 7}])
        self.assert_broken(
            rabbit.ListRabbit, ['users'],
            'Unable to list RabbitMQ users: the answer of GET %susers %s'
            'entry 1: tags is a number (7), not a text or a list or null'
            % (self.URL, PROMISE))
        self.mock_item('overview', dict(metering_fixtures.OVERVIEW,
                                        queue_totals=[1, 2]))
        self.assert_broken(
            rabbit.ShowRabbit, [],
            'Unable to show the RabbitMQ overview: the answer of GET '
            '%soverview %squeue_totals is a list, not an object'
            % (self.URL, PROMISE))

    def test_list_where_an_object_is_expected(self):
        self.mock_item('overview', [metering_fixtures.OVERVIEW])
        self.assert_broken(
            rabbit.ShowRabbit, [],
            'Unable to show the RabbitMQ overview: the answer of GET '
            '%soverview %sthe answer is a list, not an object'
            % (self.URL, PROMISE))

    def test_empty_list_for_an_object_is_an_empty_object(self):
        self.mock_item('bindings', [{'source': '', 'arguments': []}])
        rows = self.run_json(rabbit.ListRabbit, ['bindings', '--long'])
        self.assertEqual({}, rows[0]['Arguments'])
