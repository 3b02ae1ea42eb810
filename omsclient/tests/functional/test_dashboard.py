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

from omsclient.tests.functional import browser

INSTANCES = '/project/multistack_instances/'
ACCOUNTS = '/admin/multistack_accounts/'
RABBITMQ = '/admin/rabbitmq/'
SYSTEM_LOG = '/admin/system_log/'


class DashboardTest(browser.BrowserTestCase):

    def test_login_through_the_form(self):
        self.login('admin')
        self.assertIn('admin', self.find('.navbar').text)
        self.open(INSTANCES)
        self.find('#entries')
        self.assertEqual([], self.error_banners())
        self.screenshot('dashboard-login')
