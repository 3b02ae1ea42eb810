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

"""A thousand entries through ``-f json`` and through the Python API."""

import collections.abc

from omsclient.tests.functional import base

COUNT = 1000


class LargeListTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.require_http(self.stack['oms_noauth']['api'] + '/api/',
                          'the multistack API without Keystone')
        self.client = self.python_client(None)
        self.options = ('--os-auth-type none --os-endpoint %s'
                        % self.stack['oms_noauth']['api'])
        self._pause_providers()
        self.seeded = self._seed()

    def _pause_providers(self):
        """Keep the worker from booting the seeded entries."""
        accounts = [a for a in self.client.accounts.list()
                    if a.status == 'available']
        for account in accounts:
            self.client.accounts.update(account.id, status='unavailable')
            self.addCleanup(self.client.accounts.update, account.id,
                            status='available')

    def _seed(self):
        seeded = [self.client.queues.create().id for _ in range(COUNT)]
        self.addCleanup(self._delete, seeded)
        return seeded

    def _delete(self, ids):
        for queue_id in ids:
            self.client.queues.delete(queue_id)

    def test_command_output(self):
        rows = self.openstack_json('multistack queue list', cloud=None,
                                   options=self.options)
        ids = [row['ID'] for row in rows]
        self.assertEqual(sorted(ids), ids)
        self.assertLessEqual(set(self.seeded), set(ids))

        values = self.openstack('multistack queue list -f value -c ID',
                                cloud=None, options=self.options)
        self.assertEqual([str(i) for i in ids], values.stdout.split())

    def test_python_api(self):
        entries = self.client.queues.list()
        # A sequence read on demand, as every list of the library.
        self.assertIsInstance(entries, collections.abc.Sequence)
        ids = [entry.id for entry in entries]
        self.assertEqual(sorted(ids), ids)
        self.assertLessEqual(set(self.seeded), set(ids))

        page = self.client.queues.list(limit=100, marker=self.seeded[99])
        self.assertEqual(self.seeded[100:200], [e.id for e in page])
