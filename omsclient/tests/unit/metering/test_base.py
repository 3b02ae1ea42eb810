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

"""The lists of the managers: the seed's list, read on demand."""

import collections.abc
import gc
import weakref

from omsclient import client
from omsclient.common import base as common_base
from omsclient.common import exceptions
from omsclient.tests.unit import fixtures as unit_fixtures
from omsclient.tests.unit.metering import base
from omsclient.tests.unit.metering import fixtures


class TestResourceList(base.TestCase):

    def setUp(self):
        super().setUp()
        self.cclient = self.metering_client()

    def users(self):
        self.mock_item('users')
        return self.cclient.rabbit.list('users')

    def test_print_shows_the_records(self):
        # The seed: print(cclient.rabbit.list("users")).
        text = str(self.users())
        self.assertTrue(text.startswith('[<Rabbitmq record -- {'), text)
        self.assertTrue(text.endswith('}>]'), text)
        self.assertEqual(3, text.count('<Rabbitmq record -- '))
        for user in fixtures.USERS:
            self.assertIn("'name': '%s'" % user['name'], text)
            self.assertNotIn(user['password_hash'], text)

    def test_len_index_and_slice_read_the_answer_once(self):
        users = self.users()
        self.assertEqual(3, len(users))
        self.assertEqual('guest', users[1].name)
        self.assertEqual('nova', users[-1].name)
        self.assertEqual(['ceilometer', 'guest'],
                         [user.name for user in users[:2]])
        self.assertIn(users[0], users)
        self.assertEqual(['ceilometer', 'guest', 'nova'],
                         [user.name for user in users])
        self.assertEqual(1, len(self.requests.request_history))

    def test_truthiness(self):
        self.assertTrue(self.users())
        self.mock_item('vhosts', [])
        self.assertFalse(self.cclient.rabbit.list('vhosts'))

    def test_dashboard_wrapper(self):
        # The seed's dashboard: [str(s) for s in rabbit_info].
        shown = [str(s) for s in self.users()]
        self.assertEqual(3, len(shown))
        self.assertTrue(shown[0].startswith("<Rabbitmq record -- {'name': "
                                            "'ceilometer'"), shown[0])

    def test_iteration_keeps_no_record(self):
        self.requests.get(base.RABBIT + 'queues',
                          body=unit_fixtures.GeneratedList(
                              500, make=lambda i: dict(fixtures.QUEUES[0],
                                                       name='q%d' % i)))
        records = iter(self.cclient.rabbit.list('queues'))
        first = weakref.ref(next(records))
        next(records)
        gc.collect()
        self.assertIsNone(first())
        self.assertEqual(498, sum(1 for _queue in records))

    def test_a_new_iteration_reads_a_new_answer(self):
        users = self.users()
        self.assertEqual(3, sum(1 for _user in users))
        self.assertEqual(1, len(self.requests.request_history))
        self.assertEqual(3, sum(1 for _user in users))
        self.assertEqual(2, len(self.requests.request_history))

    def test_list_of_it_reads_the_answer_once(self):
        # list() asks iter() first, then len().
        users = self.users()
        self.assertEqual(['ceilometer', 'guest', 'nova'],
                         [user.name for user in list(users)])
        self.assertEqual(1, len(self.requests.request_history))

    def test_len_after_an_iteration_reads_a_new_answer(self):
        users = self.users()
        for _user in users:
            break
        self.assertEqual(3, len(users))
        self.assertEqual(['ceilometer', 'guest', 'nova'],
                         [user.name for user in users])
        self.assertEqual(2, len(self.requests.request_history))

    def test_one_shape_for_every_list(self):
        oms = client.Client('1', unit_fixtures.ENDPOINT)
        for listing in (self.cclient.rabbit.list('users'),
                        self.cclient.logs.list(), oms.queues.list(),
                        oms.accounts.list(), oms.instances.list()):
            self.assertIsInstance(listing, common_base.ResourceList)
            self.assertIsInstance(listing, collections.abc.Sequence)
        # Nothing is sent before a list is used, as with a generator.
        self.assertEqual([], self.requests.request_history)

    def test_errors_come_when_the_list_is_used(self):
        self.mock_item('users', status_code=503, json={})
        users = self.cclient.rabbit.list('users')
        self.assertRaises(exceptions.ServiceUnavailable, list, users)

    def test_overview_by_default(self):
        self.mock_item('overview')
        # The seed's rabbit_list(request, query=None) passes None.
        for listing in (self.cclient.rabbit.list(),
                        self.cclient.rabbit.list(None)):
            self.assertEqual(1, len(listing))
            self.assertEqual(fixtures.OVERVIEW['node'], listing[0].node)

    def test_log_page(self):
        self.requests.get(base.LOGS, json=fixtures.log_entries(3))
        page = self.cclient.logs.list(q=[{'field': 'page', 'value': 1}])
        self.assertEqual(3, len(page))
        self.assertEqual(3, page[0].id)
        self.assertTrue(repr(page).startswith('[<Log record -- '))
        self.requests.get(base.LOGS, json=[])
        self.assertFalse(self.cclient.logs.list(
            q=[{'field': 'page', 'value': 9}]))
