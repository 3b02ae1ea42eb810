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

import json

from django.urls import reverse

from omsdashboard.tests import helpers

RABBIT_URL = reverse('horizon:admin:rabbitmq:index')
OVERVIEW_JSON_URL = reverse('horizon:admin:rabbitmq:overview_json')
LOG_URL = reverse('horizon:admin:system_log:index')
HASH = 'XBYJBalVMFOHwViSaL8U4wKv0Kg='

OVERVIEW = {
    'node': 'rabbit@node-1', 'rabbitmq_version': '3.10.8',
    'erlang_version': '25.2.3', 'management_version': '3.10.8',
    'object_totals': {'queues': 4, 'exchanges': 7, 'connections': 2,
                      'channels': 2, 'consumers': 1},
    'queue_totals': {'messages': 12, 'messages_ready': 10,
                     'messages_unacknowledged': 2},
    'message_stats': {'publish': 100, 'publish_details': {'rate': 1.5},
                      'ack_details': {'rate': 0.5}},
}


class RabbitOverviewTests(helpers.AdminTestCase):
    def test_overview_shows_versions_and_totals(self):
        self.metering.rabbit.get.return_value = helpers.rabbit_record(
            OVERVIEW)
        response = self.client.get(RABBIT_URL)
        self.assertEqual(200, response.status_code)
        self.metering.rabbit.get.assert_called_once_with('overview')
        self.assertContains(response, 'rabbit@node-1')
        self.assertContains(response, '3.10.8')
        self.assertContains(response, 'data-total="queues">4<')
        self.assertContains(response, 'data-total="messages">12<')
        self.assertContains(response, OVERVIEW_JSON_URL)
        # Item tabs load when opened, not with the overview.
        self.metering.rabbit.list.assert_not_called()

    def test_metering_client_uses_the_token_and_the_catalog(self):
        self.metering.rabbit.get.return_value = helpers.rabbit_record(
            OVERVIEW)
        self.client.get(RABBIT_URL)
        args, kwargs = self.metering_factory.call_args
        self.assertEqual(('2',), args)
        self.assertEqual(helpers.METERING_URL, kwargs['endpoint_override'])
        self.assertEqual(self.token.id, kwargs['session'].auth.token)

    def test_rabbitmq_down_shows_one_banner(self):
        self.metering.rabbit.get.side_effect = helpers.service_unavailable()
        response = self.client.get(RABBIT_URL)
        self.assertEqual(200, response.status_code)
        self.assertMessageCount(response, error=1)
        self.assertContains(response, 'not available')

    def test_chart_samples_rates_and_totals(self):
        self.metering.rabbit.get.return_value = helpers.rabbit_record(
            OVERVIEW)
        response = self.client.get(OVERVIEW_JSON_URL)
        self.assertEqual(200, response.status_code)
        sample = response.json()
        self.assertEqual({'publish': 1.5, 'deliver_get': 0, 'ack': 0.5},
                         sample['rates'])
        self.assertEqual(4, sample['object_totals']['queues'])
        self.assertEqual(12, sample['queue_totals']['messages'])

    def test_chart_error_is_one_sentence_in_json(self):
        self.metering.rabbit.get.side_effect = helpers.service_unavailable()
        response = self.client.get(OVERVIEW_JSON_URL)
        self.assertEqual(503, response.status_code)
        self.assertIn('Unable to retrieve the RabbitMQ overview',
                      response.json()['error'])


