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

"""Keystone roles: members see their project, admins see and manage all."""

from omsclient.tests.functional import base


class RBACTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.require_http(self.stack['oms']['api'] + '/api/',
                          'the multistack API')

    def _create(self, cloud):
        entry = self.openstack_json('multistack queue create', cloud=cloud)
        self.delete_at_cleanup(entry['ID'], 'oms-admin')
        return entry['ID']

    def _listed(self, cloud):
        return {row['ID'] for row in
                self.openstack_json('multistack queue list', cloud=cloud)}

    def test_member_sees_only_its_project(self):
        mine = self._create('oms-member')
        theirs = self._create('oms-admin')

        member_view = self._listed('oms-member')
        self.assertIn(mine, member_view)
        self.assertNotIn(theirs, member_view)
        admin_view = self._listed('oms-admin')
        self.assertIn(mine, admin_view)
        self.assertIn(theirs, admin_view)

        result = self.openstack('multistack queue show %s' % theirs,
                                cloud='oms-member', fail_ok=True)
        self.assert_one_line_error(result, str(theirs))
        result = self.openstack('multistack queue delete %s' % theirs,
                                cloud='oms-member', fail_ok=True)
        self.assertNotEqual(0, result.returncode)
        self.assertIn(theirs, self._listed('oms-admin'))

    def test_accounts_need_admin(self):
        providers = {row['Provider'] for row in self.openstack_json(
            'multistack account list', cloud='oms-admin')}
        self.assertTrue(set(self.stack['nova']) <= providers, providers)

        result = self.openstack('multistack account list',
                                cloud='oms-member', fail_ok=True)
        self.assert_one_line_error(result)
        result = self.openstack(
            'multistack account create --provider intruder --driver nova '
            '--username u --password secret-value --auth-url '
            'http://127.0.0.1:9/v3 --tenant-name t --region RegionOne',
            cloud='oms-member', fail_ok=True)
        self.assert_one_line_error(result)
        self.assertNotIn('secret-value', result.stderr + result.stdout)
        providers = {row['Provider'] for row in self.openstack_json(
            'multistack account list', cloud='oms-admin')}
        self.assertNotIn('intruder', providers)

    def test_garbage_token(self):
        # The token reaches the service itself, which asks Keystone.
        result = self.openstack(
            'multistack queue list', cloud=None, fail_ok=True,
            options='--os-auth-type admin_token --os-token garbage '
                    '--os-endpoint %s --os-cacert %s'
                    % (self.stack['oms']['api'], self.stack['ca_file']))
        self.assert_one_line_error(result)
        self.assertNotIn('garbage', result.stderr)

    def test_garbage_token_for_keystone(self):
        # Keystone itself refuses the token before any catalog lookup.
        result = self.openstack(
            'multistack queue list', cloud=None, fail_ok=True,
            options='--os-auth-type token --os-token garbage '
                    '--os-auth-url %s --os-project-name demo '
                    '--os-project-domain-name Default'
                    % self.stack['keystone']['auth_url'])
        self.assert_one_line_error(result)
