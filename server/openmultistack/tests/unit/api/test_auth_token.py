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


"""Both applications behind the real keystonemiddleware ``auth_token``."""

from keystonemiddleware import fixture as ksm_fixture

from openmultistack.api import app
from openmultistack.metering import app as metering_app
from openmultistack.tests.unit import base


class AuthTokenMixin:

    def make_app(self):
        self.config.config(auth_strategy='keystone')
        self.config.config(www_authenticate_uri='http://keystone.test/v3',
                           group='keystone_authtoken')
        self.tokens = self.useFixture(ksm_fixture.AuthTokenFixture())
        self.member_token = 'member-token'
        self.tokens.add_token_data(
            token_id=self.member_token, project_id='project-a',
            user_id='alice', role_list=['member'])
        self.admin_token = 'admin-token'
        self.tokens.add_token_data(
            token_id=self.admin_token, project_id='admin-project',
            user_id='admin', role_list=['admin'])
        return self.app_module.create_app()


class TestAPIAuthToken(AuthTokenMixin, base.AppTestCase):

    app_module = app

    def test_valid_token(self):
        entry = self.assertJSON(self.request(
            'POST', '/api/queues/',
            headers={'X-Auth-Token': self.member_token}), 201)
        self.assertEqual('project-a', entry['project_id'])

    def test_garbage_token(self):
        response = self.request('GET', '/api/queues/',
                                headers={'X-Auth-Token': 'garbage'})
        self.assertJSON(response, 401,
                        {'detail': 'Invalid or expired token.'})
        self.assertIn('keystone.test', response.headers['WWW-Authenticate'])

    def test_no_token(self):
        self.assertJSON(self.request('GET', '/api/'), 401)


class TestMeteringAuthToken(AuthTokenMixin, base.AppTestCase):

    app_module = metering_app

    def test_admin_token(self):
        self.assertJSON(self.request(
            'GET', '/v2/logs', headers={'X-Auth-Token': self.admin_token}),
            200, [])

    def test_member_token_is_forbidden(self):
        data = self.assertJSON(self.request(
            'GET', '/v2/logs', headers={'X-Auth-Token': self.member_token}),
            403)
        self.assertIn('permission', data['error_message']['faultstring'])

    def test_garbage_token(self):
        data = self.assertJSON(self.request(
            'GET', '/v2/rabbit/overview', headers={'X-Auth-Token': 'bad'}),
            401)
        self.assertEqual('Invalid or expired token.',
                         data['error_message']['faultstring'])
