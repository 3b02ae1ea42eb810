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
import threading
import time

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
# The tests below stamp a database of the newest schema back to an
# earlier revision, then run the migrations of the secrets again: up to
# the last of them, not the later ones, which the schema already has.
SECRETS_MIGRATED = '0006'


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
                                  self.repository.load)
        self.assertIn(self.path, str(error))
        self.assertIn('openmultistack-manage keys setup', str(error))

    def test_promote_copies_the_staged_key_to_a_new_primary(self):
        self.repository.setup()
        staged = self.read(0)
        before = self.repository.load()
        token = before.encrypt('before')

        self.assertEqual(2, self.repository.promote())

        self.assertEqual(['0', '1', '2'], sorted(os.listdir(self.path)))
        self.assertEqual(staged, self.read(2))
        self.assertNotEqual(staged, self.read(0))
        keys = self.repository.load()
        self.assertEqual(encryption.key_id(staged), keys.primary)
        self.assertEqual('before', keys.decrypt(token))
        # The staged key of before encrypts now: the hosts that have
        # only the repository of before read what is written.
        self.assertEqual('after', before.decrypt(keys.encrypt('after')))

    def test_a_token_names_its_key(self):
        self.repository.setup()
        keys = self.repository.load()
        token = keys.encrypt(PASSWORD)
        self.assertTrue(token.startswith('fernet:%s:gAAAAA' % keys.primary))
        self.assertEqual(keys.primary, encryption.stored_key_id(token))
        self.assertTrue(encryption.is_token(token))
        self.assertEqual(PASSWORD, keys.decrypt(token))
        self.assertNotIn(PASSWORD, token)

    def test_a_corrupt_key_file_is_named(self):
        self.repository.setup()
        with open(os.path.join(self.path, '1'), 'w') as key:
            key.write('not a key\n')
        error = self.assertRaises(encryption.BadKeyFile,
                                  self.repository.load)
        self.assertIn(os.path.join(self.path, '1'), str(error))
        self.assertEqual(1, len(str(error).splitlines()))


class StoredSecrets(api_base.APITestCase):

    def store_secrets(self) -> int:
        response = self.request('POST', '/api/accounts/', {
            'provider': 'prov-a', 'username': 'user', 'password': PASSWORD,
            'auth_url': 'http://keystone.test:5000/v3',
            'tenant_name': 'tenant'})
        account_id = self.assertJSON(response, 201)['id']
        self.add_instance(self.add_queue(), account_id, key_raw=PRIVATE_KEY)
        return account_id

    def refusal(self, body=None) -> str:
        """The one line a command (a start-up by default) stops with."""
        self.useFixture(fixtures.MonkeyPatch(
            'openmultistack.common.service._logging_ready', True))
        logs = self.useFixture(fixtures.FakeLogger(level=logging.ERROR))
        self.assertEqual(1, service.main(body or service.check_database))
        lines = logs.output.strip().splitlines()
        self.assertEqual(1, len(lines), logs.output)
        return lines[0]

    def stored(self) -> list:
        with db_api.get_engine().connect() as connection:
            return connection.execute(sa.text(
                'SELECT password FROM accounts UNION ALL '
                'SELECT key_raw FROM instances')).scalars().all()

    def rotate(self):
        self.useFixture(fixtures.MonkeyPatch('sys.stdout',
                                             open(os.devnull, 'w')))
        manage.keys_rotate()

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
        for _ in range(2):
            self.rotate()
        self.assertEqual(['0', '2', '3'], sorted(os.listdir(path)))
        with open(os.path.join(path, '3'), 'rb') as key:
            primary = key.read()
        stored = self.stored()
        self.assertEqual(
            {encryption.key_id(primary)},
            {encryption.stored_key_id(value) for value in stored})
        self.assertEqual(
            {PASSWORD, PRIVATE_KEY},
            {fernet.Fernet(primary).decrypt(value.split(':', 2)[2].encode())
             .decode() for value in stored})
        self.assertEqual(PASSWORD,
                         self.get_row(models.Account, account_id).password)


