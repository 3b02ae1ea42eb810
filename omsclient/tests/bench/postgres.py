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


"""A throw-away PostgreSQL cluster for a benchmark.

Debian's PostgreSQL (``/usr/lib/postgresql/<version>/bin``) is started on
127.0.0.1 with a fresh cluster in a temporary directory, without
``fsync``, and removed afterwards. PostgreSQL refuses to run as root: a
root caller runs it as the ``postgres`` user.
"""

import contextlib
import glob
import os
import pathlib
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from typing import Iterator

from omsclient.tests.bench import common
from omsclient.tests.bench import service_process

USER = 'postgres'
DATABASE = 'openmultistack'
READY_TIMEOUT = 60


def bindir() -> pathlib.Path | None:
    found = sorted(glob.glob('/usr/lib/postgresql/*/bin/postgres'))
    return pathlib.Path(found[-1]).parent if found else None


def missing() -> str | None:
    """Say why no cluster can be started here, or None."""
    if bindir() is None:
        return ('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/'
                'postgres)')
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(USER)
        except KeyError:
            return 'running as root and there is no %s user' % USER
    try:
        import psycopg2  # type: ignore[import-untyped] # noqa: F401
    except ImportError:
        return 'psycopg2 is not installed'
    return None


def _run(argv, user, **kwargs) -> None:
    result = subprocess.run(argv, user=user, capture_output=True, text=True,
                            **kwargs)
    if result.returncode:
        raise RuntimeError('%s failed: %s' % (
            os.path.basename(argv[0]), result.stderr.strip()[-500:]))


@contextlib.contextmanager
def cluster(log: pathlib.Path,
            max_connections: int = 200) -> Iterator[str]:
    """Run a cluster in the block; yield the SQLAlchemy URL of a database."""
    binaries = bindir()
    if binaries is None:
        raise RuntimeError(missing())
    user = USER if os.geteuid() == 0 else None
    with tempfile.TemporaryDirectory(prefix='oms-bench-pg-') as directory:
        root = pathlib.Path(directory)
        if user:
            owner = pwd.getpwnam(user)
            os.chmod(root, 0o755)
            os.chown(root, owner.pw_uid, owner.pw_gid)
        _run([str(binaries / 'initdb'), '--pgdata', str(root / 'data'),
              '--username', USER, '--auth', 'trust', '--encoding', 'UTF8',
              '--no-sync'], user, cwd=root)
        port = service_process.free_port()
        argv = [str(binaries / 'postgres'), '-D', str(root / 'data'),
                '-p', str(port), '-h', common.LOOPBACK, '-k', directory,
                '-c', 'fsync=off', '-c', 'max_connections=%d'
                % max_connections]
        with open(log, 'ab') as out:
            proc = subprocess.Popen(argv, user=user, cwd=root, stdout=out,
                                    stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL)
        try:
            _wait_ready(binaries, port, proc)
            _run([str(binaries / 'psql'), '-h', common.LOOPBACK,
                  '-p', str(port), '-U', USER, '-v', 'ON_ERROR_STOP=1',
                  '-c', 'CREATE DATABASE %s' % DATABASE], user)
            yield 'postgresql+psycopg2://%s@%s:%d/%s' % (
                USER, common.LOOPBACK, port, DATABASE)
        finally:
            proc.send_signal(signal.SIGINT)  # PostgreSQL's fast shutdown
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            shutil.rmtree(root / 'data', ignore_errors=True)


def _wait_ready(binaries: pathlib.Path, port: int,
                proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError('postgres exited with %d' % proc.returncode)
        if subprocess.run([str(binaries / 'pg_isready'), '--quiet', '-h',
                           common.LOOPBACK, '-p', str(port)]).returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError('postgres did not start within %d s' % READY_TIMEOUT)
