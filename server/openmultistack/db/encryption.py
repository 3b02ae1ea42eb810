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

"""Secrets at rest: Fernet keys in a key repository, as Keystone's.

Account passwords and the private keys of instances are stored as
Fernet tokens (:class:`openmultistack.db.types.Secret`). The keys are
files named by a number in ``[encryption] key_repository`` (mode 0700,
keys 0600), outside the database and its backups:

* the highest number is the *primary* key, the one that encrypts;
* ``0`` is the *staged* key, the next primary;
* every key decrypts.

``openmultistack-manage keys rotate`` makes the staged key primary and
stages a new one. A host that has not yet been given the rotated
repository still reads everything (it has the new primary, staged the
rotation before) and encrypts with the previous primary, which the
rotation keeps (``[encryption] max_active_keys``).

Upgrades: the services of the release before read secrets as plain text.
Until every service runs this release, the services read both plain text
and tokens, and write plain text; the contract migration
:data:`ENCRYPTED_SINCE` (``openmultistack-manage db contract``, run once
the whole fleet is upgraded) encrypts every stored secret, and from then
on every service encrypts what it writes (:func:`fleet_encrypts`).
"""

import base64
import hashlib
import os
import threading
import typing

from cryptography import fernet
import sqlalchemy as sa

from openmultistack import conf

STAGED = 0
#: The contract migration that encrypts the secrets stored in plain text.
ENCRYPTED_SINCE = '0005'
# PostgreSQL advisory lock between the writers of secrets (shared) and
# that migration (exclusive).
_WRITERS_LOCK = int.from_bytes(
    hashlib.sha256(b'secrets-at-rest').digest()[:8], 'big', signed=True)
#: Where the secrets are: (table, column).
SECRET_COLUMNS = (('accounts', 'password'), ('instances', 'key_raw'))
_LOCK = threading.Lock()
_FERNET: typing.Optional[fernet.MultiFernet] = None
# Every Fernet token starts with its version byte, 0x80.
_TOKEN_START = 'gAAAAA'


class KeysUnusable(Exception):
    """The secrets cannot be read or written: says why in one line."""


class KeysMissing(KeysUnusable):
    def __init__(self, path: str):
        super().__init__(
            'No encryption keys in %s: run "openmultistack-manage keys '
            'setup" on one host and copy the directory to every other.'
            % path)


class UnknownKey(KeysUnusable):
    def __init__(self, path: str):
        super().__init__(
            'The database holds secrets encrypted with a key that is not '
            'in %s: give this host the key repository of the hosts that '
            'wrote them.' % path)


class KeyRepository:
    """The key files of one directory; see the module documentation."""

    def __init__(self, path: str):
        self.path = path

    def _indexes(self) -> list[int]:
        try:
            names = os.listdir(self.path)
        except FileNotFoundError:
            return []
        return sorted(int(name) for name in names if name.isdigit())

    def _read(self, index: int) -> bytes:
        with open(os.path.join(self.path, str(index)), 'rb') as key:
            return key.read().strip()

    def _write(self, index: int, key: bytes) -> None:
        # Renamed into place: no reader ever sees half a key.
        path = os.path.join(self.path, str(index))
        partial = path + '.partial'
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'wb') as out:
            out.write(key)
        os.replace(partial, path)

    def setup(self) -> bool:
        """Create the directory and its first keys; whether it did."""
        os.makedirs(self.path, mode=0o700, exist_ok=True)
        os.chmod(self.path, 0o700)
        if self._indexes():
            return False
        self._write(STAGED, fernet.Fernet.generate_key())
        self._write(1, fernet.Fernet.generate_key())
        return True

    def rotate(self, max_active_keys: int) -> int:
        """Make the staged key primary, stage a new one, drop the oldest.

        :returns: the number of the new primary key.
        """
        indexes = self._indexes()
        if STAGED not in indexes:
            raise KeysMissing(self.path)
        primary = indexes[-1] + 1
        os.replace(os.path.join(self.path, str(STAGED)),
                   os.path.join(self.path, str(primary)))
        self._write(STAGED, fernet.Fernet.generate_key())
        # Besides the staged and the primary keys, the newest of the others.
        previous = indexes[1:]
        dropped = previous[:max(0, len(previous) - (max_active_keys - 2))]
        for index in dropped:
            os.unlink(os.path.join(self.path, str(index)))
        return primary

    def fernet(self) -> fernet.MultiFernet:
        """Every key, the primary first (it encrypts)."""
        indexes = self._indexes()
        if len(indexes) < 2 or STAGED not in indexes:
            raise KeysMissing(self.path)
        ordered = indexes[:0:-1] + [STAGED]
        return fernet.MultiFernet([fernet.Fernet(self._read(index))
                                   for index in ordered])


