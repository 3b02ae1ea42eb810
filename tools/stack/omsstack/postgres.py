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

"""PostgreSQL from Debian: a cluster of the stack's own, run as postgres.

PostgreSQL refuses to run as root: the cluster directory belongs to the
``postgres`` user and the server runs as that user, in the foreground, so
that the stack knows its pid (SIGINT is PostgreSQL's fast shutdown).
"""

import glob
import hashlib
import os
import pathlib
import pwd
import shutil
import signal
import subprocess
import tempfile

from omsstack import layout as layout_mod
from omsstack import process

USER = 'postgres'
DATABASE = 'openmultistack'
# Where the PostgreSQL tests of the service make their schemas, away from
# the database of the running service.
TEST_DATABASE = 'openmultistack_test'
DB_USER = 'openmultistack'


def bindir() -> pathlib.Path:
    found = sorted(glob.glob('/usr/lib/postgresql/*/bin/postgres'))
    if not found:
        raise process.StackError(
            'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/'
            'postgres): run tools/stack/install.sh')
    return pathlib.Path(found[-1]).parent


def _searchable(path: pathlib.Path) -> bool:
    """Whether another user (postgres) can reach ``path``."""
    return all(os.stat(part).st_mode & 0o001
               for part in (path, *path.parents))


def _state(layout):
    """The cluster's directory, owned by the postgres user.

    Under the stack's run directory when the postgres user can reach it
    (it must traverse every parent); else a directory of this stack in
    the system's temporary directory.
    """
    if _searchable(layout.run):
        state = layout.state('postgres')
    else:
        digest = hashlib.sha256(str(layout.root).encode()).hexdigest()[:12]
        state = pathlib.Path(tempfile.gettempdir()) / (
            'omsstack-postgres-%s' % digest)
    owner = pwd.getpwnam(USER)
    for path in (state, state / 'socket'):
        path.mkdir(exist_ok=True)
        os.chown(path, owner.pw_uid, owner.pw_gid)
    return state


def prepare(layout: layout_mod.Layout) -> None:
    state = _state(layout)
    # A cluster left by an earlier stack goes; a new one is made.
    shutil.rmtree(state / 'data', ignore_errors=True)
    result = subprocess.run(
        [str(bindir() / 'initdb'), '--pgdata', str(state / 'data'),
         '--username', USER, '--auth', 'trust', '--encoding', 'UTF8',
         '--no-sync'],
        user=USER, cwd=state, capture_output=True, text=True)
    if result.returncode:
        raise process.StackError('initdb failed:\n%s' % result.stderr[-2000:])


def spec(layout: layout_mod.Layout) -> process.Spec:
    state = _state(layout)
    port = layout_mod.PORTS['postgres']
    return process.Spec(
        name='postgres',
        argv=[str(bindir() / 'postgres'), '-D', str(state / 'data'),
              '-p', str(port), '-h', layout_mod.HOST,
              '-k', str(state / 'socket'), '-c', 'fsync=off'],
        user=USER,
        cwd=str(state),
        ready={'command': [str(bindir() / 'pg_isready'), '--quiet',
                           '-h', layout_mod.HOST, '-p', str(port)]},
        ready_timeout=60,
        stop_signal=signal.SIGINT)


def database_url(password: str, database: str = DATABASE) -> str:
    return 'postgresql+psycopg2://%s:%s@%s:%d/%s' % (
        DB_USER, password, layout_mod.HOST, layout_mod.PORTS['postgres'],
        database)


def _psql(layout: layout_mod.Layout, statement: str) -> None:
    result = subprocess.run(
        [str(bindir() / 'psql'), '-h', layout_mod.HOST,
         '-p', str(layout_mod.PORTS['postgres']), '-U', USER,
         '-v', 'ON_ERROR_STOP=1', '-c', statement],
        user=USER, cwd=layout.state('postgres'), capture_output=True,
        text=True)
    if result.returncode:
        raise process.StackError('psql failed:\n%s' % result.stderr[-2000:])


def create_database(layout: layout_mod.Layout, password: str) -> None:
    """Create the service's role, its database and the tests' one."""
    _psql(layout, "CREATE ROLE %s LOGIN PASSWORD '%s'" % (DB_USER, password))
    create_databases(layout, DATABASE, TEST_DATABASE)


def create_databases(layout: layout_mod.Layout, *names: str) -> None:
    """Create empty databases owned by the stack's database user."""
    for name in names:
        _psql(layout, 'CREATE DATABASE %s OWNER %s' % (name, DB_USER))
