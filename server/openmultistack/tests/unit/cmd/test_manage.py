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


"""What the console scripts say when they stop, in process."""

import io

import fixtures
from oslo_config import fixture as config_fixture

from openmultistack.cmd import manage
from openmultistack.common import service
from openmultistack import conf
from openmultistack.db import api as db_api
from openmultistack.tests.unit import base


class TestOneLine(base.BaseTestCase):

    def stop_line(self, body) -> str:
        stderr = io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', stderr))
        self.useFixture(fixtures.MonkeyPatch(
            'openmultistack.common.service._logging_ready', False))
        self.assertEqual(1, service.main(body))
        return stderr.getvalue()

    def test_control_characters_of_the_input_are_escaped(self):
        line = self.stop_line(
            lambda: manage.parse_date('\x1b[2J2016-01-01\r\nFAKE'))
        self.assertEqual(1, len(line.splitlines()), line)
        self.assertNotIn('\x1b', line)
        self.assertNotIn('\r', line)
        self.assertIn('"\\x1b[2J2016-01-01\\r\\nFAKE"', line)

    def test_printable_text_is_left_as_it_is(self):
        self.assertEqual('Ünïcode — 2016-01-01 ✓',
                         service.printable('Ünïcode — 2016-01-01 ✓'))


class TestOnAnEmptyDatabase(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        config = self.useFixture(config_fixture.Config(conf.CONF))
        conf.CONF([], project='openmultistack', default_config_files=[],
                  default_config_dirs=[])
        config.config(state_dir=self.useFixture(fixtures.TempDir()).path)
        db_api.dispose()
        self.addCleanup(db_api.dispose)
        self.useFixture(base.KeyRepository())

    def test_keys_commands_ask_for_db_sync(self):
        for command in (manage.keys_rotate, manage.keys_status):
            stderr = io.StringIO()
            self.useFixture(fixtures.MonkeyPatch('sys.stderr', stderr))
            self.useFixture(fixtures.MonkeyPatch(
                'openmultistack.common.service._logging_ready', False))
            self.assertEqual(1, service.main(command))
            self.assertIn('openmultistack-manage db sync', stderr.getvalue())
