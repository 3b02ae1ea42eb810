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

"""Requirements, quota and provider order, on the stack's real Novas.

Each Nova of the stack has flavors of several sizes (one of them not
public) and its Glance images carry ``os_distro``/``os_version``. The
stack's own service boots with the default order; each ordering policy
is tried on an ``openmultistack-all`` of the test's own whose accounts
are the stack's two Novas.
"""

import time

from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
from novaclient import client as nova_client
import requests

from omsclient.tests.functional import base
from omsclient.tests.functional import compute

#: What the stack's Novas hold (tools/stack/omsstack/nova.py, glance.py).
MEDIUM = 'm1.medium'
NEWEST_UBUNTU = 'ubuntu-24.04'
#: Seconds the workers keep a provider's limits (the option's default).
LIMITS_CACHE_SECONDS = 10
BOOT_TIMEOUT = 300


def admin_nova(stack: dict, provider: str):
    """A novaclient of the stack's Keystone admin in a provider's region."""
    keystone = stack['keystone']
    admin = keystone['users']['admin']
    auth = v3.Password(
        auth_url=keystone['auth_url'], username='admin',
        password=admin['password'], project_name=admin['project'],
        user_domain_name='Default', project_domain_name='Default')
    return nova_client.Client(
        '2.1', session=ks_session.Session(auth=auth),
        region_name=stack['nova'][provider]['region_name'])


def project_id(stack: dict, provider: str) -> str:
    """The project the reference service's account boots servers in."""
    return compute.client(stack, provider).client.session.get_project_id()


class ChoiceTest(base.TestCase):

    cloud = 'oms-member'

    def setUp(self):
        super().setUp()
        self.providers = sorted(self.stack['nova'])
        self.require_providers()

    def _new_ids(self, after: int) -> list[int]:
        rows = self.openstack_json('multistack queue list', cloud=self.cloud)
        return sorted(row['ID'] for row in rows if row['ID'] > after)

    def create(self, options: str) -> tuple[base.Result, dict]:
        """``queue create OPTIONS --wait``, and the entry it created."""
        before = max(self._new_ids(0) or [0])
        result = self.openstack(
            'multistack queue create %s --wait --timeout %d'
            % (options, BOOT_TIMEOUT), cloud=self.cloud, fail_ok=True)
        self.assertNotIn('Traceback', result.stderr)
        (entry_id,) = self._new_ids(before)
        self.delete_at_cleanup(entry_id, self.cloud)
        return result, self.openstack_json(
            'multistack queue show %d' % entry_id, cloud=self.cloud)

    def test_smallest_flavor_and_newest_image_that_fit(self):
        result, entry = self.create(
            '--min-ram 4096 --image-property os_distro=ubuntu')
        self.assertEqual(0, result.returncode, result)
        self.assertEqual('RUN', entry['Status'])
        self.assertEqual(4096, entry['Min RAM'])
        self.assertEqual({'os_distro': 'ubuntu'}, entry['Image Properties'])
        self.assertEqual(MEDIUM, entry['Flavor Chosen']['name'])
        self.assertEqual(NEWEST_UBUNTU, entry['Image Chosen']['name'])
        # What the provider booted is what the entry says.
        nova = compute.client(self.stack, entry['Provider'])
        server = nova.servers.get(entry['Instance']['instance_id'])
        self.assertEqual(entry['Flavor Chosen']['id'], server.flavor['id'])
        self.assertEqual(entry['Image Chosen']['id'], server.image['id'])

    def test_no_provider_can_hold_it(self):
        result, entry = self.create('--min-ram 999999999')
        # --wait reports each status on stderr, then the one error line.
        self.assertEqual(1, result.returncode, result)
        self.assertIn('is FAILED: every provider refused',
                      base.error_lines(result.stderr)[-1])
        self.assertEqual('FAILED', entry['Status'])
        self.assertIsNone(entry['Instance'])
        skipped = {row['provider']: row for row in entry['Skipped']}
        self.assertEqual(self.providers, sorted(skipped))
        for provider in self.providers:
            self.assertEqual('no_flavor', skipped[provider]['reason'])
            self.assertIn('%s: no public flavor' % provider, entry['Fault'])

    def test_image_nobody_has(self):
        result, entry = self.create('--image-property os_distro=plan9')
        self.assertEqual('FAILED', entry['Status'])
        self.assertEqual(['no_image'] * len(self.providers),
                         [row['reason'] for row in entry['Skipped']])

    def test_provider_at_its_quota_skipped(self):
        first, second = self.providers
        admin = admin_nova(self.stack, first)
        project = project_id(self.stack, first)
        admin.quotas.update(project, instances=0)
        self.addCleanup(admin.quotas.delete, project)
        # The workers' cached limits of the provider expire.
        time.sleep(LIMITS_CACHE_SECONDS + 1)

        result, entry = self.create('--provider %s' % first)
        self.assertEqual(0, result.returncode, result)
        self.assertEqual(second, entry['Provider'])
        (skip,) = entry['Skipped']
        self.assertEqual((first, 'quota'), (skip['provider'],
                                            skip['reason']))
        self.assertIn('instances', skip['detail'])

    def test_provider_list_shows_each_nova_with_its_quota(self):
        def checked():
            rows = self.openstack_json('multistack provider list')
            rows = [row for row in rows if row['Provider'] in self.providers]
            if len(rows) == len(self.providers) and all(
                    row['Reachable'] for row in rows):
                return rows
            return None

        rows = base.wait_for(checked, 120, 'both Novas checked')
        for row in rows:
            self.assertEqual('nova', row['Driver'])
            for quota in ('Instances', 'Cores', 'RAM (MB)'):
                self.assertEqual({'used', 'limit'}, set(row[quota]), row)
                self.assertIsInstance(row[quota]['limit'], int)
        shown = self.openstack_json('multistack provider show %s'
                                    % self.providers[0])
        self.assertEqual(self.providers[0], shown['Provider'])


