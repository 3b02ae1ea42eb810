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

"""The service without Keystone: ``--os-auth-type none`` and a named cloud."""

from omsclient.tests.functional import base


class NoAuthTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.endpoint = self.stack['oms_noauth']['api']
        self.require_http(self.endpoint + '/api/',
                          'the multistack API without Keystone')
        self.options = '--os-auth-type none --os-endpoint %s' % self.endpoint

    def test_endpoint_options(self):
        entry = self.openstack_json(
            'multistack queue create --wait --timeout 120', cloud=None,
            options=self.options)
        self.delete_at_cleanup(entry['ID'], None, self.options)
        self.assertEqual('RUN', entry['Status'])
        # The all-in-one service boots on its simulated providers.
        self.assertTrue(entry['Provider'].startswith('simulated-'), entry)

        ids = self.openstack(
            'multistack queue list -f value -c ID --status RUN', cloud=None,
            options=self.options).stdout.split()
        self.assertIn(str(entry['ID']), ids)

        self.openstack('multistack queue delete --wait --timeout 120 %s'
                       % entry['ID'], cloud=None, options=self.options)
        ids = self.openstack('multistack queue list -f value -c ID',
                             cloud=None, options=self.options).stdout.split()
        self.assertNotIn(str(entry['ID']), ids)

    def test_named_cloud(self):
        accounts = self.openstack_json('multistack account list',
                                       cloud='oms-noauth')
        self.assertEqual({'simulated'}, {a['Driver'] for a in accounts})
        self.assertGreaterEqual(len(accounts), 2)
        # The metering endpoint comes from the same cloud's override.
        log = self.openstack_json('metric log list', cloud='oms-noauth')
        self.assertIsInstance(log, list)

    def test_unreachable_endpoint(self):
        result = self.openstack(
            'multistack queue list', cloud=None,
            options='--os-auth-type none --os-endpoint http://127.0.0.1:9',
            fail_ok=True)
        self.assert_one_line_error(result, '127.0.0.1:9')
