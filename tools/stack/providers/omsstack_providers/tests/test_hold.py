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

"""The ``held`` driver's own checks; holding a worker is tested with the
worker, in ``openmultistack.tests.unit.worker.test_faults``."""

import fixtures
from omsstack_providers import hold
from oslo_config import fixture as config_fixture

from openmultistack import conf
from openmultistack import providers
from openmultistack.providers import base
from openmultistack.tests.unit import base as test_base
from openmultistack.tests.unit.providers import test_simulated


class TestHeldProvider(test_base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.config = self.useFixture(config_fixture.Config(conf.CONF))
        hold.register_opts(conf.CONF)

    def held(self):
        return providers.get_provider(test_simulated.Account(
            driver=hold.NAME, provider='sim',
            auth_url='simulated://sim?boot_seconds=0'), 1)

    def test_wraps_the_configured_driver(self):
        provider = self.held()
        self.assertIsInstance(provider.wrapped,
                              providers.driver_class('simulated'))
        self.assertEqual('1', provider.find_flavor('m1.tiny'))
        self.assertEqual(provider.wrapped.list_flavors(),
                         provider.list_flavors())
        self.assertIn('ubuntu-24.04',
                      [image.name for image in provider.list_images()])
        provider.create_keypair('oms-1')
        self.assertTrue(provider.has_keypair('oms-1'))

    def test_cannot_wrap_itself(self):
        self.config.config(group=hold.GROUP, driver=hold.NAME)
        exc = self.assertRaises(base.ProviderError, self.held)
        self.assertIn('cannot be held itself', str(exc))

    def test_holding_needs_a_marker_directory(self):
        self.config.config(group=hold.GROUP, hold_at=[hold.BOOT])
        exc = self.assertRaises(base.ProviderError, self.held)
        self.assertIn('hold_at needs marker_dir', str(exc))

    def test_an_untimed_hold_times_out(self):
        markers = self.useFixture(fixtures.TempDir()).path
        self.config.config(group=hold.GROUP, hold_at=[hold.IMPORT_KEYPAIR],
                           marker_dir=markers)
        provider = self.held()
        self.assertRaises(base.ProviderTimeout, provider.create_keypair,
                          'oms-7')
        self.assertFalse(provider.has_keypair('oms-7'))
        # Once per entry: the marker is there, the call goes through.
        provider.create_keypair('oms-7')
        self.assertTrue(provider.has_keypair('oms-7'))
