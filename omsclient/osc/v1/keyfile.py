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
import stat
import tempfile

from osc_lib import exceptions as osc_exc

from omsclient.common import formatters

PRIVATE_MODE = 0o600

_KINDS = ((stat.S_ISCHR, 'a character device'),
          (stat.S_ISBLK, 'a block device'),
          (stat.S_ISFIFO, 'a FIFO'),
          (stat.S_ISSOCK, 'a socket'))


def _error(message: str, path: str, *args: object) -> osc_exc.CommandError:
    """An error naming the user's path, escaped for the terminal."""
    return osc_exc.CommandError(message % ((formatters.escape_text(path),)
                                           + args))


def _kind(mode: int) -> str:
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return 'not a regular file'


def check_target(path: str, replace: bool = False) -> None:
    """Refuse a path that cannot take the key, before the key is read.

    A new path is fine; an existing regular file (or a symbolic link to
    one) only with ``replace``. A directory, a device, a FIFO, a socket
    or a link to one of them is refused whatever ``replace`` says.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.lexists(path):
            raise _error('%s is a symbolic link to nothing; refusing to '
                         'write through it', path)
        return
    except OSError as exc:
        raise _error('Unable to write %s: %s', path, exc.strerror)
    if stat.S_ISDIR(mode):
        raise _error('%s is a directory', path)
    if not stat.S_ISREG(mode):
        raise _error('%s is %s; refusing to replace it', path, _kind(mode))
    if not replace:
        raise _error('File %s already exists; use --force to replace it',
                     path)


def write_private(path: str, text: str, replace: bool = False) -> None:
    """Write ``text`` to a new file at ``path`` with mode 0600.

    The text goes to a new private file beside ``path`` first, which then
    takes its place whole: a partly written key is never left at
    ``path``, and if anything fails the new file is removed. Without
    ``replace`` the file is linked into place, which fails if anything
    appeared at ``path`` meanwhile (a file, a symbolic link); with
    ``replace`` it takes the place of the old file, which is checked
    again (:func:`check_target`) just before. Errors name ``path``, never
    the new file.
    """
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, temporary = tempfile.mkstemp(
            dir=directory, prefix='.%s.' % os.path.basename(path),
            suffix='.tmp')
    except OSError as exc:
        raise _error('Unable to create %s: %s', path, exc.strerror)
    try:
        with os.fdopen(fd, 'w') as stream:
            # The mode given at creation is reduced by the umask.
            os.fchmod(stream.fileno(), PRIVATE_MODE)
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if replace:
            check_target(path, replace=True)
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
    except FileExistsError:
        raise _error('File %s already exists; use --force to replace it',
                     path)
    except OSError as exc:
        raise _error('Unable to write %s: %s', path, exc.strerror)
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)
