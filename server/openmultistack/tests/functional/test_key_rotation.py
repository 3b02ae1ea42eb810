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

"""Key rotations under a running service, on PostgreSQL.

``openmultistack-all`` serves and boots (its worker writes the private
keys of the instances, its API the account passwords) while
``openmultistack-manage keys rotate`` runs three times in between; after
a restart every secret reads back as it was written, and a host whose
key repository is stale is refused without any key being touched.
"""

import os
import shutil
import time

import fixtures
import requests

from openmultistack.tests.unit import base
from openmultistack.tests.unit.cmd import test_server

CONFIG = """
[DEFAULT]
state_dir = %(state)s
auth_strategy = noauth
[api]
port = 0
[metering]
port = 0
[database]
connection = %(url)s
[encryption]
key_repository = %(keys)s
"""
BOOT_TIMEOUT = 120
# Two starts, four boots and five manage commands, each a process of its
# own: longer than the default timeout of a test on a loaded machine.
TEST_TIMEOUT = 400


class TestKeyRotation(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.Timeout(TEST_TIMEOUT, gentle=True))
        schema = self.useFixture(base.PostgreSQLSchema(base.postgresql_url()))
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.keys = os.path.join(self.dir, 'keys')
        self.url = schema.url.replace('%', '%%')

    def config(self, keys=None) -> str:
        return CONFIG % {'state': os.path.join(self.dir, 'state'),
                         'url': self.url, 'keys': keys or self.keys}

    def manage(self, *args, keys=None):
        process = self.useFixture(test_server.ServiceProcess(
            'openmultistack-manage', self.config(keys), args))
        code = process.process.wait(timeout=test_server.START_TIMEOUT)
        return code, process.output()

    def start(self) -> tuple:
        process = self.useFixture(test_server.ServiceProcess(
            'openmultistack-all', self.config()))
        return process, process.wait_for_urls(2)['multistack-api']

    def boot(self, url: str) -> tuple:
        """Queue an entry on a simulated provider; its instance id, key."""
        response = requests.post(url + '/api/queues/', timeout=30,
                                 json={'provider': 'simulated-a'})
        self.assertEqual(201, response.status_code, response.text)
        entry_url = '%s/api/queues/%d/' % (url, response.json()['id'])
        deadline = time.monotonic() + BOOT_TIMEOUT
        while time.monotonic() < deadline:
            entry = requests.get(entry_url, timeout=30).json()
            if entry['status'] in ('RUN', 'FAILED'):
                break
            time.sleep(0.2)
        self.assertEqual('RUN', entry['status'], entry)
        instance_id = entry['instance']['id']
        return instance_id, self.private_key(url, instance_id)

    def private_key(self, url: str, instance_id: int) -> str:
        response = requests.get('%s/api/instances/%d/private_key/'
                                % (url, instance_id), timeout=30)
        self.assertEqual(200, response.status_code, response.text)
        return response.json()['key_raw']

    def add_account(self, url: str, name: str) -> int:
        response = requests.post(url + '/api/accounts/', timeout=30, json={
            'provider': name, 'username': 'u', 'password': 'pw-' + name,
            'auth_url': 'http://192.0.2.1/v3', 'tenant_name': 't'})
        self.assertEqual(201, response.status_code, response.text)
        return response.json()['id']

    def key_files(self, path: str) -> dict:
        files = {}
        for name in sorted(os.listdir(path)):
            with open(os.path.join(path, name), 'rb') as key:
                files[name] = key.read()
        return files

    def test_three_rotations_under_a_running_service(self):
        service, url = self.start()
        stale = os.path.join(self.dir, 'stale-keys')
        shutil.copytree(self.keys, stale)
        accounts = []
        private_keys = {}
        for round_number in range(3):
            accounts.append(self.add_account(url, 'p%d' % round_number))
            instance_id, key = self.boot(url)
            private_keys[instance_id] = key
            code, output = self.manage('keys', 'rotate')
            self.assertEqual(0, code, output)
            self.assertIn('is the primary key', output)
        # Written after the last rotation, by the same running process.
        accounts.append(self.add_account(url, 'after'))
        instance_id, key = self.boot(url)
        private_keys[instance_id] = key

        service.terminate()
        _, url = self.start()
        for instance_id, key in private_keys.items():
            self.assertEqual(key, self.private_key(url, instance_id))
        for account_id in accounts:
            response = requests.patch(
                '%s/api/accounts/%d/' % (url, account_id), timeout=30,
                json={'password': 'changed'})
            self.assertEqual(200, response.status_code, response.text)
            response = requests.delete(
                '%s/api/accounts/%d/' % (url, account_id), timeout=30)
            self.assertEqual(204, response.status_code, response.text)
        code, output = self.manage('keys', 'status')
        self.assertEqual(0, code, output)

        before = self.key_files(stale)
        code, output = self.manage('keys', 'rotate', keys=stale)
        self.assertEqual(1, code, output)
        self.assertIn('not in %s' % stale, output)
        self.assertEqual(1, len(output.strip().splitlines()), output)
        self.assertEqual(before, self.key_files(stale))
