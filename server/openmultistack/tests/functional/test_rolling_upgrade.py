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

"""A rolling upgrade on PostgreSQL: old-schema and new-schema services.

A service started on the schema of the previous release (0002) goes on
serving while ``db sync`` expands the schema and a second service starts
on it; the secrets stay in plain text, readable by the services of the
previous release, until ``db contract``, after which both services
write them encrypted. A schema older than the previous release's, or one
this release does not know, is refused with one line.
"""

import fixtures
import requests
import sqlalchemy as sa

from openmultistack.db import encryption
from openmultistack.db import migration
from openmultistack.tests.unit import base
from openmultistack.tests.unit.cmd import test_server

CONFIG = """
[DEFAULT]
state_dir = %(state)s
auth_strategy = noauth
[api]
port = 0
workers = 1
[database]
connection = %(url)s
"""
SECRETS = ('SELECT password FROM accounts UNION ALL '
           'SELECT key_raw FROM instances')


class TestRollingUpgrade(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        schema = self.useFixture(base.PostgreSQLSchema(base.postgresql_url()))
        self.database = sa.create_engine(schema.url)
        self.addCleanup(self.database.dispose)
        state = self.useFixture(fixtures.TempDir()).path
        # ServiceProcess formats the file with %: the URL's escapes stay.
        self.config = CONFIG % {'state': state,
                                'url': schema.url.replace('%', '%%')}
        self.manage('keys', 'setup')
        self.manage('db', 'sync', migration.OLDEST_SUPPORTED)

    def manage(self, *args) -> str:
        service = self.useFixture(test_server.ServiceProcess(
            'openmultistack-manage', self.config, args))
        code = service.process.wait(timeout=test_server.START_TIMEOUT)
        self.assertEqual(0, code, service.output())
        return service.output()

    def api(self) -> str:
        service = self.useFixture(test_server.ServiceProcess(
            'openmultistack-api', self.config))
        return service.wait_for_urls(1)['multistack-api']

    def refusal(self) -> str:
        service = self.useFixture(test_server.ServiceProcess(
            'openmultistack-api', self.config))
        self.assertEqual(1, service.process.wait(
            timeout=test_server.START_TIMEOUT))
        lines = service.output().strip().splitlines()
        self.assertEqual(1, len(lines), service.output())
        return lines[0]

    def add_account(self, url: str, password: str) -> None:
        response = requests.post(url + '/api/accounts/', timeout=30, json={
            'provider': 'p-%s' % password, 'username': 'u',
            'password': password, 'auth_url': 'http://192.0.2.1/v3',
            'tenant_name': 't'})
        self.assertEqual(201, response.status_code, response.text)

    def providers(self, url: str) -> list:
        response = requests.get(url + '/api/accounts/', timeout=30)
        self.assertEqual(200, response.status_code, response.text)
        return sorted(account['provider'] for account in response.json())

    def stored(self) -> list:
        with self.database.connect() as connection:
            return sorted(connection.execute(sa.text(SECRETS)).scalars())

    def stamp(self, revision: str) -> None:
        with self.database.begin() as connection:
            connection.execute(sa.text(
                'UPDATE alembic_version SET version_num = :revision'),
                {'revision': revision})

    def test_old_schema_service_beside_a_new_one(self):
        old_schema = self.api()
        self.add_account(old_schema, 'pass-1')

        synced = self.manage('db', 'sync')
        self.assertIn('openmultistack-manage db contract', synced)
        new_schema = self.api()
        self.add_account(new_schema, 'pass-2')
        self.add_account(old_schema, 'pass-3')
        # What a service of the previous release reads: plain text.
        self.assertEqual(['pass-1', 'pass-2', 'pass-3'], self.stored())

        self.manage('db', 'contract')
        self.add_account(old_schema, 'pass-4')
        self.add_account(new_schema, 'pass-5')
        stored = self.stored()
        self.assertEqual(5, len(stored))
        self.assertTrue(all(encryption.is_token(value) for value in stored),
                        stored)
        everything = ['p-pass-%d' % number for number in range(1, 6)]
        self.assertEqual(everything, self.providers(old_schema))
        self.assertEqual(everything, self.providers(new_schema))

    def test_schemas_outside_the_window_refused(self):
        self.stamp('0001')
        self.assertIn('older than this service runs on', self.refusal())
        self.stamp('0999')
        self.assertIn('which this service does not know', self.refusal())
