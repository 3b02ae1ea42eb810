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

"""The stack's ``nova-noauth`` driver at the HTTP boundary."""

from openmultistack.providers import base
from openmultistack.tests.unit.providers import test_nova

NOVA = test_nova.NOVA


class TestNoKeystoneNova(test_nova.NovaTestCase):

    def noauth(self):
        return self.provider(driver='nova-noauth', auth_url=NOVA,
                             username='oms', tenant_name='proj-a')

    def test_token_is_user_colon_project_without_keystone(self):
        self.noauth().find_flavor(None)
        self.assertEqual([], self.requests_to(test_nova.KEYSTONE))
        requests = self.requests_to(NOVA)
        self.assertTrue(requests)
        for request in requests:
            self.assertEqual('oms:proj-a', request.headers['X-Auth-Token'])

    def test_images_through_the_compute_proxy(self):
        self.http.get(NOVA + '/images/detail?name=cirros', json={'images': [
            {'id': test_nova.IMAGE_ID, 'name': 'cirros',
             'status': 'ACTIVE'}]})
        self.assertEqual(test_nova.IMAGE_ID,
                         self.noauth().find_image('cirros'))
        self.assertEqual([], self.requests_to(test_nova.GLANCE))
        [request] = self.requests_to(NOVA + '/images')
        self.assertEqual('2.35',
                         request.headers['X-OpenStack-Nova-API-Version'])

    def test_boots_without_a_network(self):
        self.http.post(NOVA + '/servers', status_code=202,
                       json={'server': {'id': test_nova.SERVER_ID}})
        server = self.noauth().boot('oms-1', test_nova.IMAGE_ID, '1',
                                    'oms-1', {})
        self.assertEqual(base.BUILD, server.status)
        self.assertEqual([], self.requests_to(test_nova.NEUTRON))
        [request] = self.requests_to(NOVA + '/servers', 'POST')
        self.assertEqual('none', request.json()['server']['networks'])

    def test_the_service_driver_wants_keystone(self):
        # The same account with the service's own driver: a password
        # authentication against auth_url, which is no Keystone.
        self.http.post(NOVA + '/auth/tokens', status_code=404)
        self.assertRaises(base.ProviderError,
                          self.provider(auth_url=NOVA).find_flavor, None)
        self.assertEqual([], [r for r in self.requests_to(NOVA)
                              if 'X-Auth-Token' in r.headers])