ALL_IN_ONE = """
[DEFAULT]
state_dir = %%(dir)s/state
bootstrap_simulated_accounts = 0
[api]
port = 0
[metering]
port = 0
[rabbit_management]
url = http://127.0.0.1:9/api/
timeout = 1
[worker]
provider_order = %(order)s
limits_cache_seconds = 1
status_poll_interval = 1
"""


class ProviderOrderTest(base.TestCase):
    """Each ``[worker] provider_order`` on an all-in-one of the test's own."""

    def setUp(self):
        super().setUp()
        self.providers = sorted(self.stack['nova'])
        self.require_providers()

    def start(self, order: str) -> tuple[str, str]:
        from openmultistack.tests.unit.cmd import test_server

        service = self.useFixture(test_server.ServiceProcess(
            'openmultistack-all', ALL_IN_ONE % {'order': order}))
        urls = service.wait_for_urls(2)
        api = urls['multistack-api']
        for provider in self.providers:
            account = {key: value for key, value in
                       self.stack['nova'][provider].items()
                       if key not in ('auth', 'endpoint', 'services')}
            response = requests.post(api + '/api/accounts/', json=account,
                                     timeout=30)
            self.assertEqual(201, response.status_code, response.text)
        return api, urls['metering-api']

    def boot(self, api: str) -> dict:
        response = requests.post(api + '/api/queues/', json={}, timeout=30)
        self.assertEqual(201, response.status_code, response.text)
        entry_id = response.json()['id']
        self.addCleanup(self._delete, api, entry_id)

        def settled():
            entry = requests.get('%s/api/queues/%d/' % (api, entry_id),
                                 timeout=30).json()
            return entry if entry['status'] in ('RUN', 'FAILED') else None

        entry = base.wait_for(settled, BOOT_TIMEOUT, 'entry %d' % entry_id)
        self.assertEqual('RUN', entry['status'], entry)
        return entry

    def _delete(self, api: str, entry_id: int) -> None:
        requests.delete('%s/api/queues/%d/' % (api, entry_id), timeout=30)
        base.wait_for(lambda: requests.get(
            '%s/api/queues/%d/' % (api, entry_id),
            timeout=30).status_code == 404, BOOT_TIMEOUT,
            'entry %d deleted' % entry_id)

    def order_events(self, metering_url: str) -> list[str]:
        """The events that tell the order the providers were tried in."""
        from omsclient.metering import client as metering

        logs = metering.get_client('2', endpoint=metering_url).logs
        return [record.desc for record in logs.list_all()
                if 'provider order' in record.desc]

    def providers_of(self, api: str, count: int) -> list[str]:
        """Boot ``count`` entries one after the other; their providers."""
        return [self.boot(api)['instance']['account']['provider']
                for _ in range(count)]

    def test_ordered_boots_on_the_first_account(self):
        api, metering = self.start('ordered')
        self.assertEqual([self.providers[0]] * 2, self.providers_of(api, 2))
        self.assertIn('provider order (ordered): %s'
                      % ', '.join(self.providers),
                      '\n'.join(self.order_events(metering)))

    def test_spread_takes_turns(self):
        api, metering = self.start('spread')
        first, second = self.providers
        self.assertEqual([first, second, first], self.providers_of(api, 3))

    def test_most_free_boots_where_the_quota_leaves_most_room(self):
        first, second = self.providers
        for provider, instances in ((first, 2), (second, 50)):
            admin = admin_nova(self.stack, provider)
            project = project_id(self.stack, provider)
            admin.quotas.update(project, instances=instances)
            self.addCleanup(admin.quotas.delete, project)
        api, metering = self.start('most-free')
        # Both untouched: the first by id; then the second has more room
        # left (49 of 50 instances, against 1 of 2).
        self.assertEqual([first, second, second], self.providers_of(api, 3))
        self.assertIn('provider order (most-free): %s, %s'
                      % (second, first), '\n'.join(self.order_events(
                          metering)))