def repository() -> KeyRepository:
    """The repository the configuration names."""
    return KeyRepository(conf.key_repository())


def _keys() -> fernet.MultiFernet:
    global _FERNET
    with _LOCK:
        if _FERNET is None:
            _FERNET = repository().fernet()
        return _FERNET


def reset() -> None:
    """Read the repository again at the next use (after a rotation)."""
    global _FERNET
    with _LOCK:
        _FERNET = None


def encrypt(text: str) -> str:
    return _keys().encrypt(text.encode('utf-8')).decode('ascii')


def is_token(value: str) -> bool:
    """Whether ``value`` has the shape of a Fernet token."""
    if not value.startswith(_TOKEN_START):
        return False
    try:
        base64.urlsafe_b64decode(value.encode('ascii'))
    except ValueError:
        return False
    return True


def decrypt(value: str) -> str:
    """The plain text of a stored secret.

    A value that is no Fernet token is returned as it is: it was stored
    before the contract migration encrypted the secrets.

    :raises UnknownKey: a token none of the keys decrypts.
    """
    if not is_token(value):
        return value
    try:
        return _keys().decrypt(value.encode('ascii')).decode('utf-8')
    except fernet.InvalidToken:
        raise UnknownKey(conf.key_repository()) from None


def _stored(table_name: str, column_name: str):
    table = sa.table(table_name, sa.column('id', sa.Integer),
                     sa.column(column_name, sa.Text))
    column = table.c[column_name]
    return table, column, sa.select(table.c.id, column).where(column != '')


def _encrypt_rows(connection: sa.engine.Connection, columns,
                  select: typing.Callable[[str], bool]) -> int:
    count = 0
    for table_name, column_name in columns:
        table, column, stored = _stored(table_name, column_name)
        for row_id, value in connection.execute(stored).all():
            if select(value):
                connection.execute(
                    table.update().where(table.c.id == row_id)
                    .values({column_name: encrypt(decrypt(value))}))
                count += 1
    return count


def reencrypt_rows(connection: sa.engine.Connection,
                   columns=SECRET_COLUMNS) -> int:
    """Encrypt every stored token again with the primary key; how many.

    Run after a rotation. Plain text stays as it is: before the contract
    migration, the services of the previous release may still read it.
    """
    return _encrypt_rows(connection, columns, is_token)


def encrypt_plain_rows(connection: sa.engine.Connection,
                       columns=SECRET_COLUMNS) -> int:
    """Encrypt every secret stored in plain text; how many.

    The contract migration: on PostgreSQL it first waits for the
    transactions writing secrets and holds back the next ones until it
    commits, when they see that the secrets are encrypted
    (:func:`fleet_encrypts`); none writes plain text after the scan.
    """
    if connection.dialect.name == 'postgresql':
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(
            _WRITERS_LOCK)))
    return _encrypt_rows(connection, columns,
                         lambda value: not is_token(value))


def fleet_encrypts(connection: sa.engine.Connection) -> bool:
    """Whether secrets written now must be encrypted.

    Only once the contract migration :data:`ENCRYPTED_SINCE` has run:
    before, a service of the previous release may read them. Asked in
    the transaction that writes the secrets, under a shared lock that
    the migration takes exclusively.
    """
    if connection.dialect.name == 'postgresql':
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock_shared(
            _WRITERS_LOCK)))
    revision = connection.exec_driver_sql(
        'SELECT version_num FROM alembic_version').scalar()
    # Imported here: the migrations import this module.
    from openmultistack.db import migration
    known = migration.revisions()
    return revision not in known[:known.index(ENCRYPTED_SINCE)]


def check(connection: sa.engine.Connection) -> None:
    """Make sure the keys read the stored secrets (one of each kind).

    :raises KeysUnusable: no keys, or not those the secrets were
        encrypted with.
    """
    _keys()
    for table_name, column_name in SECRET_COLUMNS:
        stored = _stored(table_name, column_name)[2]
        row = connection.execute(stored.limit(1)).first()
        if row is not None:
            decrypt(row[1])
