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

"""The middleware in front of both applications, behind auth_token."""

import os

from oslo_middleware.healthcheck import opts as hc_opts
from werkzeug import test as wz_test

from openmultistack.api import app
from openmultistack.metering import app as metering_app
from openmultistack.tests.unit.api import test_auth_token
from openmultistack.tests.unit import base

PROXIED = {'X-Forwarded-Proto': 'https',
           'X-Forwarded-Host': 'cloud.example.com'}


class MiddlewareChecks(test_auth_token.AuthTokenMixin):

    def test_healthcheck_needs_no_token(self):
        self.assertEqual(200, self.request('GET', '/healthcheck').status_code)

    def test_healthcheck_drains_by_file(self):
        drain = os.path.join(self.state_dir, 'drain')
        with open(drain, 'w'):
            pass
        # Registered by the backend once it is loaded; set before.
        self.config.register_opts(hc_opts.DISABLE_BY_FILE_OPTS,
                                  group='healthcheck')
        self.config.config(group='healthcheck', backends=['disable_by_file'],
                           disable_by_file_path=drain)
        client = wz_test.Client(self.make_app())
        self.assertEqual(503, client.get('/healthcheck').status_code)

    def test_one_host_is_required(self):
        application = self.make_app()
        for protocol, host, status in (('HTTP/1.1', None, 400),
                                       ('HTTP/1.1', 'a, b', 400),
                                       ('HTTP/1.0', 'a, b', 400),
                                       ('HTTP/1.0', None, 200),
                                       ('HTTP/1.1', 'a', 200)):
            environ = wz_test.EnvironBuilder(
                path='/healthcheck').get_environ()
            environ['SERVER_PROTOCOL'] = protocol
            environ.pop('HTTP_HOST')
            if host is not None:
                environ['HTTP_HOST'] = host
            answer = wz_test.run_wsgi_app(application, environ)
            self.assertEqual(status, int(answer[1].split()[0]),
                             (protocol, host))
            if status == 400:
                self.assertEqual(b'Bad Request: one Host header is '
                                 b'required.\n', b''.join(answer[0]))


class TestAPIMiddleware(MiddlewareChecks, base.AppTestCase):

    app_module = app

    def root_links(self, headers) -> str:
        headers = dict(headers, **{'X-Auth-Token': self.member_token})
        return self.assertJSON(self.request('GET', '/api/',
                                            headers=headers), 200)['queues']

    def test_forwarded_headers_are_ignored_by_default(self):
        self.assertEqual('http://localhost/api/queues/',
                         self.root_links(PROXIED))

    def test_forwarded_headers_parsed_behind_a_proxy(self):
        self.config.config(group='oslo_middleware',
                           enable_proxy_headers_parsing=True)
        # Read when the application is built.
        self.assertEqual('http://localhost/api/queues/',
                         self.root_links(PROXIED))
        self.client = wz_test.Client(self.make_app())
        self.assertEqual('https://cloud.example.com/api/queues/',
                         self.root_links(PROXIED))


class TestMeteringMiddleware(MiddlewareChecks, base.AppTestCase):

    app_module = metering_app
