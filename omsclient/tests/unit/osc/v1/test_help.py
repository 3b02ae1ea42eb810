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

import argparse
from importlib import metadata

from osc_lib.command import command
import testtools

from omsclient.tests.unit.osc.v1 import fakes

GROUP = 'openstack.multistack.v1'
EXPECTED = {
    'multistack_queue_create', 'multistack_queue_list',
    'multistack_queue_show', 'multistack_queue_delete',
    'multistack_account_create', 'multistack_account_list',
    'multistack_account_show', 'multistack_account_set',
    'multistack_account_delete', 'multistack_instance_list',
    'multistack_instance_show', 'multistack_instance_key_save',
    'multistack_provider_list', 'multistack_provider_show',
}


class TestEveryCommand(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.commands = {ep.name: ep.load()
                         for ep in metadata.entry_points(group=GROUP)}

    def test_every_entry_point_loads(self):
        self.assertEqual(EXPECTED, set(self.commands))
        for name, cls in self.commands.items():
            self.assertTrue(issubclass(cls, command.Command), name)

    def test_every_option_has_help(self):
        app = fakes.FakeApp(client=None)
        for name, cls in self.commands.items():
            instance = cls(app, None)
            parser = instance.get_parser(name.replace('_', ' '))
            self.assertTrue(parser.description, name)
            # The options of cliff itself (-f, -c, ...) are not ours.
            base = [b for b in (command.Lister, command.ShowOne,
                                command.Command) if issubclass(cls, b)][0]
            theirs = {a.dest for a in base.get_parser(instance, 'x')
                      ._actions}
            ours = [a for a in parser._actions if a.dest not in theirs]
            self.assertTrue(ours, name)
            for action in ours:
                self.assertTrue(action.help, '%s %s' % (name, action.dest))
                self.assertNotEqual(argparse.SUPPRESS, action.help, name)
