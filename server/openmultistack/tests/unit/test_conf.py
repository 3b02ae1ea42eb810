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


"""Options and policy rules as the generators see them."""

import importlib.metadata
import os
import pathlib
import stat
import subprocess
import sys
import tempfile

from oslo_policy import policy as oslo_policy

from openmultistack.common import policy
from openmultistack import conf
from openmultistack.db import api as db_api
from openmultistack import providers
from openmultistack.tests.unit import base


def _entry_point(group, name):
    for entry_point in importlib.metadata.entry_points(group=group):
        if entry_point.name == name:
            return entry_point.load()
    raise AssertionError('no entry point %s in %s' % (name, group))


class TestOpts(base.BaseTestCase):

    def test_list_opts_covers_every_registered_group(self):
        list_opts = _entry_point('oslo.config.opts', 'openmultistack')
        groups = {getattr(group, 'name', group): {opt.dest for opt in opts}
                  for group, opts in list_opts()}
        self.assertEqual({'DEFAULT', 'api', 'encryption', 'metering',
                          'rabbit_management', 'simulated', 'worker'},
                         set(groups))
        for name, dests in groups.items():
            section = conf.CONF if name == 'DEFAULT' else conf.CONF[name]
            for dest in dests:
                # Registered on CONF, with a usable default.
                getattr(section, dest)

    def test_the_service_registers_no_test_driver(self):
        # Fault injection and the stack's Nova without Keystone come from
        # tools/stack/providers, installed by the test environments only.
        service = importlib.metadata.distribution('openmultistack')
        self.assertEqual({'nova', 'simulated'},
                         {entry_point.name
                          for entry_point in service.entry_points
                          if entry_point.group == providers.NAMESPACE})

    def test_secrets_are_marked(self):
        list_opts = _entry_point('oslo.config.opts', 'openmultistack')
        secret = {(getattr(group, 'name', group), opt.dest)
                  for group, opts in list_opts() for opt in opts
                  if opt.secret}
        self.assertEqual({('rabbit_management', 'password')}, secret)

    def test_database_group_is_oslo_db(self):
        list_opts = _entry_point('oslo.config.opts', 'oslo.db')
        [(group, opts)] = list_opts()
        self.assertEqual('database', group)
        for opt in opts:
            # Registered on CONF, with a usable default.
            getattr(conf.CONF.database, opt.dest)
        self.assertTrue({opt.dest: opt for opt in opts}['connection'].secret)


class TestPoolSize(base.TestCase):

    def test_one_connection_per_thread_by_default(self):
        self.config.config(group='api', threads=10)
        self.config.config(group='metering', threads=3)
        self.config.config(group='worker', max_concurrent_boots=7)
        self.assertEqual(10 + 3 + 7 + 2, db_api.pool_size())

    def test_max_pool_size_raises_it(self):
        self.config.config(group='database', max_pool_size=4)
        self.assertEqual(16 + 8 + 64 + 2, db_api.pool_size())
        self.config.config(group='database', max_pool_size=120)
        self.assertEqual(120, db_api.pool_size())


class TestDatabaseUrl(base.TestCase):

    def test_sqlite_file_is_for_its_owner_only(self):
        # A state directory created by someone else, open to everybody.
        state_dir = os.path.join(self.state_dir, 'made-by-a-script')
        os.mkdir(state_dir, 0o755)
        self.config.config(state_dir=state_dir)
        path = os.path.join(state_dir, 'openmultistack.sqlite')
        self.assertEqual('sqlite:///%s' % path, conf.database_url())
        self.assertEqual(0o600, stat.S_IMODE(os.stat(path).st_mode))

    def test_existing_sqlite_file_is_made_private(self):
        path = os.path.join(self.state_dir, 'openmultistack.sqlite')
        with open(path, 'wb'):
            pass
        os.chmod(path, 0o644)
        conf.database_url()
        self.assertEqual(0o600, stat.S_IMODE(os.stat(path).st_mode))


class TestPolicyRules(base.BaseTestCase):

    def test_entry_point(self):
        rules = _entry_point('oslo.policy.policies', 'openmultistack')()
        names = [rule.name for rule in rules]
        self.assertEqual(len(names), len(set(names)))
        self.assertIn('multistack:instance:private_key', names)
        for rule in rules:
            self.assertIsInstance(rule, oslo_policy.RuleDefault)

    def test_private_key_is_not_for_admins_of_other_projects(self):
        rules = {rule.name: rule for rule in policy.list_rules()}
        rule = rules['multistack:instance:private_key']
        self.assertEqual('rule:project_member_api', rule.check_str)
        self.assertEqual('role:member and project_id:%(project_id)s',
                         rules['project_member_api'].check_str)
        self.assertEqual('project_id:%(project_id)s',
                         rule.deprecated_rule.check_str)

    def test_api_rules_are_documented_for_projects(self):
        for rule in policy.list_rules():
            if ':' in rule.name:
                self.assertIsInstance(rule, oslo_policy.DocumentedRuleDefault)
                self.assertEqual(['project'], rule.scope_types, rule.name)


class TestSampleConfig(base.TestCase):
    """The sample configuration says what the code registers."""

    def test_sample_is_current(self):
        server = pathlib.Path(__file__).resolve().parents[3]
        generator = server / 'etc' / 'oslo-config-generator' / (
            'openmultistack.conf')
        sample = server / 'etc' / 'openmultistack' / (
            'openmultistack.conf.sample')
        if not (generator.exists() and sample.exists()):
            self.skipTest('not run from a source tree')
        with tempfile.TemporaryDirectory() as directory:
            output = pathlib.Path(directory) / 'sample'
            subprocess.run(
                [sys.executable, '-m', 'oslo_config.generator',
                 '--config-file', str(generator),
                 '--output-file', str(output)],
                check=True, capture_output=True, timeout=120)
            self.assertEqual(
                sample.read_text(), output.read_text(),
                'the sample is out of date: run tox -e genconfig')
