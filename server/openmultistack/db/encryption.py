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
Fernet tokens (:class:`openmultistack.db.types.Secret`), each with the
id of the key that encrypted it: ``fernet:<key id>:<token>``, the key id
being the first 16 hexadecimal digits of the SHA-256 of the key (as
Keystone's ``credential.key_hash``). The keys are files named by a
number in ``[encryption] key_repository`` (mode 0700, keys 0600),
outside the database and its backups:

* the highest number is the *primary* key, the one that encrypts;
* ``0`` is the *staged* key, the next primary;
* every key decrypts.

``openmultistack-manage keys rotate`` (:func:`rotate`) first makes sure
that the repository holds every key the database uses, then copies the
staged key to a new primary and stages a new one, encrypts every secret
again with the new primary, and only then removes the old keys that no
secret uses any more. It never removes a key first: a rotation that
stops half-way leaves every secret readable.

A running service sees a rotation at its next write of a secret: before
encrypting, it looks whether the repository changed (one ``stat``) and
reads it again if so; it never encrypts with a key that is no longer
the primary. A host that has not yet been given the rotated repository
still reads everything (it has the new primary, staged the rotation
before) and encrypts with the previous primary, which the rotation
keeps (``[encryption] max_active_keys``) and encrypts again at the next
rotation.

Upgrades: the services of the release before read secrets as plain text.
Until every service runs this release, the services read both plain text
and tokens, and write plain text; the contract migration
:data:`ENCRYPTED_SINCE` (``openmultistack-manage db contract``, run once
the whole fleet is upgraded) encrypts every stored secret, and from then
on every service encrypts what it writes (:func:`fleet_encrypts`).
Tokens written before the key ids (bare Fernet tokens) are read with
every key and given their key id by migration ``0006``.
"""

import base64
import binascii
import collections
import dataclasses
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
#: What a stored secret starts with: ``fernet:<key id>:``.
PREFIX = 'fernet:'
KEY_ID_LENGTH = 16
_HEADER_LENGTH = len(PREFIX) + KEY_ID_LENGTH + 1
#: The key id of the tokens stored before the key ids (see migration
#: 0006): any key may have encrypted them.
UNKNOWN = None
# Every Fernet token starts with its version byte, 0x80.
_TOKEN_START = 'gAAAAA'
# Rows encrypted again per transaction by a rotation.
_BATCH = 200
# Rows named per table when the keys of some are missing.
_ROWS_NAMED = 10

_LOCK = threading.Lock()


class KeysUnusable(Exception):
    """The secrets cannot be read or written: says why in one line."""


class KeysMissing(KeysUnusable):
    def __init__(self, path: str):
        super().__init__(
            'No encryption keys in %s: run "openmultistack-manage keys '
            'setup" on one host and copy the directory to every other.'
            % path)


class BadKeyFile(KeysUnusable):
    def __init__(self, path: str):
        super().__init__(
            'The key file %s is not a Fernet key (32 bytes in URL-safe '
            'base64): restore it from the key repository of another host '
            'or from a backup.' % path)


class UnknownKey(KeysUnusable):
    def __init__(self, path: str, detail: str = ''):
        super().__init__(
            'The database holds secrets encrypted with a key that is not '
            'in %s%s: give this host the key repository of the hosts that '
            'wrote them.' % (path, detail))


def key_id(key: bytes) -> str:
    """The id of a key, as stored beside what it encrypts."""
    return hashlib.sha256(key).hexdigest()[:KEY_ID_LENGTH]


@dataclasses.dataclass(frozen=True)
class Keys:
    """The keys of a repository as read at one time."""

    path: str
    #: Key id by file number, the staged key (0) first.
    ids: dict[int, str]
    ciphers: dict[str, fernet.Fernet]

    @property
    def primary(self) -> str:
        return self.ids[max(self.ids)]

    def encrypt(self, text: str) -> str:
        primary = self.primary
        token = self.ciphers[primary].encrypt(text.encode('utf-8'))
        return '%s%s:%s' % (PREFIX, primary, token.decode('ascii'))

    def owner(self, token: str) -> typing.Optional[str]:
        """The id of the key that decrypts a bare token; None if none."""
        for candidate, cipher in self.ciphers.items():
            try:
                cipher.decrypt(token.encode('ascii'))
            except fernet.InvalidToken:
                continue
            return candidate
        return None

    def decrypt(self, value: str) -> str:
        """The plain text of a stored token.

        :raises UnknownKey: no key of this repository decrypts it.
        """
        owner = stored_key_id(value)
        try:
            if owner is UNKNOWN:
                ciphers = fernet.MultiFernet(list(self.ciphers.values()))
                return ciphers.decrypt(value.encode('ascii')).decode('utf-8')
            if owner not in self.ciphers:
                raise UnknownKey(self.path, ' (key %s)' % owner)
            token = value[_HEADER_LENGTH:].encode('ascii')
            return self.ciphers[owner].decrypt(token).decode('utf-8')
        except fernet.InvalidToken:
            raise UnknownKey(self.path) from None


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

    def _file(self, index: int) -> str:
        return os.path.join(self.path, str(index))

    def _read(self, index: int) -> bytes:
        with open(self._file(index), 'rb') as key:
            return key.read().strip()

    def _write(self, index: int, key: bytes) -> None:
        # Renamed into place: no reader ever sees half a key.
        path = self._file(index)
        partial = path + '.partial'
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'wb') as out:
            out.write(key)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)

    def signature(self) -> tuple:
        """Changes whenever a key file is added, replaced or removed."""
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            return ()
        return status.st_ino, status.st_mtime_ns, status.st_ctime_ns

    def setup(self) -> bool:
        """Create the directory and its first keys; whether it did."""
        os.makedirs(self.path, mode=0o700, exist_ok=True)
        os.chmod(self.path, 0o700)
        if self._indexes():
            return False
        self._write(STAGED, fernet.Fernet.generate_key())
        self._write(1, fernet.Fernet.generate_key())
        return True

    def load(self) -> Keys:
        """Every key with its id.

        :raises KeysMissing: no staged and primary key.
        :raises BadKeyFile: a file that holds no Fernet key.
        """
        indexes = self._indexes()
        if len(indexes) < 2 or indexes[0] != STAGED:
            raise KeysMissing(self.path)
        ids = {}
        ciphers = {}
        for index in indexes:
            try:
                key = self._read(index)
                cipher = fernet.Fernet(key)
            except FileNotFoundError:
                # Removed by a rotation while being read: it holds
                # nothing any more.
                continue
            except (ValueError, binascii.Error):
                raise BadKeyFile(self._file(index)) from None
            ids[index] = key_id(key)
            ciphers[ids[index]] = cipher
        if len(ids) < 2 or STAGED not in ids:
            raise KeysMissing(self.path)
        return Keys(self.path, ids, ciphers)

    def promote(self) -> int:
        """Make a copy of the staged key the primary, stage a new one.

        Removes nothing. At every moment the directory holds a staged
        and a primary key: the new primary is written before the staged
        key is replaced.

        :returns: the number of the new primary key.
        """
        indexes = self._indexes()
        if STAGED not in indexes:
            raise KeysMissing(self.path)
        primary = indexes[-1] + 1
        self._write(primary, self._read(STAGED))
        self._write(STAGED, fernet.Fernet.generate_key())
        return primary

    def remove(self, index: int) -> None:
        os.unlink(self._file(index))


def repository() -> KeyRepository:
    """The repository the configuration names."""
    return KeyRepository(conf.key_repository())


# The keys of this process and the signature of the repository when
# they were read.
_CACHE: typing.Optional[tuple[tuple, Keys]] = None


def _keys(fresh: bool = False) -> Keys:
    """The keys of the repository; read again if it changed and ``fresh``.

    Encryption asks for fresh keys, so that no secret is written with a
    key that a rotation made old; decryption reads again only when it
    meets a key it does not have.
    """
    global _CACHE
    with _LOCK:
        keys = repository()
        if _CACHE is not None and not fresh:
            return _CACHE[1]
        signature = keys.signature()
        if _CACHE is None or _CACHE[0] != signature:
            _CACHE = signature, keys.load()
        return _CACHE[1]


def reset() -> None:
    """Read the repository again at the next use."""
    global _CACHE
    with _LOCK:
        _CACHE = None


def encrypt(text: str) -> str:
    return _keys(fresh=True).encrypt(text)


def stored_key_id(value: str) -> typing.Optional[str]:
    """The id of the key of a stored token; :data:`UNKNOWN` if bare."""
    if value.startswith(PREFIX):
        return value[len(PREFIX):len(PREFIX) + KEY_ID_LENGTH]
    return UNKNOWN


def _is_bare_token(value: str) -> bool:
    if not value.startswith(_TOKEN_START):
        return False
    try:
        base64.urlsafe_b64decode(value.encode('ascii'))
    except ValueError:
        return False
    return True


def is_token(value: str) -> bool:
    """Whether ``value`` is a stored token (with or without a key id)."""
    if value.startswith(PREFIX):
        return (len(value) > _HEADER_LENGTH and
                value[_HEADER_LENGTH - 1] == ':' and
                _is_bare_token(value[_HEADER_LENGTH:]))
    return _is_bare_token(value)


def decrypt(value: str) -> str:
    """The plain text of a stored secret.

    A value that is no token is returned as it is: it was stored before
    the contract migration encrypted the secrets.

    :raises UnknownKey: a token none of the keys decrypts.
    """
    if not is_token(value):
        return value
    owner = stored_key_id(value)
    keys = _keys()
    if owner is not UNKNOWN and owner not in keys.ciphers:
        # Rotated since: read the repository again.
        keys = _keys(fresh=True)
    return keys.decrypt(value)


def _secrets(table_name: str, column_name: str):
    table = sa.table(table_name, sa.column('id', sa.Integer),
                     sa.column(column_name, sa.Text))
    return table, table.c[column_name]


def _key_of(column) -> sa.ColumnElement:
    return sa.func.substr(column, len(PREFIX) + 1, KEY_ID_LENGTH)


def usage(connection: sa.engine.Connection) -> collections.Counter:
    """How many secrets each key id holds, in one query.

    :data:`UNKNOWN` counts the tokens stored without a key id.
    """
    selects = []
    for table_name, column_name in SECRET_COLUMNS:
        table, column = _secrets(table_name, column_name)
        owner = _key_of(column).label('key_id')
        selects.append(
            sa.select(owner, sa.func.count().label('rows'))
            .where(column.like(PREFIX + '%')).group_by(owner))
        selects.append(
            sa.select(sa.null().label('key_id'), sa.func.count())
            .where(column.like(_TOKEN_START + '%')))
    counts: collections.Counter = collections.Counter()
    for owner, rows in connection.execute(sa.union_all(*selects)):
        if rows:
            counts[owner] += rows
    return counts


def _rows_of(connection, owners) -> str:
    """Which rows hold the secrets of these key ids, as a short text."""
    named = []
    for table_name, column_name in SECRET_COLUMNS:
        table, column = _secrets(table_name, column_name)
        ids = connection.execute(
            sa.select(table.c.id).where(_key_of(column).in_(owners))
            .where(column.like(PREFIX + '%')).order_by(table.c.id)
            .limit(_ROWS_NAMED + 1)).scalars().all()
        if ids:
            more = ' and more' if len(ids) > _ROWS_NAMED else ''
            named.append('%s %s%s' % (
                table_name, ', '.join(str(i) for i in ids[:_ROWS_NAMED]),
                more))
    return '; '.join(named)


def _bare_tokens(connection):
    """Every token stored without a key id: (table, column, id, value)."""
    for table_name, column_name in SECRET_COLUMNS:
        table, column = _secrets(table_name, column_name)
        rows = connection.execute(
            sa.select(table.c.id, column)
            .where(column.like(_TOKEN_START + '%'))).all()
        for row_id, value in rows:
            if _is_bare_token(value):
                yield table_name, column_name, row_id, value


def _unreadable_bare(connection, keys: Keys) -> list[str]:
    unreadable = []
    for table_name, _, row_id, value in _bare_tokens(connection):
        try:
            keys.decrypt(value)
        except UnknownKey:
            unreadable.append('%s %d' % (table_name, row_id))
    return unreadable


def verify(connection: sa.engine.Connection, keys: Keys,
           counts: typing.Optional[collections.Counter] = None) -> None:
    """Make sure ``keys`` read every stored secret.

    The key ids the secrets name are counted in one query; only tokens
    stored without a key id (before migration 0006) are decrypted.

    :raises UnknownKey: naming the missing keys and their rows.
    """
    if counts is None:
        counts = usage(connection)
    missing = sorted(owner for owner in counts
                     if owner is not UNKNOWN and owner not in keys.ciphers)
    if missing:
        raise UnknownKey(keys.path, ' (%d secrets of key %s: %s)' % (
            sum(counts[owner] for owner in missing), ', '.join(missing),
            _rows_of(connection, missing)))
    if counts.get(UNKNOWN):
        unreadable = _unreadable_bare(connection, keys)
        if unreadable:
            raise UnknownKey(keys.path, ' (%s)' % ', '.join(unreadable))


def check(connection: sa.engine.Connection) -> None:
    """Start-up check: the keys of this host read every stored secret.

    :raises KeysUnusable: no keys, a broken key file, or keys that are
        not those the secrets were encrypted with.
    """
    verify(connection, _keys(fresh=True))


def _reencrypt(engine: sa.engine.Engine, table_name: str,
               column_name: str, keep: typing.Callable[[str], bool]) -> int:
    """Encrypt again, with the primary key, what ``keep`` does not keep.

    In batches of short transactions; each row is written only if it
    still holds what was read, so that a secret changed meanwhile by the
    service is left as the service wrote it.
    """
    table, column = _secrets(table_name, column_name)
    count = 0
    last = 0
    while True:
        with engine.begin() as connection:
            rows = connection.execute(
                sa.select(table.c.id, column)
                .where(table.c.id > last, column != '')
                .order_by(table.c.id).limit(_BATCH)).all()
            for row_id, value in rows:
                if keep(value):
                    continue
                result = connection.execute(
                    table.update()
                    .where(table.c.id == row_id, column == value)
                    .values({column_name: encrypt(decrypt(value))}))
                count += result.rowcount
        if len(rows) < _BATCH:
            return count
        last = rows[-1][0]


def reencrypt_rows(engine: sa.engine.Engine, encrypt_plain: bool) -> int:
    """Encrypt every stored secret with the primary key; how many.

    Plain text is left as it is unless ``encrypt_plain``: before the
    contract migration, the services of the previous release read it.
    """
    primary = _keys(fresh=True).primary

    def keep(value: str) -> bool:
        if not is_token(value):
            return not encrypt_plain
        return stored_key_id(value) == primary

    return sum(_reencrypt(engine, table_name, column_name, keep)
               for table_name, column_name in SECRET_COLUMNS)


@dataclasses.dataclass
class Rotation:
    """What :func:`rotate` did."""

    primary: int
    encrypted: int
    removed: list[int]
    #: Old keys kept because secrets still use them.
    kept: list[int]


def rotate(engine: sa.engine.Engine, max_active_keys: int) -> Rotation:
    """Rotate the keys and encrypt every secret with the new primary.

    1. Refuse, changing nothing, when the repository lacks a key the
       stored secrets use (this host has a stale copy of it).
    2. Copy the staged key to a new primary, stage a new key.
    3. Encrypt every secret again with the new primary.
    4. Remove the keys beyond ``max_active_keys`` (the staged, the
       primary and the newest previous primaries are kept) that no
       secret uses any more; keep, and report, those that some do.

    :raises KeysUnusable: with the reason, before anything changed.
    """
    keys = repository()
    with engine.connect() as connection:
        verify(connection, keys.load())
        contracted = fleet_encrypts(connection)
    primary = keys.promote()
    reset()
    encrypted = reencrypt_rows(engine, encrypt_plain=contracted)
    current = keys.load()
    kept_numbers = sorted(current.ids)[-(max_active_keys - 1):]
    old = [index for index in sorted(current.ids)
           if index != STAGED and index not in kept_numbers]
    with engine.connect() as connection:
        counts = usage(connection)
        if counts.get(UNKNOWN):
            for _, _, _, value in _bare_tokens(connection):
                owner = current.owner(value)
                if owner is not None:
                    counts[owner] += 1
    removed = []
    kept = []
    for index in old:
        if counts.get(current.ids[index]):
            kept.append(index)
        else:
            keys.remove(index)
            removed.append(index)
    reset()
    return Rotation(primary, encrypted, removed, kept)


def _lock_for_secret_writes(connection: sa.engine.Connection,
                            exclusive: bool) -> None:
    """Order the writers of secrets and the contract migration.

    On PostgreSQL an advisory lock, shared by the writers and exclusive
    for the migration. On SQLite, where a write transaction excludes
    every other, a write that opens the transaction: whatever is read
    after it is the newest, and no migration commits before it does.
    """
    dialect = connection.dialect.name
    if dialect == 'postgresql':
        lock = (sa.func.pg_advisory_xact_lock if exclusive
                else sa.func.pg_advisory_xact_lock_shared)
        connection.execute(sa.select(lock(_WRITERS_LOCK)))
    elif dialect == 'sqlite':
        connection.exec_driver_sql(
            'UPDATE alembic_version SET version_num = version_num')


def _encrypt_plain(connection: sa.engine.Connection) -> int:
    count = 0
    for table_name, column_name in SECRET_COLUMNS:
        table, column = _secrets(table_name, column_name)
        rows = connection.execute(
            sa.select(table.c.id, column).where(column != '')).all()
        for row_id, value in rows:
            if not is_token(value):
                connection.execute(
                    table.update().where(table.c.id == row_id)
                    .values({column_name: encrypt(value)}))
                count += 1
    return count


def encrypt_plain_rows(connection: sa.engine.Connection) -> int:
    """Encrypt every secret stored in plain text; how many.

    The contract migration: it first waits for the transactions writing
    secrets and holds back the next ones until it commits, when they see
    that the secrets are encrypted (:func:`fleet_encrypts`); none writes
    plain text after the scan.
    """
    _lock_for_secret_writes(connection, exclusive=True)
    return _encrypt_plain(connection)


def add_key_ids(connection: sa.engine.Connection) -> int:
    """Store the key id beside every token stored without one; how many.

    :raises UnknownKey: a token no key of this host decrypts.
    """
    bare = list(_bare_tokens(connection))
    if not bare:
        return 0
    keys = _keys(fresh=True)
    count = 0
    for table_name, column_name, row_id, value in bare:
        table, column = _secrets(table_name, column_name)
        owner = keys.owner(value)
        if owner is None:
            raise UnknownKey(keys.path, ' (%s %d)' % (table_name, row_id))
        connection.execute(
            table.update().where(table.c.id == row_id)
            .values({column_name: '%s%s:%s' % (PREFIX, owner, value)}))
        count += 1
    return count


# Once the contract migration ran, it stays run: no need to ask again.
_CONTRACTED = False


def fleet_encrypts(connection: sa.engine.Connection) -> bool:
    """Whether secrets written now must be encrypted.

    Only once the contract migration :data:`ENCRYPTED_SINCE` has run:
    before, a service of the previous release may read them. Until then,
    asked in the transaction that writes the secrets, under a lock that
    the migration takes exclusively; from then on, known in the process.
    """
    global _CONTRACTED
    if _CONTRACTED:
        return True
    _lock_for_secret_writes(connection, exclusive=False)
    revision = connection.exec_driver_sql(
        'SELECT version_num FROM alembic_version').scalar()
    # Imported here: the migrations import this module.
    from openmultistack.db import migration
    known = migration.revisions()
    contracted = revision not in known[:known.index(ENCRYPTED_SINCE)]
    if contracted:
        _CONTRACTED = True
    return contracted


def forget_contract() -> None:
    """Ask the database again (tests that move its revision back)."""
    global _CONTRACTED
    _CONTRACTED = False
