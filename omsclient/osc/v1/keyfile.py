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

"""Writing secrets to files that only their owner can read."""

import os

from osc_lib import exceptions as osc_exc

PRIVATE_MODE = 0o600


def check_absent(path: str) -> None:
    """Refuse a path that already exists (a file, link or anything)."""
    if os.path.lexists(path):
        raise osc_exc.CommandError(
            'File %s already exists; use --force to replace it' % path)


def write_private(path: str, text: str, replace: bool = False) -> None:
    """Write ``text`` to a new file at ``path`` with mode 0600.

    Without ``replace`` the file is created with ``O_EXCL``: an existing
    file (or a symbolic link planted there) is never written through. With
    ``replace`` the text goes to a new private file beside it, which then
    takes the place of the old one, so the result has mode 0600 whatever
    the old file's mode was. If writing fails, nothing is left behind.
    """
    target = path
    if replace:
        directory, name = os.path.split(os.path.abspath(path))
        path = os.path.join(directory, '.%s.%d.tmp' % (name, os.getpid()))
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                     PRIVATE_MODE)
    except FileExistsError:
        raise osc_exc.CommandError(
            'File %s already exists; use --force to replace it' % path)
    except OSError as exc:
        raise osc_exc.CommandError('Unable to create %s: %s'
                                   % (path, exc.strerror))
    try:
        with os.fdopen(fd, 'w') as stream:
            # The mode given to open() is reduced by the umask; make sure.
            os.fchmod(stream.fileno(), PRIVATE_MODE)
            stream.write(text)
        if replace:
            os.replace(path, target)
    except OSError as exc:
        os.unlink(path)
        raise osc_exc.CommandError('Unable to write %s: %s'
                                   % (target, exc.strerror))