class TestRotation(StoredSecrets):
    """Rotations never lose a secret (the keys follow the secrets)."""

    def setUp(self):
        super().setUp()
        self.output = []
        self.useFixture(fixtures.MonkeyPatch(
            'builtins.print', lambda *args: self.output.append(
                ' '.join(str(arg) for arg in args))))

    def rotate(self):
        manage.keys_rotate()

    def key_files(self, path=None) -> dict:
        path = path or encryption.repository().path
        files = {}
        for name in sorted(os.listdir(path)):
            with open(os.path.join(path, name), 'rb') as key:
                files[name] = key.read()
        return files

    def create_account(self, name: str) -> int:
        response = self.request('POST', '/api/accounts/', {
            'provider': name, 'username': 'user',
            'password': 'Pass-of-%s' % name,
            'auth_url': 'http://keystone.test:5000/v3',
            'tenant_name': 'tenant'})
        return self.assertJSON(response, 201)['id']

    def test_a_running_service_writes_with_the_new_primary(self):
        """Another process rotates: this one sees it at its next write."""
        self.create_account('before')
        # A rotation by another process: this one's cache is not reset.
        repository = encryption.KeyRepository(encryption.repository().path)
        repository.promote()
        new_primary = repository.load().primary

        self.create_account('after')

        with self.session() as session:
            rows = session.execute(sa.text(
                "SELECT password FROM accounts WHERE provider = 'after'"))
            self.assertEqual(new_primary,
                             encryption.stored_key_id(rows.scalar()))

    def test_rotations_interleaved_with_writes_lose_nothing(self):
        expected_passwords = {}
        expected_keys = {}
        for round_number in range(3):
            name = 'prov-%d' % round_number
            account_id = self.create_account(name)
            expected_passwords[account_id] = 'Pass-of-%s' % name
            queue_id = self.add_queue()
            key = '-----BEGIN RSA PRIVATE KEY-----\nround%d' % round_number
            self.add_instance(queue_id, account_id, key_raw=key)
            expected_keys[queue_id] = key
            # A write by a process that read the keys before the
            # rotation, and one after it.
            repository = encryption.KeyRepository(
                encryption.repository().path)
            repository.promote()
            expected_passwords[self.create_account(name + '-between')] = (
                'Pass-of-%s-between' % name)
            self.rotate()
        self.assertIn('Removed the old key', '\n'.join(self.output))
        # A restart: nothing of the keys in memory.
        encryption.reset()
        db_api.dispose()
        self.assertEqual(0, service.main(service.check_database))
        for account_id, password in expected_passwords.items():
            self.assertEqual(password,
                             self.get_row(models.Account, account_id).password)
        with self.session() as session:
            for instance in session.query(models.Instance):
                self.assertEqual(expected_keys[instance.queue_id],
                                 instance.key_raw)
        for account_id in expected_passwords:
            self.assertJSON(self.request(
                'PATCH', '/api/accounts/%d/' % account_id,
                {'password': 'Changed-%d' % account_id}), 200)
            self.assertEqual('Changed-%d' % account_id,
                             self.get_row(models.Account, account_id).password)
        # Every secret under the primary key: the old keys are gone.
        primary = encryption.repository().load().primary
        self.assertEqual({primary}, {encryption.stored_key_id(value)
                                     for value in self.stored()})

    def test_a_key_in_use_is_kept(self):
        """A write with an old key during a rotation keeps that key."""
        account_id = self.store_secrets()
        path = encryption.repository().path
        # A host that still has the repository of before the rotations.
        stale = encryption.repository().load()
        self.rotate()
        real = encryption.reencrypt_rows

        def straggler_writes(engine, encrypt_plain):
            count = real(engine, encrypt_plain)
            with engine.begin() as connection:
                connection.execute(sa.text(
                    'UPDATE accounts SET password = :value'),
                    {'value': stale.encrypt('Written-Meanwhile')})
            return count

        with fixtures.MonkeyPatch(
                'openmultistack.db.encryption.reencrypt_rows',
                straggler_writes):
            self.rotate()
        self.assertIn('Kept the old key 1,', '\n'.join(self.output))
        self.assertEqual(['0', '1', '2', '3'], sorted(os.listdir(path)))
        self.assertEqual('Written-Meanwhile',
                         self.get_row(models.Account, account_id).password)

        self.output.clear()
        self.rotate()
        self.assertIn('Removed the old keys 1, 2', '\n'.join(self.output))
        self.assertEqual(['0', '3', '4'], sorted(os.listdir(path)))
        encryption.reset()
        self.assertEqual('Written-Meanwhile',
                         self.get_row(models.Account, account_id).password)

    def test_a_stale_repository_is_refused_and_nothing_deleted(self):
        self.store_secrets()
        path = encryption.repository().path
        stale = os.path.join(self.useFixture(fixtures.TempDir()).path,
                             'stale')
        shutil.copytree(path, stale)
        self.rotate()
        self.rotate()
        before = self.key_files(stale)
        self.config.config(group='encryption', key_repository=stale)
        encryption.reset()

        refusal = self.refusal(manage.keys_rotate)

        self.assertIn('not in %s' % stale, refusal)
        self.assertIn('accounts 1; instances 1', refusal)
        self.assertEqual(before, self.key_files(stale))
        # Nor does a service start on it.
        self.assertIn('not in %s' % stale,
                      self.refusal(service.check_database))

    def test_start_up_check_is_one_query(self):
        self.store_secrets()
        statements = []
        sa.event.listen(db_api.get_engine(), 'before_cursor_execute',
                        lambda *args: statements.append(args[2]))
        with db_api.get_engine().connect() as connection:
            encryption.check(connection)
        queries = [statement for statement in statements
                   if not statement.startswith(('BEGIN', 'COMMIT',
                                                'ROLLBACK'))]
        self.assertEqual(1, len(queries), statements)

    def test_keys_status(self):
        self.store_secrets()
        self.rotate()
        self.output.clear()
        manage.keys_status()
        keys = encryption.repository().load()
        lines = self.output[1:]
        self.assertEqual(['Key', 'Role', 'Key', 'id', 'Secrets'],
                         lines[0].split())
        self.assertEqual(['2', 'primary', keys.ids[2], '2'],
                         lines[1].split())
        self.assertEqual(['1', 'previous', keys.ids[1], '0'],
                         lines[2].split())
        self.assertEqual(['0', 'staged', keys.ids[0], '0'],
                         lines[3].split())

    def test_keys_status_names_missing_keys(self):
        self.store_secrets()
        stored = self.stored()[0]
        shutil.rmtree(encryption.repository().path)
        encryption.repository().setup()
        encryption.reset()
        self.assertIn('2 secrets are encrypted with keys that are not in',
                      self.refusal(manage.keys_status))
        self.assertIn(encryption.stored_key_id(stored), '\n'.join(
            self.output))

    def test_a_corrupt_key_file_stops_the_rotation_in_one_line(self):
        self.store_secrets()
        path = encryption.repository().path
        with open(os.path.join(path, '1'), 'w') as key:
            key.write('garbage')
        before = self.key_files()
        self.assertIn('is not a Fernet key', self.refusal(manage.keys_rotate))
        self.assertEqual(before, self.key_files())

    def test_writes_do_not_read_the_migration_scripts(self):
        self.store_secrets()
        calls = []
        real = migration.alembic_script.ScriptDirectory.from_config
        self.useFixture(fixtures.MonkeyPatch(
            'alembic.script.ScriptDirectory.from_config',
            lambda *args: calls.append(args) or real(*args)))
        encryption.forget_contract()
        for name in ('one', 'two', 'three'):
            self.create_account(name)
        self.assertEqual([], calls)


