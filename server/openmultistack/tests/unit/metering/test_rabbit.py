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


"""/v2/rabbit/<item> against a mocked RabbitMQ management API."""

import base64
import json

from oslo_policy import policy as oslo_policy
import requests
import requests_mock

from openmultistack.common import policy
from openmultistack.metering import app
from openmultistack.metering import rabbit
from openmultistack.tests.unit import base
from openmultistack.tests.unit.metering import rabbit_answers

RABBIT = 'http://rabbit.test:15672/api/'


class TestRabbit(base.AppTestCase):

    def make_app(self):
        self.config.config(url=RABBIT, username='monitor',
                           password='Rabbit-Secret-3',
                           group='rabbit_management')
        return app.create_app()

    def setUp(self):
        super().setUp()
        self.rabbit = requests_mock.Mocker()
        self.rabbit.start()
        self.addCleanup(self.rabbit.stop)

    def assertFault(self, response, status, text):
        data = self.assertJSON(response, status)
        self.assertIn(text, data['error_message']['faultstring'])
        self.assertEqual('Client' if status < 500 else 'Server',
                         data['error_message']['faultcode'])
        return data

    def test_overview_is_an_object(self):
        self.rabbit.get(RABBIT + 'overview', json=rabbit_answers.OVERVIEW)
        data = self.assertJSON(self.request('GET', '/v2/rabbit/overview'),
                               200)
        self.assertEqual(rabbit_answers.OVERVIEW, data)
        sent = self.rabbit.last_request
        credentials = base64.b64encode(b'monitor:Rabbit-Secret-3').decode()
        self.assertEqual('Basic ' + credentials,
                         sent.headers['Authorization'])
        self.assertEqual(10.0, sent.timeout)

    def test_lists_pass_through(self):
        for item, answer in (('queues', rabbit_answers.QUEUES),
                             ('nodes', rabbit_answers.NODES),
                             ('bindings', [])):
            self.rabbit.get(RABBIT + item, json=answer)
            self.assertEqual(answer, self.assertJSON(
                self.request('GET', '/v2/rabbit/%s' % item), 200))

    def test_long_list_is_relayed_in_pieces(self):
        queues = [dict(rabbit_answers.QUEUES[0], name='q%d' % number)
                  for number in range(3000)]
        body = json.dumps(queues).encode()
        self.assertGreater(len(body), 2 * rabbit.CHUNK_SIZE)
        self.rabbit.get(RABBIT + 'queues', content=body)
        response = self.client.get('/v2/rabbit/queues', buffered=False)
        chunks = list(response.response)
        self.assertGreater(len(chunks), 2)
        self.assertEqual(body, b''.join(chunks))

    def test_every_known_item(self):
        for item in rabbit.ITEMS:
            answer = {} if item in rabbit.OBJECT_ITEMS else []
            self.rabbit.get(RABBIT + item, json=answer)
            self.assertJSON(self.request('GET', '/v2/rabbit/' + item), 200,
                            answer)

    def test_unknown_item(self):
        data = self.assertFault(self.request('GET', '/v2/rabbit/whoami'),
                                404, 'Unknown item "whoami"')
        for item in rabbit.ITEMS:
            self.assertIn(item, data['error_message']['faultstring'])
        self.assertFalse(self.rabbit.called)

    def test_rabbit_down(self):
        self.rabbit.get(RABBIT + 'overview',
                        exc=requests.exceptions.ConnectionError('refused'))
        self.assertFault(self.request('GET', '/v2/rabbit/overview'), 503,
                         'unreachable')

    def test_rabbit_timeout(self):
        self.rabbit.get(RABBIT + 'users',
                        exc=requests.exceptions.ReadTimeout('slow'))
        self.assertFault(self.request('GET', '/v2/rabbit/users'), 503,
                         'unreachable')

    def test_rabbit_refuses_credentials(self):
        self.rabbit.get(RABBIT + 'users', status_code=401,
                        json={'error': 'not_authorised',
                              'reason': 'Login failed'})
        self.assertFault(self.request('GET', '/v2/rabbit/users'), 502,
                         'credentials')
        self.assertNotIn('Rabbit-Secret-3', self.logs.output)

    def test_rabbit_error(self):
        self.rabbit.get(RABBIT + 'nodes', status_code=500, text='oops')
        self.assertFault(self.request('GET', '/v2/rabbit/nodes'), 502,
                         'HTTP 500')

    def test_rabbit_answers_html(self):
        self.rabbit.get(RABBIT + 'nodes', text='<html>proxy error</html>')
        self.assertFault(self.request('GET', '/v2/rabbit/nodes'), 502,
                         'other than JSON')

    def test_object_where_a_list_is_expected(self):
        self.rabbit.get(RABBIT + 'nodes', json={'error': 'x'})
        self.assertFault(self.request('GET', '/v2/rabbit/nodes'), 502,
                         'other than JSON')

    def test_unacceptable_accept(self):
        self.assertFault(self.request(
            'GET', '/v2/rabbit/users', headers={'Accept': 'text/plain'}),
            406, 'Accept')

    def test_users_without_password_hash(self):
        self.rabbit.get(RABBIT + 'users', json=rabbit_answers.USERS)
        data = self.assertJSON(self.request('GET', '/v2/rabbit/users'), 200)
        self.assertEqual([{'name': 'guest',
                           'hashing_algorithm':
                               'rabbit_password_hashing_sha256',
                           'tags': ['administrator'], 'limits': {}}], data)

    def test_operator_exposes_password_hash_without_auth(self):
        self.config.config(expose_password_hash_without_auth=True,
                           group='metering')
        self.rabbit.get(RABBIT + 'users', json=rabbit_answers.USERS)
        self.assertJSON(self.request('GET', '/v2/rabbit/users'), 200,
                        rabbit_answers.USERS)

    def test_users_that_are_not_a_list(self):
        for answer in ({'text': '<html>proxy error</html>'},
                       {'json': {'error': 'x'}}):
            self.rabbit.get(RABBIT + 'users', **answer)
            self.assertFault(self.request('GET', '/v2/rabbit/users'), 502,
                             'other than JSON')


