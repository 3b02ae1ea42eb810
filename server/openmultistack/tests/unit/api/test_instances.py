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


"""/api/instances/ over HTTP."""

from openmultistack.db import models
from openmultistack.tests.unit.api import base


class TestInstances(base.APITestCase):

    def setUp(self):
        super().setUp()
        self.account_id = self.add_account()
        self.queue_ids = [self.add_queue(status=models.RUN)
                          for _ in range(3)]
        self.instance_ids = [self.add_instance(queue_id, self.account_id)
                             for queue_id in self.queue_ids]

    def test_list_without_keys(self):
        response = self.request('GET', '/api/instances/')
        data = self.assertJSON(response, 200)
        self.assertEqual(self.instance_ids, [item['id'] for item in data])
        self.assertEqual(self.queue_ids, [item['queue_id'] for item in data])
        self.assertNotIn(b'key_raw', response.data)
        self.assertNotIn(b'PRIVATE KEY', response.data)

    def test_list_pagination(self):
        data = self.assertJSON(self.request(
            'GET', '/api/instances/?limit=1&marker=%d'
            % self.instance_ids[0]), 200)
        self.assertEqual([self.instance_ids[1]], [item['id'] for item in data])
        self.assertJSON(self.request('GET', '/api/instances/?marker=x'),
                        400)

    def test_filters(self):
        other = self.add_account(provider='prov-b', region_name='tyo1')
        queue_id = self.add_queue(status=models.RUN)
        instance_id = self.add_instance(queue_id, other)

        def listed(query):
            return [item['id'] for item in self.assertJSON(
                self.request('GET', '/api/instances/?' + query), 200)]

        self.assertEqual([instance_id], listed('provider=prov-b'))
        self.assertEqual(self.instance_ids, listed('provider=prov-a'))
        self.assertEqual([instance_id], listed('region_name=tyo1'))
        self.assertEqual([self.instance_ids[2], instance_id],
                         listed('provider=prov-a&provider=prov-b&marker=%d'
                                % self.instance_ids[1]))
        self.assertEqual(self.instance_ids[:1],
                         listed('provider=prov-a&limit=1'))
        self.assertEqual([], listed('provider=prov-c'))

    def test_marker_of_a_gone_instance(self):
        with self.session() as session:
            session.delete(session.get(models.Queue, self.queue_ids[1]))
        for marker in (self.instance_ids[1], 999):
            data = self.assertJSON(self.request(
                'GET', '/api/instances/?marker=%d' % marker), 400)
            self.assertEqual({'marker': ['Marker %d not found.' % marker]},
                             data)
        data = self.assertJSON(self.request(
            'GET', '/api/instances/?marker=%d' % self.instance_ids[0]), 200)
        self.assertEqual(self.instance_ids[2:], [item['id'] for item in data])

    def test_get(self):
        data = self.assertJSON(self.request(
            'GET', '/api/instances/%d/' % self.instance_ids[1]), 200)
        self.assertEqual('uuid-%d' % self.queue_ids[1], data['instance_id'])
        self.assertEqual('prov-a', data['account']['provider'])
        self.assertNotIn('key_raw', data)

    def test_private_key(self):
        response = self.request(
            'GET', '/api/instances/%d/private_key/' % self.instance_ids[2])
        data = self.assertJSON(response, 200)
        self.assertEqual({'key_name': 'key-%d' % self.queue_ids[2],
                          'key_raw': '-----BEGIN RSA PRIVATE KEY-----\n'
                                     'secret%d' % self.queue_ids[2]}, data)
        last = self.event_descs()[-1]
        self.assertIn('private key of instance', last)
        self.assertNotIn('secret', last)

    def test_unknown(self):
        for path in ('/api/instances/99/', '/api/instances/99/private_key/',
                     '/api/instances/x/'):
            self.assertJSON(self.request('GET', path), 404,
                            {'detail': 'Not found.'})
