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

"""The API wrapper itself: what it hands the panels."""

from openstack_auth import utils as auth_utils

from omsdashboard import api
from omsdashboard.tests import helpers


class RequestUserMixin:
    """``self.request`` as the logged-in test user's request."""

    def setUp(self):
        super().setUp()
        self.request.user = auth_utils.get_user(self.request)


class MeteringWrapperTests(RequestUserMixin, helpers.AdminTestCase):
    def test_rabbit_records_come_without_secret_fields(self):
        self.metering.rabbit.list.return_value = iter([helpers.rabbit_record(
            {'name': 'guest', 'tags': 'administrator',
             'password_hash': 'XBYJBalVMFOHwViSaL8U4wKv0Kg='})])
        records = api.metering.rabbit_list(self.request, 'users')
        self.assertEqual([{'name': 'guest', 'tags': 'administrator'}],
                         records)

    def test_rabbit_list_defaults_as_the_seed_did(self):
        self.metering.rabbit.list.return_value = iter([helpers.rabbit_record(
            {'node': 'rabbit@controller'})])
        records = api.metering.rabbit_list(self.request)
        self.metering.rabbit.list.assert_called_once_with(None)
        self.assertEqual([{'node': 'rabbit@controller'}], records)

    def test_log_page_asks_for_that_page(self):
        self.metering.logs.list.return_value = iter([helpers.log_entry(
            {'id': 3, 'desc': 'x', 'time': '2026-01-01 00:00:00'})])
        entries = api.metering.log_page(self.request, 4)
        self.metering.logs.list.assert_called_once_with(
            q=[{'field': 'page', 'value': 4}])
        self.assertEqual([{'id': 3, 'desc': 'x',
                           'time': '2026-01-01 00:00:00'}], entries)


class MultistackWrapperTests(RequestUserMixin, helpers.TestCase):
    def test_one_client_per_request(self):
        self.oms.queues.list.return_value = iter([])
        api.multistack.queue_list(self.request)
        api.multistack.queue_get(self.request, 1)
        self.assertEqual(1, self.oms_factory.call_count)

    def test_empty_create_options_are_not_sent(self):
        api.multistack.queue_create(self.request, image='', flavor='f')
        self.oms.queues.create.assert_called_once_with(
            image=None, flavor='f', name=None, provider=None)

    def test_requirements_are_sent_when_given_zero_included(self):
        api.multistack.queue_create(self.request, min_ram=0, min_disk=None,
                                    image_properties={})
        self.oms.queues.create.assert_called_once_with(
            image=None, flavor=None, name=None, provider=None, min_ram=0)

    def test_provider_list_is_read_whole(self):
        self.oms.providers.list.return_value = iter([helpers.provider(
            provider='a', account_id=1)])
        states = api.multistack.provider_list(self.request)
        self.assertEqual(['a'], [state.provider for state in states])
        self.assertEqual(['a'], [state.provider for state in states])
