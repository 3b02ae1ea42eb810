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

"""Our plugins load beside gnocchiclient's ``openstack metric`` commands."""

from omsclient.tests.functional import base


class PluginsTest(base.TestCase):

    def test_gnocchiclient_is_installed(self):
        # Without it this test would prove nothing.
        result = self.openstack('module list -f json', cloud=None)
        self.assertIn('gnocchiclient', result.stdout)

    def test_both_metric_command_sets_load(self):
        ours = self.openstack('help metric rabbit show', cloud=None)
        self.assertIn('metric rabbit show', ours.stdout)
        gnocchi = self.openstack('help metric list', cloud=None)
        self.assertIn('metric list', gnocchi.stdout)
        self.assertNotIn('rabbit', gnocchi.stdout)
        self.assertEqual('', ours.stderr.strip())

    def test_metric_rabbit_show_runs_with_gnocchiclient(self):
        shown = self.openstack_json('metric rabbit show')
        self.assertTrue(shown)

    def test_command_groups(self):
        commands = self.openstack('command list -f json', cloud=None).stdout
        for name in ('multistack queue create', 'metric rabbit list',
                     'metric log list', 'metric list'):
            self.assertIn('"%s"' % name, commands)
