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

import warnings

import fixtures

from openmultistack.api import app
from openmultistack.common import policy
from openmultistack.db import models
from openmultistack.tests.unit.api import base


def identity(project, roles='member,reader', user='user-1'):
    """Headers of a token; Keystone expands implied roles into them."""
    return {'X-Identity-Status': 'Confirmed', 'X-Project-Id': project,
            'X-User-Id': user, 'X-Roles': roles}


ADMIN = identity('admin-project', roles='admin,member,reader', user='admin')
ALICE = identity('project-a', user='alice')
BOB = identity('project-b', user='bob')
CAROL = identity('project-a', roles='reader', user='carol')


class PolicyTestCase(base.APITestCase):
    """Two projects, each with an entry and its instance."""

    auth_strategy = 'keystone'

    def make_app(self):
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


class TestKeystonePolicy(PolicyTestCase):

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


class TestPersonas(PolicyTestCase):
    """Readers read, members also write in their project, admins all.

    With the new defaults alone, as once the deprecated rules are gone
    (until then, any role in a project also writes in it: see
    :class:`TestDeprecatedRules`).
    """

    def setUp(self):
        super().setUp()
        self.config.config(enforce_new_defaults=True, group='oslo_policy')

    def status(self, method, path, who):
        response = self.request(method, path, headers=who)
        return response.status_code

    def test_reader_reads_but_does_not_write(self):
        self.assertEqual([self.queue_a], self.ids('/api/queues/', CAROL))
        self.assertEqual([self.instance_a], self.ids('/api/instances/',
                                                     CAROL))
        for path in ('/api/queues/%d/' % self.queue_a,
                     '/api/instances/%d/' % self.instance_a):
            self.assertEqual(200, self.status('GET', path, CAROL))
        self.assertEqual(403, self.status('POST', '/api/queues/', CAROL))
        self.assertEqual(403, self.status(
            'DELETE', '/api/queues/%d/' % self.queue_a, CAROL))
        self.assertEqual(models.RUN,
                         self.get_row(models.Queue, self.queue_a).status)
        # The key logs in to the instance: members only.
        self.assertEqual(403, self.status(
            'GET', '/api/instances/%d/private_key/' % self.instance_a,
            CAROL))
        self.assertEqual(403, self.status('GET', '/api/accounts/', CAROL))

    def test_member_writes_in_own_project(self):
        self.assertEqual(201, self.status('POST', '/api/queues/', ALICE))
        self.assertEqual(204, self.status(
            'DELETE', '/api/queues/%d/' % self.queue_a, ALICE))
        self.assertEqual(404, self.status(
            'DELETE', '/api/queues/%d/' % self.queue_b, ALICE))
        self.assertEqual(403, self.status('POST', '/api/accounts/', ALICE))

    def test_admin_does_everything(self):
        self.assertEqual([self.instance_a, self.instance_b],
                         self.ids('/api/instances/', ADMIN))
        self.assertEqual(201, self.status('POST', '/api/queues/', ADMIN))
        self.assertEqual(204, self.status(
            'DELETE', '/api/queues/%d/' % self.queue_b, ADMIN))
        self.assertEqual(200, self.status(
            'GET', '/api/accounts/%d/' % self.account_id, ADMIN))
        self.assertJSON(self.request('PATCH', '/api/accounts/%d/'
                                     % self.account_id,
                                     {'username': 'other'}, headers=ADMIN),
                        200)

    def test_system_scoped_tokens_are_refused(self):
        headers = dict(ADMIN, **{'OpenStack-System-Scope': 'all'})
        del headers['X-Project-Id']
        self.assertEqual(403, self.status('GET', '/api/accounts/', headers))
        self.assertEqual(403, self.status('POST', '/api/queues/', headers))


class TestDeprecatedRules(PolicyTestCase):
    """The rules of earlier releases: any role in the project."""

    OTHER_ROLE = identity('project-a', roles='custom', user='dave')

    def test_honoured_with_a_warning(self):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            self.assertEqual([self.queue_a],
                             self.ids('/api/queues/', self.OTHER_ROLE))
        messages = [str(warning.message) for warning in caught]
        self.assertTrue(any(
            '"multistack:queue:create":"rule:admin_or_owner" was '
            'deprecated' in message for message in messages), messages)
        self.assertJSON(self.request('POST', '/api/queues/',
                                     headers=self.OTHER_ROLE), 201)
        path = '/api/instances/%d/private_key/' % self.instance_a
        self.assertJSON(self.request('GET', path, headers=self.OTHER_ROLE),
                        200)

    def test_ignored_with_enforce_new_defaults(self):
        self.config.config(enforce_new_defaults=True, group='oslo_policy')
        policy.reset()
        for method, path in (
                ('GET', '/api/queues/'), ('POST', '/api/queues/'),
                ('GET', '/api/instances/%d/private_key/'
                 % self.instance_a)):
            self.assertJSON(self.request(method, path,
                                         headers=self.OTHER_ROLE), 403)
        self.assertEqual([self.queue_a], self.ids('/api/queues/', CAROL))

    def test_policy_file_overrides_keep_working(self):
        policy_file = self.useFixture(fixtures.TempDir()).join('policy.yaml')
        with open(policy_file, 'w') as rules:
            rules.write('"multistack:queue:create": "role:creator"\n')
        self.config.config(policy_file=policy_file, group='oslo_policy')
        policy.reset()
        self.assertJSON(self.request('POST', '/api/queues/', headers=ALICE),
                        403)
        self.assertJSON(self.request('POST', '/api/queues/', headers=identity(
            'project-a', roles='creator')), 201)