class TestBareTokens(StoredSecrets):
    """Tokens of revision 0005, without key ids, get them from 0006."""

    def test_migration_names_the_keys(self):
        account_id = self.store_secrets()
        keys = encryption.repository().load()
        bare = {}
        with db_api.get_engine().begin() as connection:
            for table, column in encryption.SECRET_COLUMNS:
                value = connection.execute(sa.text(
                    'SELECT %s FROM %s' % (column, table))).scalar()
                bare[table] = value.split(':', 2)[2]
                connection.execute(sa.text(
                    'UPDATE %s SET %s = :value' % (table, column)),
                    {'value': bare[table]})
            connection.execute(sa.text(
                "UPDATE alembic_version SET version_num = '0005'"))
        # Readable as they are, and counted as of no known key.
        self.assertEqual(PASSWORD,
                         self.get_row(models.Account, account_id).password)
        with db_api.get_engine().connect() as connection:
            self.assertEqual({encryption.UNKNOWN: 2},
                             dict(encryption.usage(connection)))
            encryption.check(connection)

        migration.upgrade(SECRETS_MIGRATED)

        for value in self.stored():
            self.assertEqual(keys.primary, encryption.stored_key_id(value))
        self.assertEqual(PASSWORD,
                         self.get_row(models.Account, account_id).password)

    def test_unreadable_bare_token_is_refused(self):
        self.store_secrets()
        other = fernet.Fernet(fernet.Fernet.generate_key())
        with db_api.get_engine().begin() as connection:
            connection.execute(sa.text(
                'UPDATE accounts SET password = :value'),
                {'value': other.encrypt(b'x').decode()})
        self.assertIn('accounts 1', self.refusal(service.check_database))


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

    def test_plain_text_until_contract(self):
        account_id = self.store_secrets()
        self.assertEqual([PASSWORD, PRIVATE_KEY], self.stored())
        self.assertEqual(PASSWORD,
                         self.get_row(models.Account, account_id).password)
        self.assertEqual(200, self.request('GET', '/api/accounts/%d/'
                                           % account_id).status_code)

        migration.upgrade(SECRETS_MIGRATED)
        stored = self.stored()
        self.assertEqual(2, len(stored))
        self.assertTrue(all(encryption.is_token(value) for value in stored))
        # Written after the contract: encrypted too.
        self.add_account(provider='prov-b', password='After-Contract-1')
        self.assertNotIn(b'After-Contract-1', self.raw_database())
        self.assertEqual(PASSWORD,
                         self.get_row(models.Account, account_id).password)

    def test_rotation_before_contract_refused_leaves_plain_text(self):
        # A schema older than the previous release's: not this release's.
        self.store_secrets()
        error = self.assertRaises(service.StartupError, self.rotate)
        self.assertIn('older than the previous release', str(error))
        self.assertEqual([PASSWORD, PRIVATE_KEY], self.stored())

    def test_a_write_racing_the_contract_is_encrypted(self):
        """The contract migration waits for a writer that chose plain text.

        On SQLite too: the writer decides under the write lock, which the
        migration takes before it reads the secrets.
        """
        engine = db_api.get_engine()
        migrated = threading.Event()

        def contract():
            migration.upgrade(SECRETS_MIGRATED)
            migrated.set()

        with engine.connect() as connection:
            with connection.begin():
                self.assertFalse(encryption.fleet_encrypts(connection))
                thread = threading.Thread(target=contract)
                thread.start()
                self.addCleanup(thread.join, 60)
                time.sleep(0.5)
                self.assertFalse(migrated.is_set())
                connection.execute(sa.text(
                    "INSERT INTO accounts (provider, driver, username, "
                    "password, auth_url, tenant_name, tenant_id, "
                    "region_name, version, user_domain_name, "
                    "project_domain_name, status, regist_date) VALUES "
                    "('racer', 'nova', 'u', 'Racing-Pass-9', "
                    "'http://k.test', 't', '', '', '2', 'Default', "
                    "'Default', 'AVAILABLE', '2026-01-01 00:00:00.000000')"))
        thread.join(60)
        self.assertTrue(migrated.is_set())
        self.assertNotIn(b'Racing-Pass-9', self.raw_database())
        stored = self.stored()
        self.assertTrue(all(encryption.is_token(value) for value in stored),
                        stored)
