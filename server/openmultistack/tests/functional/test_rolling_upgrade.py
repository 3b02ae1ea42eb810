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

"""A rolling upgrade on PostgreSQL, from the previous release's schema.

A service of this release refuses the previous release's schema (0006)
with one line that says to run ``db sync``. ``db sync`` then only adds
(the requirements of an entry, the choice of its worker, the state of
each provider): rows written the previous release's way, without the new
columns, before and after it, are served by this release with empty
requirements and choices, beside the entries it writes itself; there is
nothing to contract. A schema older than the previous release's, or one
this release does not know, is refused with one line.
"""

import fixtures
import requests
import sqlalchemy as sa

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
        self.manage('db', 'sync', migration.PREVIOUS_RELEASE)

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

    def write_as_previous_release(self, name: str) -> None:
        """An entry as the services of the previous release write it."""
        with self.database.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO queues (status, regist_datetime, "
                "updated_datetime, name) VALUES ('REQUEST', now(), now(), "
                ":name)"), {'name': name})

    def entries(self, url: str) -> dict:
        response = requests.get(url + '/api/queues/', timeout=30)
        self.assertEqual(200, response.status_code, response.text)
        return {entry['name']: entry for entry in response.json()}

    def stamp(self, revision: str) -> None:
        with self.database.begin() as connection:
            connection.execute(sa.text(
                'UPDATE alembic_version SET version_num = :revision'),
                {'revision': revision})

    def test_sync_then_this_release_beside_the_previous_one(self):
        self.write_as_previous_release('old-1')
        self.assertIn('older than this service runs on', self.refusal())

        synced = self.manage('db', 'sync')
        self.assertNotIn('db contract', synced)
        self.assertEqual(migration.head(), migration.current(self.database))
        self.write_as_previous_release('old-2')
        url = self.api()
        response = requests.post(url + '/api/queues/', timeout=30, json={
            'name': 'new', 'min_ram': 4096,
            'image_properties': {'os_distro': 'ubuntu'}})
        self.assertEqual(201, response.status_code, response.text)
        entries = self.entries(url)
        self.assertEqual(['new', 'old-1', 'old-2'], sorted(entries))
        for name in ('old-1', 'old-2'):
            self.assertEqual(
                (None, {}, []), (entries[name]['min_ram'],
                                 entries[name]['image_properties'],
                                 entries[name]['skipped']))
        self.assertEqual((4096, {'os_distro': 'ubuntu'}),
                         (entries['new']['min_ram'],
                          entries['new']['image_properties']))
        self.assertEqual(
            200, requests.get(url + '/api/providers/', timeout=30)
            .status_code)
        self.assertEqual([], migration.pending_contracts(self.database))

    def test_schemas_outside_the_window_refused(self):
        self.stamp('0001')
        self.assertIn('older than the previous release', self.refusal())
        self.stamp('0999')
        self.assertIn('which this service does not know', self.refusal())
