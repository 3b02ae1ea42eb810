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

"""Provider outages: the service boots on whichever provider still works."""

import json

from omsclient.tests.functional import base
from omsclient.tests.functional import compute


class FailoverTest(base.TestCase):

    cloud = 'oms-member'

    def setUp(self):
        super().setUp()
        self.providers = sorted(self.stack['nova'])
        self.require_providers()

    def _newest_ids(self, after: int) -> list[int]:
        rows = self.openstack_json('multistack queue list', cloud=self.cloud)
        return sorted(row['ID'] for row in rows if row['ID'] > after)

    def _last_id(self) -> int:
        return max(self._newest_ids(0) or [0])

    def _service(self, provider: str, role: str) -> str:
        return self.stack['nova'][provider]['services'][role]

    def test_first_provider_down(self):
        first, second = self.providers
        api = self._service(first, 'api')
        self.stackctl('kill', api)
        self.restart_at_cleanup(api)
        self._boots_on(second)

    def test_first_providers_compute_down(self):
        # Its API answers; its scheduler finds no host once the compute
        # stopped reporting, and the server goes to ERROR there.
        first, second = self.providers
        nova = compute.admin_client(self.stack, first)
        self.stackctl('stop', self._service(first, 'compute'))
        self.addCleanup(base.wait_for, lambda: compute.compute_up(nova), 120,
                        "%s's nova-compute to report again" % first)
        self.restart_at_cleanup(self._service(first, 'compute'))
        base.wait_for(lambda: not compute.compute_up(nova), 120,
                      "%s's nova-compute to be taken for down" % first)
        self._boots_on(second)

    def _boots_on(self, second: str) -> None:
        entry = self.openstack_json(
            'multistack queue create --wait --timeout 300', cloud=self.cloud)
        self.delete_at_cleanup(entry['ID'], self.cloud)
        self.assertEqual('RUN', entry['Status'])
        self.assertEqual(second, entry['Provider'])
        nova = compute.client(self.stack, second)
        server = nova.servers.get(entry['Instance']['instance_id'])
        self.assertEqual('ACTIVE', server.status)

    def test_every_provider_down(self):
        before = self._last_id()
        apis = [self._service(provider, 'api')
                for provider in self.providers]
        for api in apis:
            self.stackctl('kill', api)
        self.restart_at_cleanup(*apis)

        result = self.openstack(
            'multistack queue create --wait --timeout 300 -f json',
            cloud=self.cloud, fail_ok=True)
        self.assertNotEqual(0, result.returncode, result)
        self.assertNotIn('Traceback', result.stderr)
        self.assertIn('FAILED', result.stderr)

        new = self._newest_ids(before)
        self.assertEqual(1, len(new), new)
        self.delete_at_cleanup(new[0], self.cloud)
        entry = self.openstack_json('multistack queue show %s' % new[0],
                                    cloud=self.cloud)
        self.assertEqual('FAILED', entry['Status'])
        self.assertTrue(entry['Fault'])
        self.assertIsNone(entry['Instance'])

        # Each provider's refusal of this entry is in the system log.
        rows = [json.dumps(row) for row in
                self.openstack_json('metric log list --limit 100')]
        mine = [row for row in rows if 'queue %d:' % new[0] in row]
        for provider in self.providers:
            self.assertTrue([row for row in mine if provider in row],
                            'no event of queue %d names %s: %s'
                            % (new[0], provider, mine))
