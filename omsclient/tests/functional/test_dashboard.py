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

from omsclient.tests.functional import base
from omsclient.tests.functional import browser
from omsclient.tests.functional import rabbit

INSTANCES = '/project/multistack_instances/'
ACCOUNTS = '/admin/multistack_accounts/'
RABBITMQ = '/admin/rabbitmq/'
SYSTEM_LOG = '/admin/system_log/'
# Every panel of the plugin.
PANELS = (INSTANCES, ACCOUNTS, RABBITMQ, SYSTEM_LOG)
# Horizon's own panels of the services the stack has: Nova (compute),
# Glance (images) and Keystone. The project overview, which needs a
# network service, is removed: /project/ shows API Access.
HORIZON_PANELS = ('/project/', '/project/instances/', '/project/images/',
                  '/project/key_pairs/', '/project/api_access/',
                  '/admin/', '/admin/hypervisors/', '/admin/instances/',
                  '/admin/flavors/', '/admin/images/', '/identity/')
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

    def test_home_page_and_every_panel_without_an_error_page(self):
        self.login('admin')
        # The home page, then every panel: a panel of the plugin or of
        # Horizon on the stack's Nova, Glance and Keystone, with no
        # network or volume service.
        self.driver.get(self.horizon + '/')
        self.assert_no_error_page()
        self.find('#sidebar-accordion')
        self.assertEqual([], self.error_banners())
        self.screenshot('dashboard-home')
        failing = {}
        for path in PANELS + HORIZON_PANELS:
            self.driver.get(self.horizon + path)
            problem = self.error_page() or self.error_banners()
            if problem:
                failing[path] = problem
        self.assertEqual({}, failing)

    # Project › Multistack › Instances ----------------------------------

    def _create_entry(self, name: str) -> str:
        """Create an entry through the form; return its ID."""
        self.find('#entries__action_create').click()
        self.find('#create_entry_form #id_name').send_keys(name)
        self.screenshot('dashboard-instances-create')
        self.find('#create_entry_form').submit()
        message = self.find('.messages .alert-success').text
        found = re.search(r'Queue entry (\d+) requested', message)
        if found is None:
            self.fail('no entry id in %r' % message)
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

    # Admin › Multistack › Accounts ---------------------------------------

    def _fill(self, form: str, **fields) -> None:
        from selenium.webdriver.support.ui import Select

        for name, value in fields.items():
            element = self.find('%s #id_%s' % (form, name))
            if element.tag_name == 'select':
                Select(element).select_by_value(value)
            else:
                element.clear()
                element.send_keys(value)

    def test_admin_registers_an_account(self):
        provider = 'browser-%s' % uuid.uuid4().hex[:6]
        password = 'Pw-%s' % uuid.uuid4().hex
        self.login('admin')
        self.open(ACCOUNTS)

        # A field the service refuses: the error stands next to it.
        self.find('#accounts__action_create').click()
        self._fill('#create_account_form', provider=provider,
                   driver='nova', auth_url='not a url', username='u',
                   password=password, tenant_name='t')
        self.find('#create_account_form').submit()
        error = self.find('#create_account_form .has-error .help-block')
        self.assertIn('Enter a valid URL.', error.text)
        self.assertEqual(
            'auth_url', error.find_element(
                'xpath', './ancestor::div[contains(@class, "has-error")]'
                '//input').get_attribute('name'))
        self.assertNotIn(password, self.driver.page_source)
        self.screenshot('dashboard-accounts-error')

        self._fill('#create_account_form',
                   auth_url='http://127.0.0.1:9/v3', password=password)
        self.find('#create_account_form').submit()
        self.find('.messages .alert-success')
        accounts = self.python_client('admin').accounts
        created = accounts.find(provider)
        self.addCleanup(accounts.delete, created.id)
        self.assertIn(provider, self.find('#accounts').text)
        self.assertNotIn(password, self.driver.page_source)
        self.screenshot('dashboard-accounts')

        self.find('#accounts__row_%s__action_update' % created.id).click()
        field = self.find('#update_account_form #id_password')
        self.assertEqual('', field.get_attribute('value'))
        self.assertNotIn(password, self.driver.page_source)

    # Admin › Monitoring › RabbitMQ ---------------------------------------

    def _shown_totals(self) -> dict:
        return {cell.get_attribute('data-total'): int(cell.text)
                for cell in self.find_all('[data-total]')}

    def test_rabbitmq_overview_matches_management_api(self):
        management = rabbit.Management(self.stack)
        name = 'dashboard-%s' % uuid.uuid4().hex[:8]
        management.declare_queue(name)
        self.addCleanup(management.delete_queue, name)
        for number in range(3):
            management.publish(name, 'message %d' % number)
        # The management API's counters lag behind the broker a little.
        base.wait_for(lambda: management.queue(name).get('messages') == 3,
                      30, 'RabbitMQ to count 3 messages in %s' % name)
        self.login('admin')

        def same_moment():
            before = management.get('overview')
            self.open(RABBITMQ)
            shown = self._shown_totals()
            after = management.get('overview')
            figures = dict(before['object_totals'], **{
                key: before['queue_totals'].get(key, 0)
                for key in ('messages', 'messages_ready',
                            'messages_unacknowledged')})
            stable = before['object_totals'] == after['object_totals'] and \
                before['queue_totals'].get('messages') == \
                after['queue_totals'].get('messages')
            return stable and shown == {key: figures[key] for key in shown}

        base.wait_for(same_moment, 60, 'the page to show the management '
                      "API's figures")
        overview = management.get('overview')
        self.assertEqual(overview['node'],
                         self.find('#oms-rabbit-node').text)
        self.assertEqual(overview['rabbitmq_version'],
                         self.find('#oms-rabbit-version').text)
        self.assertGreaterEqual(self._shown_totals()['messages'], 3)

        # The chart keeps sampling while the page is open, and shows the
        # publish rate of messages published meanwhile.
        def publishing_shows():
            management.publish(name, 'one more')
            legend = self.find('.oms-rabbit-chart-legend').text
            rate = re.search(r'publish: ([0-9.]+)/s', legend)
            samples = self.find('#oms-rabbit-chart').get_attribute(
                'data-samples')
            return int(samples or 0) >= 3 and rate and float(rate.group(1))

        self.wait(lambda driver: publishing_shows(),
                  'a publish rate in the chart')
        self.screenshot('dashboard-rabbitmq')

        self.find('a[data-target="#rabbitmq__queues"]').click()
        table = self.find('#rabbitmq__queues table')
        self.assertIn(name, table.text)
        headers = [th.text for th in
                   self.find_all('#rabbitmq__queues thead th')]
        # The headers of the metric commands, in title case.
        self.assertEqual(['Name', 'VHost', 'Messages', 'Messages Ready',
                          'Messages Unacknowledged', 'Consumers', 'State'],
                         [h for h in headers if h])
        self.screenshot('dashboard-rabbitmq-queues')

        self.find('a[data-target="#rabbitmq__users"]').click()
        self.assertIn(self.stack['rabbitmq']['username'],
                      self.find('#rabbitmq__users table').text)
        for user in management.get('users'):
            self.assertNotIn(user['password_hash'], self.driver.page_source)
        self.assertNotIn('password_hash', self.driver.page_source)

    # Admin › Monitoring › System log -------------------------------------

    def _log_ids(self) -> list[int]:
        rows = self.find_all('#system_log tbody tr[data-object-id]')
        return [int(row.get_attribute('data-object-id')) for row in rows]

    def test_page_through_the_system_log(self):
        # Each change of an account is one event: enough for two pages.
        accounts = self.python_client('admin').accounts
        account = accounts.create(provider='log-%s' % uuid.uuid4().hex[:6],
                                  driver='simulated')
        self.addCleanup(accounts.delete, account.id)
        for number in range(25):
            accounts.update(account.id, region_name='r%d' % number)
        self.login('admin')
        self.open(SYSTEM_LOG)
        first = self._log_ids()
        self.assertEqual(sorted(first, reverse=True), first)
        self.assertTrue(first)
        self.assertEqual([], self.find_all('#system_log a[href="?page=0"]'))
        self.screenshot('dashboard-system-log')

        self.find('#system_log a[href="?page=2"]').click()
        self.wait(lambda driver: 'page=2' in driver.current_url, 'page 2')
        second = self._log_ids()
        self.assertTrue(second)
        self.assertEqual(sorted(second, reverse=True), second)
        self.assertLess(max(second), min(first))

        self.find('#system_log a[href="?page=1"]').click()
        self.wait(lambda driver: 'page=1' in driver.current_url, 'page 1')
        self.assertEqual(first[0], self._log_ids()[0])

    # A member ----------------------------------------------------------

    def test_member_sees_no_admin_panels_nor_other_projects(self):
        admin_entry = self.python_client('admin').queues.create()
        self.delete_at_cleanup(admin_entry.id, cloud='oms-admin')
        self.login('member')
        self.open(INSTANCES)
        self.find('#entries')
        self.assertEqual([], self.find_all(
            '#entries__row__%s' % admin_entry.id))
        visible = {int(row.get_attribute('data-object-id'))
                   for row in self.find_all('#entries tbody tr'
                                            '[data-object-id]')}
        own = {entry.id for entry in
               self.python_client('member').queues.list()}
        self.assertEqual(own, visible)
        navigation = self.find('#sidebar-accordion').text
        self.assertNotIn('Admin', navigation)
        self.assertNotIn('Monitoring', navigation)
        self.screenshot('dashboard-member')
        for path in (ACCOUNTS, RABBITMQ, SYSTEM_LOG):
            self.driver.get(self.horizon + path)
            self.assert_no_error_page()
            self.assertEqual([], self.find_all('#accounts, #rabbitmq, '
                                               '#system_log'))

    # Last: a RabbitMQ outage -------------------------------------------

    def test_zz_rabbitmq_down_shows_the_banner(self):
        self.login('admin')
        self.stackctl('stop', 'rabbitmq')
        self.restart_rabbitmq_at_cleanup()
        self.open(RABBITMQ)
        banners = self.error_banners()
        self.assertEqual(1, len(banners), banners)
        self.assertIn('Unable to retrieve RabbitMQ overview', banners[0])
        # The rest of the dashboard keeps working.
        self.find('#sidebar-accordion')
        self.screenshot('dashboard-rabbitmq-down')
        self.open(INSTANCES)
        self.find('#entries')
        self.assertEqual([], self.error_banners())
