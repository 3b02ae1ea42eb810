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

"""Secrets at rest: the key repository, what the database holds, errors."""

import glob
import logging
import os
import shutil
import stat

from cryptography import fernet
import fixtures
import sqlalchemy as sa

from openmultistack.cmd import manage
from openmultistack.common import service
from openmultistack.db import api as db_api
from openmultistack.db import encryption
from openmultistack.db import migration
from openmultistack.db import models
from openmultistack.tests.unit.api import base as api_base
from openmultistack.tests.unit import base

PASSWORD = 'Provider-Pass-7f3a'
PRIVATE_KEY = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow-9c1e'


def mode(path: str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


class TestKeyRepository(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                                 'keys')
        self.repository = encryption.KeyRepository(self.path)

    def read(self, index: int) -> bytes:
        with open(os.path.join(self.path, str(index)), 'rb') as key:
            return key.read()

    def test_setup_makes_private_keys_once(self):
        self.assertTrue(self.repository.setup())
        self.assertEqual(0o700, mode(self.path))
        self.assertEqual(['0', '1'], sorted(os.listdir(self.path)))
        for name in ('0', '1'):
            self.assertEqual(0o600, mode(os.path.join(self.path, name)))
        keys = self.read(0), self.read(1)
        self.assertFalse(self.repository.setup())
        self.assertEqual(keys, (self.read(0), self.read(1)))

    def test_no_keys(self):
        error = self.assertRaises(encryption.KeysMissing,
                                  self.repository.fernet)
        self.assertIn(self.path, str(error))
        self.assertIn('openmultistack-manage keys setup', str(error))

    def test_rotate_makes_the_staged_key_primary(self):
        self.repository.setup()
        staged = self.read(0)
        token = self.repository.fernet().encrypt(b'before')

        self.assertEqual(2, self.repository.rotate(max_active_keys=3))

        self.assertEqual(staged, self.read(2))
        self.assertNotEqual(staged, self.read(0))
        keys = self.repository.fernet()
        self.assertEqual(b'before', keys.decrypt(token))
        # The staged key of before encrypts now: the hosts that have
        # only the repository of before read what is written.
        self.assertEqual(b'after', fernet.Fernet(staged).decrypt(
            keys.encrypt(b'after')))

    def test_rotate_keeps_max_active_keys(self):
        self.repository.setup()
        for _ in range(3):
            self.repository.rotate(max_active_keys=3)
        self.assertEqual(['0', '3', '4'], sorted(os.listdir(self.path)))
        self.repository.rotate(max_active_keys=4)
        self.assertEqual(['0', '3', '4', '5'],
                         sorted(os.listdir(self.path)))


class StoredSecrets(api_base.APITestCase):

    def store_secrets(self) -> int:
        response = self.request('POST', '/api/accounts/', {
            'provider': 'prov-a', 'username': 'user', 'password': PASSWORD,
            'auth_url': 'http://keystone.test:5000/v3',
            'tenant_name': 'tenant'})
        account_id = self.assertJSON(response, 201)['id']
        self.add_instance(self.add_queue(), account_id, key_raw=PRIVATE_KEY)
        return account_id

    def raw_database(self) -> bytes:
        db_api.dispose()
        content = b''
        for path in glob.glob(os.path.join(self.state_dir, '*.sqlite*')):
            with open(path, 'rb') as raw:
                content += raw.read()
        return content


class TestSecretsAtRest(StoredSecrets):

    def test_the_database_file_holds_no_secret(self):
        account_id = self.store_secrets()
        raw = self.raw_database()
        self.assertIn(b'prov-a', raw)
        self.assertNotIn(PASSWORD.encode(), raw)
        self.assertNotIn(b'PRIVATE KEY', raw)
        # The service reads them as they were given.
        self.assertEqual(PASSWORD,
                         self.get_row(models.Account, account_id).password)
        with self.session() as session:
            self.assertEqual(PRIVATE_KEY,
                             session.query(models.Instance).one().key_raw)

    def refusal(self) -> str:
        """The one line a service starting on this database stops with."""
        self.useFixture(fixtures.MonkeyPatch(
            'openmultistack.common.service._logging_ready', True))
        logs = self.useFixture(fixtures.FakeLogger(level=logging.ERROR))
        self.assertEqual(1, service.main(service.check_database))
        lines = logs.output.strip().splitlines()
        self.assertEqual(1, len(lines), logs.output)
        return lines[0]

    def replace_keys(self):
        path = encryption.repository().path
        shutil.rmtree(path)
        encryption.repository().setup()
        encryption.reset()

    def test_other_keys_are_a_clear_error_not_garbage(self):
        account_id = self.store_secrets()
        self.replace_keys()

        error = self.assertRaises(encryption.UnknownKey, self.get_row,
                                  models.Account, account_id)
        self.assertIn('encrypted with a key that is not in %s'
                      % encryption.repository().path, str(error))
        self.assertIn('encrypted with a key that is not in',
                      self.refusal())

    def test_no_keys_is_a_clear_error(self):
        self.store_secrets()
        shutil.rmtree(encryption.repository().path)
        encryption.reset()
        line = self.refusal()
        self.assertIn('No encryption keys in', line)
        self.assertIn('openmultistack-manage keys setup', line)

    def test_rotate_encrypts_everything_with_the_new_primary(self):
        account_id = self.store_secrets()
        path = encryption.repository().path
        self.useFixture(fixtures.MonkeyPatch('sys.stdout',
                                             open(os.devnull, 'w')))
        for _ in range(2):
            manage.keys_rotate()
        self.assertEqual(['0', '2', '3'], sorted(os.listdir(path)))
        with open(os.path.join(path, '3'), 'rb') as key:
            primary = fernet.Fernet(key.read())
        with db_api.get_engine().connect() as connection:
            stored = connection.execute(sa.text(
                'SELECT password FROM accounts UNION ALL '
                'SELECT key_raw FROM instances')).scalars().all()
        self.assertEqual({PASSWORD, PRIVATE_KEY},
                         {primary.decrypt(value.encode()).decode()
                          for value in stored})
        self.assertEqual(PASSWORD,
                         self.get_row(models.Account, account_id).password)


class TestRollingUpgrade(StoredSecrets):
    """Before the contract migration, secrets stay readable as plain text.

    The services of the previous release read them so; the services of
    this release read both, and encrypt only once ``db contract`` ran.
    """

    def setUp(self):
        super().setUp()
        self.stamp(migration.revisions()[migration.revisions().index(
            encryption.ENCRYPTED_SINCE) - 1])

    def stamp(self, revision):
        with db_api.get_engine().begin() as connection:
            connection.execute(sa.text(
                'UPDATE alembic_version SET version_num = :revision'),
                {'revision': revision})

    def stored(self) -> list:
        with db_api.get_engine().connect() as connection:
            return connection.execute(sa.text(
                'SELECT password FROM accounts UNION ALL '
                'SELECT key_raw FROM instances')).scalars().all()

    def test_plain_text_until_contract(self):
        account_id = self.store_secrets()
        self.assertEqual([PASSWORD, PRIVATE_KEY], self.stored())
        self.assertEqual(PASSWORD,
                         self.get_row(models.Account, account_id).password)
        self.assertEqual(200, self.request('GET', '/api/accounts/%d/'
                                           % account_id).status_code)

        migration.upgrade('head')
        stored = self.stored()
        self.assertEqual(2, len(stored))
        self.assertTrue(all(encryption.is_token(value) for value in stored))
        # Written after the contract: encrypted too.
        self.add_account(provider='prov-b', password='After-Contract-1')
        self.assertNotIn(b'After-Contract-1', self.raw_database())
        self.assertEqual(PASSWORD,
                         self.get_row(models.Account, account_id).password)

    def test_rotation_before_contract_leaves_plain_text(self):
        self.store_secrets()
        self.useFixture(fixtures.MonkeyPatch('sys.stdout',
                                             open(os.devnull, 'w')))
        manage.keys_rotate()
        self.assertEqual([PASSWORD, PRIVATE_KEY], self.stored())