class RabbitItemTabsTests(helpers.AdminTestCase):
    def _tab(self, item):
        return self.client.get(
            RABBIT_URL + '?tab=rabbitmq__%s' % item,
            HTTP_X_REQUESTED_WITH='XMLHttpRequest')

    def test_users_tab_never_shows_the_password_hash(self):
        self.metering.rabbit.list.return_value = iter([helpers.rabbit_record(
            {'name': 'guest', 'tags': ['administrator'],
             'password_hash': HASH, 'hashing_algorithm': 'sha256'})])
        response = self._tab('users')
        self.assertEqual(200, response.status_code)
        self.metering.rabbit.list.assert_called_once_with('users')
        self.assertContains(response, 'guest')
        self.assertContains(response, 'administrator')
        self.assertNotContains(response, HASH)
        self.assertNotContains(response, 'password_hash')

    def test_queues_tab_has_the_columns_of_the_cli(self):
        self.metering.rabbit.list.return_value = iter([helpers.rabbit_record(
            {'name': 'q1', 'vhost': '/', 'messages': 3,
             'messages_ready': 3, 'messages_unacknowledged': 0,
             'consumers': 0, 'state': 'running', 'memory': 1000})])
        response = self._tab('queues')
        table = response.context['queues_table']
        self.assertEqual(
            ['Name', 'VHost', 'Messages', 'Messages Ready',
             'Messages Unacknowledged', 'Consumers', 'State'],
            [str(column.verbose_name) for column in table.get_columns()])
        self.assertContains(response, 'q1')

    def test_nested_fields_and_formats_follow_the_cli(self):
        self.metering.rabbit.list.return_value = iter([helpers.rabbit_record(
            {'queue': {'name': 'q1', 'vhost': '/'}, 'consumer_tag': 'c1',
             'ack_required': True, 'prefetch_count': 0, 'active': True})])
        response = self._tab('consumers')
        row = response.context['consumers_table'].get_rows()[0]
        self.assertEqual('q1', row.cells['queue__name'].data)

    def test_tab_error_shows_a_banner(self):
        # A tab loads by AJAX: Horizon sends its messages in a header that
        # its script shows as banners.
        self.metering.rabbit.list.side_effect = helpers.service_unavailable()
        response = self._tab('queues')
        self.assertEqual(200, response.status_code)
        messages = json.loads(response['X-Horizon-Messages'])
        self.assertEqual(1, len(messages), messages)
        self.assertEqual('error', messages[0][0])
        self.assertIn('Unable to retrieve RabbitMQ queues', messages[0][1])


class SystemLogTests(helpers.AdminTestCase):
    def _pages(self, *pages):
        """Answer page n with pages[n - 1], later pages empty."""
        def answer(q):
            page = [cond['value'] for cond in q
                    if cond['field'] == 'page'][0]
            entries = pages[page - 1] if page <= len(pages) else []
            return iter([helpers.log_entry(e) for e in entries])
        self.metering.logs.list.side_effect = answer

    def _entries(self, *ids):
        return [{'id': i, 'desc': 'event %d' % i,
                 'time': '2026-01-01 00:00:%02d' % i} for i in ids]

    def test_first_page_newest_first_with_next(self):
        self._pages(self._entries(9, 8, 7), self._entries(6, 5))
        response = self.client.get(LOG_URL)
        table = response.context['table']
        self.assertEqual([9, 8, 7], [e['id'] for e in table.data])
        self.assertContains(response, 'href="?page=2"')
        self.assertNotContains(response, 'href="?page=0"')
        self.assertContains(response, 'event 9')
        # In UTC, as the service writes it and metric log list shows it.
        self.assertContains(response, '2026-01-01 00:00:09 UTC')

    def test_middle_page_has_previous_and_next(self):
        self._pages(self._entries(9), self._entries(8), self._entries(7))
        response = self.client.get(LOG_URL + '?page=2')
        self.assertEqual([8], [e['id'] for e in
                               response.context['table'].data])
        self.assertContains(response, 'href="?page=1"')
        self.assertContains(response, 'href="?page=3"')

    def test_last_page_has_no_next(self):
        self._pages(self._entries(9), self._entries(8))
        response = self.client.get(LOG_URL + '?page=2')
        self.assertContains(response, 'href="?page=1"')
        self.assertNotContains(response, 'href="?page=3"')

    def test_a_bad_page_number_is_page_one(self):
        self._pages(self._entries(9))
        response = self.client.get(LOG_URL + '?page=x')
        self.assertEqual([9], [e['id'] for e in
                               response.context['table'].data])

    def test_service_error_shows_a_banner(self):
        self.metering.logs.list.side_effect = helpers.service_unavailable(
            'The metering API is down.')
        response = self.client.get(LOG_URL)
        self.assertEqual(200, response.status_code)
        self.assertMessageCount(response, error=1)
