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

"""Running the ``metric rabbit|log`` commands in unit tests.

The commands get a real metering client; requests-mock answers at the HTTP
boundary and cliff's formatters print into a buffer.
"""

import io
import json

from omsclient.tests.unit.metering import base
from omsclient.tests.unit.osc.v1 import fakes as v1_fakes


class TestCommand(base.TestCase):
    """A command test: real client, HTTP answered by requests-mock."""

    def setUp(self):
        super().setUp()
        self.client = self.metering_client()
        self.app = v1_fakes.FakeApp(None)
        self.app.client_manager.oms_metering = self.client

    def parse(self, command_class, argv):
        command = command_class(self.app, None)
        parser = command.get_parser('openstack metric')
        return command, parser.parse_args(argv)

    def run_command(self, command_class, argv):
        """Run a command; return what it printed on stdout."""
        self.app.stdout = io.StringIO()
        command, parsed_args = self.parse(command_class, argv)
        command.run(parsed_args)
        return self.app.stdout.getvalue()

    def run_json(self, command_class, argv):
        return json.loads(self.run_command(command_class,
                                           list(argv) + ['-f', 'json']))
