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

"""The reads answered in front of Flask answer exactly as Flask does."""

import json

from werkzeug import test as wz_test

from openmultistack.api import app
from openmultistack.api import fastpath
from openmultistack.tests.unit.api import base

REQUEST_ID = 'x-openstack-request-id'


def member(project, roles='member'):
    return {'X-Identity-Status': 'Confirmed', 'X-Project-Id': project,
            'X-User-Id': 'user-' + project, 'X-Roles': roles}


class CountingApp:
    """The Flask application, counting the requests that reach it."""

    def __init__(self, application):
        self.application = application
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.application(environ, start_response)


class FastPathTestCase(base.APITestCase):

    def make_app(self):
        self.flask = CountingApp(app.create_flask_app())
        self.plain = wz_test.Client(app.create_flask_app())
        return fastpath.wrap(self.flask)

    def answers(self, path, headers=None, method='GET', **kwargs):
        """The answers of both applications, after checking they match."""
        fast = self.client.open(path, method=method, headers=headers,
                                **kwargs)
        plain = self.plain.open(path, method=method, headers=headers,
                                **kwargs)
        self.assertEqual(plain.status, fast.status)
        self.assertEqual(plain.get_data(), fast.get_data())
        fast_headers = [(name, value) for name, value in fast.headers
                        if name != REQUEST_ID]
        plain_headers = [(name, value) for name, value in plain.headers
                         if name != REQUEST_ID]
        self.assertEqual(plain_headers, fast_headers)
        self.assertTrue(fast.headers[REQUEST_ID].startswith('req-'))
        return fast

    def assertFast(self, path, headers=None, **kwargs):
        before = self.flask.calls
        response = self.answers(path, headers, **kwargs)
        self.assertEqual(before, self.flask.calls,
                         '%s went to Flask' % path)
        return response

    def assertFlask(self, path, headers=None, **kwargs):
        before = self.flask.calls
        response = self.answers(path, headers, **kwargs)
        self.assertEqual(before + 1, self.flask.calls,
                         '%s did not go to Flask' % path)
        return response


