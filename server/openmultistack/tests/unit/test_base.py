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

"""The time limit every test of the service runs under."""

import threading

import fixtures
import testtools

from openmultistack.tests.unit import base


class Stuck(base.BaseTestCase):
    """A test that waits much longer than its limit (not collected)."""

    def wait_long(self):
        threading.Event().wait(30)


class TestTimeout(testtools.TestCase):
    """Plain testtools: the stuck test's limit would replace our own."""

    def run_stuck(self, timeout):
        self.useFixture(fixtures.EnvironmentVariable(base.TIMEOUT_ENV,
                                                     timeout))
        result = testtools.TestResult()
        Stuck('wait_long').run(result)
        return result

    def test_a_stuck_test_is_interrupted(self):
        result = self.run_stuck('1')
        self.assertEqual(1, len(result.errors))
        self.assertIn('TimeoutException', str(result.errors[0][1]))

    def test_limit_from_the_environment(self):
        for value, expected in (('7', 7), ('0', 0), ('', 120),
                                ('soon', 120), ('-5', 0)):
            self.useFixture(fixtures.EnvironmentVariable(base.TIMEOUT_ENV,
                                                         value))
            self.assertEqual(expected, base.test_timeout())
        self.useFixture(fixtures.EnvironmentVariable(base.TIMEOUT_ENV))
        self.assertEqual(120, base.test_timeout())
