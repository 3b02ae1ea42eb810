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

"""The most frequent reads: their bytes, headers and access log line."""

import json

from openmultistack.api import app
from openmultistack.tests.unit.api import base

REQUEST_ID = 'x-openstack-request-id'


def member(project, roles='member'):
    return {'X-Identity-Status': 'Confirmed', 'X-Project-Id': project,
            'X-User-Id': 'user-' + project, 'X-Roles': roles}


class HotReadsTestCase(base.APITestCase):

    def answer(self, path, headers=None, method='GET', status=200,
               **kwargs):
        """The answer to ``path``, after checking its status and headers.

        A JSON body of the length announced (or none, for a streamed
        list), and a request id of its own.
        """
        response = self.client.open(path, method=method, headers=headers,
                                    **kwargs)
        self.assertEqual(status, response.status_code, response.get_data())
        self.assertTrue(response.headers[REQUEST_ID].startswith('req-'))
        if method != 'HEAD' and status != 204:
            self.assertEqual('application/json',
                             response.headers['Content-Type'])
        length = response.headers.get('Content-Length')
        if length is not None and method != 'HEAD':
            self.assertEqual(int(length), len(response.get_data()))
        return response

    def ids_of(self, response):
        return [entry['id'] for entry in json.loads(response.get_data())]


class TestNoAuth(HotReadsTestCase):

    def setUp(self):
        super().setUp()
        account = self.add_account()
        self.ids = [self.add_queue(status='REQUEST', image='img-%d' % n,
                                   name='vm-\u00e9-%d' % n)
                    for n in range(7)]
        self.add_instance(self.ids[1], account)

    def assertCompact(self, body):
        """Compact JSON, ASCII only, one newline at the end."""
        self.assertEqual(json.dumps(json.loads(body), separators=(',', ':'))
                         .encode('ascii') + b'\n', body)

    def test_one_entry(self):
        for queue_id in self.ids[:3]:
            response = self.answer('/api/queues/%d/' % queue_id)
            self.assertEqual(queue_id, json.loads(response.get_data())['id'])
            self.assertCompact(response.get_data())
        # Its instance, and a name beyond ASCII escaped.
        body = self.answer('/api/queues/%d/' % self.ids[1]).get_data()
        self.assertEqual('vm-%d' % self.ids[1],
                         json.loads(body)['instance']['name'])
        self.assertIn(b'"name":"vm-\\u00e9-1"', body)
        self.assertEqual(
            ['Content-Type', 'Content-Length', REQUEST_ID],
            [name for name, _ in self.answer(
                '/api/queues/%d/' % self.ids[0]).headers])

    def test_lists(self):
        for path, expected in (
                ('/api/queues/', self.ids),
                ('/api/queues/?limit=3', self.ids[:3]),
                ('/api/queues/?marker=%d' % self.ids[2], self.ids[3:]),
                ('/api/queues/?limit=2&marker=%d' % self.ids[4],
                 self.ids[5:7]),
                ('/api/queues/?marker=%d' % self.ids[-1], [])):
            response = self.answer(path)
            self.assertEqual(expected, self.ids_of(response), path)
            self.assertIn('Content-Length', response.headers)
        body = self.answer('/api/queues/?limit=1').get_data()
        self.assertTrue(body.startswith(b'[{"id":') and
                        body.endswith(b'}]'), body)
        self.assertIn(b'"name":"vm-\\u00e9-0"', body)

    def test_a_list_longer_than_a_batch_is_streamed(self):
        self.config.config(group='api', list_batch_size=2)
        response = self.answer('/api/queues/')
        self.assertNotIn('Content-Length', response.headers)
        self.assertEqual(self.ids, self.ids_of(response))
        # One batch: answered whole, with its length.
        response = self.answer('/api/queues/?limit=2')
        self.assertEqual(str(len(response.get_data())),
                         response.headers['Content-Length'])

    def test_access_log_lines(self):
        self.answer('/api/queues/%d/' % self.ids[0])
        self.answer('/api/queues/?limit=3')
        lines = [line for line in self.logs.output.splitlines()
                 if 'status: 200' in line]
        self.assertEqual(
            ['None "GET /api/queues/%d/" status: 200' % self.ids[0],
             'None "GET /api/queues/?limit=3" status: 200'],
            [line[line.index('None'):] for line in lines])
        self.answer('/api/queues/', environ_base={
            'REMOTE_ADDR': '192.0.2.9'})
        self.assertIn('192.0.2.9 "GET /api/queues/" status: 200',
                      self.logs.output)

    def test_unusual_requests(self):
        one = '/api/queues/%d/' % self.ids[0]
        for path, status in (
                ('/api/queues/999999/', 404), ('/api/queues/0/', 404),
                ('/api/queues/%d' % self.ids[0], 301),
                ('/api/queues/99999999999/', 404), (one + '?x=1', 200),
                ('/api/queues/?limit=0', 400), ('/api/queues/?limit=x', 400),
                ('/api/queues/?limit=%20', 400),
                ('/api/queues/?status=RUN', 200),
                ('/api/queues/?name=x', 200),
                ('/api/queues/?limit=99999999999', 400),
                ('/api/queues/?marker=99999999999', 400),
                ('/api/', 200), ('/api/accounts/', 200),
                ('/api/instances/', 200)):
            response = self.client.get(path)
            self.assertEqual(status, response.status_code, path)
            self.assertIn(REQUEST_ID, response.headers)
        self.assertEqual(self.ids[:1], self.ids_of(
            self.client.get('/api/queues/?limit=1&limit=2')))
        head = self.answer(one, method='HEAD')
        self.assertEqual(b'', head.get_data())
        self.assertEqual(len(self.answer(one).get_data()),
                         int(head.headers['Content-Length']))
        self.assertEqual(406, self.client.get(
            one, headers={'Accept': 'text/html'}).status_code)
        self.assertEqual(self.ids[0], json.loads(self.answer(one, {
            'Accept': 'application/json;q=0.5, */*'}).get_data())['id'])
        self.assertEqual(self.ids[0], json.loads(self.answer(
            one, data=b'{}', headers={
                'Content-Type': 'application/json'}).get_data())['id'])