def identity(roles):
    return {'X-Identity-Status': 'Confirmed', 'X-Project-Id': 'project-a',
            'X-User-Id': 'user-1', 'X-Roles': roles}


class TestRabbitKeystone(base.AppTestCase):
    """Under Keystone, the policy decides who sees the password hashes."""

    def make_app(self):
        self.config.config(auth_strategy='keystone')
        self.config.config(url=RABBIT, group='rabbit_management')
        # Members may read RabbitMQ figures here, as an operator may allow.
        enforcer = policy.get_enforcer()
        enforcer.load_rules()
        enforcer.set_rules(oslo_policy.Rules.from_dict(
            {'metering:rabbit:get': 'role:admin or role:member'}),
            overwrite=False, use_conf=False)
        return app.create_flask_app()

    def setUp(self):
        super().setUp()
        self.rabbit = requests_mock.Mocker()
        self.rabbit.start()
        self.addCleanup(self.rabbit.stop)
        self.rabbit.get(RABBIT + 'users', json=rabbit_answers.USERS)

    def users(self, roles):
        return self.assertJSON(self.request(
            'GET', '/v2/rabbit/users', headers=identity(roles)), 200)

    def test_admin_sees_password_hash(self):
        self.assertEqual(rabbit_answers.USERS, self.users('admin'))

    def test_member_does_not(self):
        # Whatever the option for services without Keystone says.
        self.config.config(expose_password_hash_without_auth=True,
                           group='metering')
        users = self.users('member')
        self.assertEqual(['guest'], [user['name'] for user in users])
        self.assertNotIn('password_hash', users[0])
