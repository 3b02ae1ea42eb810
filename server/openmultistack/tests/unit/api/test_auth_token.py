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

import fixtures
from keystoneauth1 import loading
from keystonemiddleware import fixture as ksm_fixture
from oslo_config import cfg

from openmultistack.api import app
from openmultistack.common import auth
from openmultistack import conf
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


class DefaultAuthMixin:
    """A configuration that does not set ``auth_strategy``."""

    auth_strategy = None

    def make_app(self):
        self.config.config(www_authenticate_uri='http://keystone.test/v3',
                           group='keystone_authtoken')
        return self.app_module.create_app()

    def test_keystone_must_be_configured(self):
        self.config.conf.clear_override('www_authenticate_uri',
                                        group='keystone_authtoken')
        error = self.assertRaises(auth.NotConfigured,
                                  self.app_module.create_app)
        self.assertIn('auth_strategy = keystone (the default) needs '
                      '[keystone_authtoken]', str(error))

    def test_default_is_keystone(self):
        self.assertEqual('keystone', self.config.conf.auth_strategy)


class TestAPIDefaultAuth(DefaultAuthMixin, base.AppTestCase):

    app_module = app

    def test_no_token_is_401(self):
        for path in ('/api/', '/api/queues/', '/api/accounts/',
                     '/api/instances/1/private_key/'):
            self.assertJSON(self.request('GET', path), 401, {
                'detail': 'Authentication credentials were not provided.'})
        self.assertJSON(self.request('POST', '/api/queues/'), 401)


class TestMeteringDefaultAuth(DefaultAuthMixin, base.AppTestCase):

    app_module = metering_app

    def test_no_token_is_401(self):
        for path in ('/v2/logs', '/v2/rabbit/users'):
            data = self.assertJSON(self.request('GET', path), 401)
            self.assertIn('faultstring', data['error_message'])


class TestIncompleteKeystoneOptions(base.BaseTestCase):

    def test_one_line_names_the_missing_option(self):
        # A configuration of its own: the options of an auth plugin stay
        # registered once loaded.
        config = cfg.ConfigOpts()
        conf.default.register_opts(config)
        loading.register_auth_conf_options(config, auth.GROUP)
        config([], default_config_files=[])
        config.set_override('auth_strategy', 'keystone')
        config.set_override('auth_type', 'password', auth.GROUP)
        self.useFixture(fixtures.MonkeyPatch(
            'openmultistack.common.auth.CONF', config))
        error = self.assertRaises(auth.NotConfigured, auth.wrap, object())
        self.assertEqual('[keystone_authtoken]: Auth plugin requires '
                         'parameters which were not given: auth_url',
                         str(error))