class TestKeystone(HotReadsTestCase):

    def make_app(self):
        # The identity headers as keystonemiddleware's auth_token sets them.
        self.config.config(auth_strategy='keystone')
        return app.create_flask_app()

    def setUp(self):
        super().setUp()
        self.queue_a = self.add_queue(project_id='project-a')
        self.queue_b = self.add_queue(project_id='project-b')

    def test_members_read_their_own_project(self):
        self.answer('/api/queues/%d/' % self.queue_a, member('project-a'))
        self.assertEqual([self.queue_a], self.ids_of(
            self.answer('/api/queues/', member('project-a'))))

    def test_admins_read_every_project(self):
        self.assertEqual([self.queue_a, self.queue_b], self.ids_of(
            self.answer('/api/queues/', member('project-a', 'admin'))))
        self.answer('/api/queues/%d/' % self.queue_b,
                    member('project-a', 'admin'))

    def test_refusals(self):
        # Another project's entry: 404, as if it did not exist.
        self.answer('/api/queues/%d/' % self.queue_b, member('project-a'),
                    status=404)
        self.answer('/api/queues/', status=401)
        self.answer('/api/queues/%d/' % self.queue_a, {
            'X-Auth-Token': 'garbage', 'X-Identity-Status': 'Invalid'},
            status=401)

    def test_no_project_reads_the_entries_of_none(self):
        anonymous = self.add_queue()
        self.assertEqual([anonymous], self.ids_of(self.answer(
            '/api/queues/', {'X-Identity-Status': 'Confirmed',
                             'X-User-Id': 'u', 'X-Roles': 'member'})))
