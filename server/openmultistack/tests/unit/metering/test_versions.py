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


"""``GET /`` and ``GET /v2``: the version documents of Ceilometer."""

from openmultistack.metering import app
from openmultistack.tests.unit import base

V2 = {
    'id': 'v2',
    'links': [{'href': 'http://localhost/v2', 'rel': 'self'},
              {'href': 'https://docs.openstack.org/', 'rel': 'describedby',
               'type': 'text/html'}],
    'media-types': [{'base': 'application/json',
                     'type': 'application/vnd.openstack.telemetry-v2+json'}],
    'status': 'stable',
    'updated': '2013-02-13T00:00:00Z',
}


class TestVersions(base.AppTestCase):

    def make_app(self):
        return app.create_app()

    def test_root(self):
        self.assertJSON(self.request('GET', '/'), 200,
                        {'versions': {'values': [V2]}})

    def test_v2(self):
        self.assertJSON(self.request('GET', '/v2'), 200, {'version': V2})

    def test_links_follow_the_host_asked(self):
        data = self.assertJSON(self.request(
            'GET', '/', base_url='http://metering.example.com:8777/'), 200)
        self.assertEqual('http://metering.example.com:8777/v2',
                         data['versions']['values'][0]['links'][0]['href'])