class TestNoAuth(FastPathTestCase):

    def setUp(self):
        super().setUp()
        account = self.add_account()
        self.ids = [self.add_queue(status='REQUEST', image='img-%d' % n,
                                   name='vm-\u00e9-%d' % n)
                    for n in range(7)]
        self.add_instance(self.ids[1], account)

    def test_one_entry(self):
        for queue_id in self.ids[:3]:
            response = self.assertFast('/api/queues/%d/' % queue_id)
            self.assertEqual(queue_id, json.loads(response.get_data())['id'])
        # Its instance, and a name beyond ASCII escaped as before.
        entry = json.loads(self.assertFast(
            '/api/queues/%d/' % self.ids[1]).get_data())
        self.assertEqual('vm-%d' % self.ids[1], entry['instance']['name'])
        self.assertIn(b'vm-\\u00e9-1', self.assertFast(
            '/api/queues/%d/' % self.ids[1]).get_data())

    def test_lists(self):
        for path in ('/api/queues/', '/api/queues/?limit=3',
                     '/api/queues/?marker=%d' % self.ids[2],
                     '/api/queues/?limit=2&marker=%d' % self.ids[4],
                     '/api/queues/?marker=%d' % self.ids[-1]):
            self.assertFast(path)
        data = json.loads(self.assertFast(
            '/api/queues/?limit=2&marker=%d' % self.ids[4]).get_data())
        self.assertEqual(self.ids[5:7], [entry['id'] for entry in data])

    def test_a_list_longer_than_a_batch_is_streamed(self):
        self.config.config(group='api', list_batch_size=2)
        response = self.assertFast('/api/queues/')
        self.assertNotIn('Content-Length', response.headers)
        self.assertEqual(self.ids, [entry['id'] for entry in
                                    json.loads(response.get_data())])
        # One batch: answered whole, with its length.
        response = self.assertFast('/api/queues/?limit=2')
        self.assertEqual(str(len(response.get_data())),
                         response.headers['Content-Length'])

    def test_access_log_lines_are_the_same(self):
        self.assertFast('/api/queues/%d/' % self.ids[0])
        self.assertFast('/api/queues/?limit=3')
        lines = [line for line in self.logs.output.splitlines()
                 if 'status: 200' in line]
        self.assertEqual(
            ['None "GET /api/queues/%d/" status: 200' % self.ids[0]] * 2
            + ['None "GET /api/queues/?limit=3" status: 200'] * 2,
            lines)
        self.assertFast('/api/queues/', environ_base={
            'REMOTE_ADDR': '192.0.2.9'})
        self.assertIn('192.0.2.9 "GET /api/queues/" status: 200',
                      self.logs.output)

    def test_everything_else_goes_to_flask(self):
        one = '/api/queues/%d/' % self.ids[0]
        for path in ('/api/queues/999999/', '/api/queues/0/',
                     '/api/queues/0%d/' % self.ids[0],
                     '/api/queues/%d' % self.ids[0],
                     '/api/queues/99999999999/', one + '?x=1',
                     '/api/queues/?limit=0', '/api/queues/?limit=x',
                     '/api/queues/?limit=1&limit=2',
                     '/api/queues/?limit=%20',
                     '/api/queues/?status=RUN', '/api/queues/?name=x',
                     '/api/queues/?limit=99999999999',
                     '/api/queues/?marker=99999999999',
                     # Refused by Flask: the marker is no entry.
                     '/api/queues/?marker=%d' % (self.ids[-1] + 1000),
                     '/api/', '/api/accounts/', '/api/instances/'):
            self.assertFlask(path)
        self.assertFlask(one, method='HEAD')
        self.assertFlask(one, method='OPTIONS')
        self.assertFlask(one, {'Accept': 'text/html'})
        self.assertFlask(one, {'Accept': 'application/json;q=0.5, */*'})
        self.assertFlask(one, data=b'{}',
                         headers={'Content-Type': 'application/json'})


class TestKeystone(FastPathTestCase):

    def make_app(self):
        self.config.config(auth_strategy='keystone')
        return super().make_app()

    def setUp(self):
        super().setUp()
        self.queue_a = self.add_queue(project_id='project-a')
        self.queue_b = self.add_queue(project_id='project-b')

    def test_members_read_their_own_project(self):
        self.assertFast('/api/queues/%d/' % self.queue_a,
                        member('project-a'))
        data = json.loads(self.assertFast(
            '/api/queues/', member('project-a')).get_data())
        self.assertEqual([self.queue_a], [entry['id'] for entry in data])

    def test_admins_read_every_project(self):
        data = json.loads(self.assertFast(
            '/api/queues/', member('project-a', 'admin')).get_data())
        self.assertEqual([self.queue_a, self.queue_b],
                         [entry['id'] for entry in data])
        self.assertFast('/api/queues/%d/' % self.queue_b,
                        member('project-a', 'admin'))

    def test_refusals_are_flasks(self):
        # Another project's entry: 404, as if it did not exist.
        response = self.assertFlask('/api/queues/%d/' % self.queue_b,
                                    member('project-a'))
        self.assertEqual(404, response.status_code)
        response = self.assertFlask('/api/queues/')
        self.assertEqual(401, response.status_code)
        response = self.assertFlask('/api/queues/%d/' % self.queue_a, {
            'X-Auth-Token': 'garbage', 'X-Identity-Status': 'Invalid'})
        self.assertEqual(401, response.status_code)

    def test_no_project_reads_the_entries_of_none(self):
        anonymous = self.add_queue()
        data = json.loads(self.assertFast('/api/queues/', {
            'X-Identity-Status': 'Confirmed', 'X-User-Id': 'u',
            'X-Roles': 'member'}).get_data())
        self.assertEqual([anonymous], [entry['id'] for entry in data])
