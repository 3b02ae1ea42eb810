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

"""The dashboard as a person uses it: Horizon in headless Chromium.

Against the stack's real Keystone, reference service (behind Keystone),
RabbitMQ and Horizon with the plugin. Each test saves screenshots; the
RabbitMQ outage comes last (its name sorts last) and brings RabbitMQ back.
"""

import re
import uuid

from omsclient.tests.functional import browser

INSTANCES = '/project/multistack_instances/'
ACCOUNTS = '/admin/multistack_accounts/'
RABBITMQ = '/admin/rabbitmq/'
SYSTEM_LOG = '/admin/system_log/'
# The worker boots on a fake Nova in seconds; this only bounds a hang.
BOOT_TIMEOUT = 240


class DashboardTest(browser.BrowserTestCase):

    def test_login_through_the_form(self):
        self.login('admin')
        self.assertIn('admin', self.find('.navbar').text)
        self.open(INSTANCES)
        self.find('#entries')
        self.assertEqual([], self.error_banners())
        self.screenshot('dashboard-login')

    # Project › Multistack › Instances ----------------------------------

    def _create_entry(self, name: str) -> str:
        """Create an entry through the form; return its ID."""
        self.find('#entries__action_create').click()
        self.find('#create_entry_form #id_name').send_keys(name)
        self.screenshot('dashboard-instances-create')
        self.find('#create_entry_form').submit()
        message = self.find('.messages .alert-success').text
        found = re.search(r'Queue entry (\d+) requested', message)
        self.assertIsNotNone(found, message)
        return found.group(1)

    def _row(self, entry_id: str) -> str:
        rows = self.find_all('#entries__row__%s' % entry_id)
        return rows[0].text if rows else ''

    def test_instance_lifecycle(self):
        self.login('member')
        self.open(INSTANCES)
        entry_id = self._create_entry('browser-%s' % uuid.uuid4().hex[:6])
        self.delete_at_cleanup(int(entry_id), cloud='oms-member')

        # The row follows the entry to RUN by itself: a page reload would
        # drop this marker.
        self.driver.execute_script('window.omsUnreloaded = true;')
        self.wait(lambda driver: 'RUN' in self._row(entry_id),
                  'entry %s to reach RUN' % entry_id, BOOT_TIMEOUT)
        self.assertTrue(self.driver.execute_script(
            'return window.omsUnreloaded === true;'))
        self.screenshot('dashboard-instances')

        self.find('#entries__row_%s__action_download_key' % entry_id).click()
        key_file = self.downloaded()
        entry = self.python_client('member').queues.get(entry_id)
        key = self.python_client('member').instances.get_private_key(
            entry.instance['id'])
        self.assertTrue(key_file.name.endswith('.pem'), key_file.name)
        self.assertRegex(key_file.name, r'^[A-Za-z0-9._-]+$')
        self.assertEqual(key.key_raw, key_file.read_text())
        self.assertIn('PRIVATE KEY', key.key_raw)
        body = key.key_raw.strip().splitlines()[1]
        self.assertNotIn(body, self.driver.page_source)

        self.find('#entries__row__%s .dropdown-toggle' % entry_id).click()
        self.find('#entries__row_%s__action_delete' % entry_id).click()
        self.find('.modal-footer .btn-danger').click()
        self.find('.messages .alert-success')
        self.screenshot('dashboard-instances-delete')
        self.wait(lambda driver: not self.find_all(
            '#entries__row__%s' % entry_id),
            'entry %s to leave the table' % entry_id, BOOT_TIMEOUT)
        self.assertEqual([], self.error_banners())
