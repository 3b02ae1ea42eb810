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


"""Authorization under ``auth_strategy = keystone``.

The identity headers are those keystonemiddleware's ``auth_token`` sets
after validating a token; the application behind it is tested here.
"""

from openmultistack.api import app
from openmultistack.db import models
from openmultistack.tests.unit.api import base


def identity(project, roles='member', user='user-1'):
    return {'X-Identity-Status': 'Confirmed', 'X-Project-Id': project,
            'X-User-Id': user, 'X-Roles': roles}


ADMIN = identity('admin-project', roles='admin,member', user='admin')
ALICE = identity('project-a', user='alice')
BOB = identity('project-b', user='bob')


class TestKeystonePolicy(base.APITestCase):

    def make_app(self):
        self.config.config(auth_strategy='keystone')
        return app.create_flask_app()

    def setUp(self):
        super().setUp()
        self.account_id = self.add_account()
        self.queue_a = self.add_queue(project_id='project-a',
                                      status=models.RUN)
        self.queue_b = self.add_queue(project_id='project-b',
                                      status=models.RUN)
        self.instance_a = self.add_instance(self.queue_a, self.account_id)
        self.instance_b = self.add_instance(self.queue_b, self.account_id)

    def ids(self, path, who):
        data = self.assertJSON(self.request('GET', path, headers=who), 200)
        return [item['id'] for item in data]

    def test_no_token(self):
        self.assertJSON(self.request('GET', '/api/queues/'), 401, {
            'detail': 'Authentication credentials were not provided.'})

    def test_invalid_token(self):
        response = self.request('GET', '/api/queues/', headers={
            'X-Auth-Token': 'garbage', 'X-Identity-Status': 'Invalid'})
        self.assertJSON(response, 401, {'detail': 'Invalid or expired token.'})

    def test_members_see_their_project_only(self):
        self.assertEqual([self.queue_a], self.ids('/api/queues/', ALICE))
        self.assertEqual([self.queue_b], self.ids('/api/queues/', BOB))
        self.assertEqual([self.instance_a], self.ids('/api/instances/',
                                                     ALICE))
        self.assertJSON(self.request('GET', '/api/queues/%d/' % self.queue_b,
                                     headers=ALICE), 404)
        self.assertJSON(self.request(
            'GET', '/api/instances/%d/' % self.instance_b, headers=ALICE),
            404)
        # Another project's entry is no marker: not found, as it is not
        # found by GET.
        self.assertEqual({'marker': ['Marker %d not found.' % self.queue_a]},
                         self.assertJSON(self.request(
                             'GET', '/api/queues/?marker=%d' % self.queue_a,
                             headers=BOB), 400))

    def test_admin_sees_everything(self):
        self.assertEqual([self.queue_a, self.queue_b],
                         self.ids('/api/queues/', ADMIN))
        self.assertJSON(self.request('GET', '/api/queues/%d/' % self.queue_b,
                                     headers=ADMIN), 200)

    def test_create_records_the_identity(self):
        entry = self.assertJSON(self.request('POST', '/api/queues/',
                                             headers=ALICE), 201)
        self.assertEqual('project-a', entry['project_id'])
        row = self.get_row(models.Queue, entry['id'])
        self.assertEqual(('project-a', 'alice'), (row.project_id,
                                                  row.user_id))

    def test_idempotency_keys_are_per_project(self):
        headers = dict(ALICE, **{'Idempotency-Key': 'k'})
        first = self.assertJSON(self.request('POST', '/api/queues/',
                                             headers=headers), 201)
        headers = dict(BOB, **{'Idempotency-Key': 'k'})
        other = self.assertJSON(self.request('POST', '/api/queues/',
                                             headers=headers), 201)
        self.assertNotEqual(first['id'], other['id'])

    def test_cap_is_per_project(self):
        self.config.config(max_active_queues_per_project=1)
        self.assertJSON(self.request('POST', '/api/queues/', headers=ALICE),
                        403)
        self.add_queue(project_id='project-c', status=models.FAILED)
        self.assertJSON(self.request('POST', '/api/queues/', headers=identity(
            'project-c')), 201)

    def test_members_delete_only_their_entries(self):
        self.assertJSON(self.request(
            'DELETE', '/api/queues/%d/' % self.queue_b, headers=ALICE), 404)
        self.assertEqual(models.RUN,
                         self.get_row(models.Queue, self.queue_b).status)
        self.assertEqual(204, self.request(
            'DELETE', '/api/queues/%d/' % self.queue_a,
            headers=ALICE).status_code)
        self.assertEqual(models.DESTROY,
                         self.get_row(models.Queue, self.queue_a).status)

    def test_accounts_need_admin(self):
        for method, path in (('GET', '/api/accounts/'),
                             ('POST', '/api/accounts/'),
                             ('GET', '/api/accounts/%d/' % self.account_id),
                             ('PATCH', '/api/accounts/%d/' % self.account_id),
                             ('DELETE',
                              '/api/accounts/%d/' % self.account_id)):
            self.assertJSON(self.request(method, path, {}, headers=ALICE),
                            403, {'detail': 'You do not have permission to '
                                            'perform this action.'})
        self.assertJSON(self.request('GET', '/api/accounts/', headers=ADMIN),
                        200)

    def test_private_key_only_for_the_project(self):
        path = '/api/instances/%d/private_key/' % self.instance_a
        data = self.assertJSON(self.request('GET', path, headers=ALICE), 200)
        self.assertIn('PRIVATE KEY', data['key_raw'])
        self.assertJSON(self.request('GET', path, headers=BOB), 404)
        # Administrators see the instance, not its key.
        self.assertJSON(self.request('GET', path, headers=ADMIN), 403)
