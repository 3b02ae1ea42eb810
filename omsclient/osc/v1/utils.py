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

"""Shared pieces of the multistack commands: rows, waiting, deleting."""

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
import contextlib
import logging
import time
from typing import Any
from typing import TextIO

from osc_lib import exceptions as osc_exc

from omsclient.common import exceptions
from omsclient.common import formatters
from omsclient.osc import common
from omsclient.osc.v1 import constants

LOG = logging.getLogger(__name__)

Fields = constants.Fields


def _value(data: Mapping, label: str, fields: Fields) -> Any:
    paths, column = fields[label]
    for path in paths:
        value = formatters.get_path(data, path)
        if value is not None:
            return column(value) if column is not None else value
    return None


def item_row(resource: Any, columns: Iterable[str], fields: Fields) -> tuple:
    """Return the values of ``columns`` for one resource of a list."""
    data = common.record_data(resource)
    return tuple(_value(data, label, fields) for label in columns)


def show_data(resource: Any, columns: Iterable[str],
              fields: Fields) -> tuple[tuple, tuple]:
    """Return the columns and values of one resource for ``ShowOne``.

    Fields that this client does not know yet (sent by a newer service)
    are shown as well, under their own names, after the known ones.
    """
    data = common.record_data(resource)
    columns = tuple(columns)
    values = tuple(_value(data, label, fields) for label in columns)
    known = {path.split('.')[0]
             for paths, _column in fields.values() for path in paths}
    extra = sorted(key for key in data if key not in known)
    return (columns + tuple(extra),
            values + tuple(formatters.auto_column(data[key]) for key in extra))


class StatusReporter:
    """Print each status change of a waited-for resource on a stream.

    Used as the ``callback`` of ``queues.wait``: every poll passes the
    entry; a line ``<label>: <status> (<n>s)`` is written when the status
    differs from the previous one. The status is the server's text: its
    control characters are escaped, so that it cannot rewrite the line.

    :param start: ``time.monotonic()`` when the command began, from which
        the seconds shown count; by default, now.
    """

    def __init__(self, stream: TextIO, label: str,
                 start: float | None = None) -> None:
        self.label = label
        self._stream = stream
        self._start = time.monotonic() if start is None else start
        self._status: str | None = None

    def __call__(self, resource: Any) -> None:
        self.report(common.record_data(resource).get('status'))

    def report(self, status: str | None) -> None:
        """Write a line for ``status`` if it is a new one."""
        if status == self._status:
            return
        self._status = status
        self._stream.write('%s: %s (%ds)\n' % (
            self.label, formatters.escape_text(str(status)),
            self.elapsed()))
        self._stream.flush()

    @contextlib.contextmanager
    def following(self, hint: str, timeout: float | None = None
                  ) -> Iterator[None]:
        """Say in one line what a wait that ends early leaves behind.

        The resource goes on without its watcher; every line names the
        last status seen and ``hint``, how to follow the resource:

        * Ctrl-C (``KeyboardInterrupt``) stops the wait, not the service:
          the line is written, then the interrupt goes on to end the
          command as usual (exit status 130, no traceback);
        * the end of ``--timeout`` (``WaitTimeout``) and a service that
          stops answering (a refused or timed out connection, a 5xx
          answer) end the command with a ``CommandError`` saying so.

        :param timeout: the ``--timeout`` of the command, named by the
            message of a timed out wait.
        """
        try:
            yield
        except KeyboardInterrupt:
            self._stream.write('%s: stopped waiting%s; the service goes on '
                               'with it: %s\n' % (self.label, self._seen(),
                                                  hint))
            self._stream.flush()
            raise
        except exceptions.WaitTimeout as exc:
            status = ('' if self._status is None else ' %s'
                      % formatters.escape_text(str(self._status)))
            raise osc_exc.CommandError(
                '%s: still%s after %ds%s; the service goes on with it: %s'
                % (self.label, status, self.elapsed(),
                   '' if timeout is None else ' (--timeout %g)' % timeout,
                   hint)) from exc
        except exceptions.ClientException as exc:
            if not _service_gone(exc):
                raise
            raise osc_exc.CommandError(
                '%s: the service stopped answering while waiting%s: %s; it '
                'may still exist: once the service answers again, look '
                'with: %s' % (self.label, self._seen(),
                              formatters.escape_text(str(exc)),
                              hint)) from exc

    def elapsed(self) -> float:
        """Seconds since the reporter was made (the command started)."""
        return time.monotonic() - self._start

    def _seen(self) -> str:
        return ('' if self._status is None else ' (last seen %s)'
                % formatters.escape_text(str(self._status)))


def _service_gone(exc: Exception) -> bool:
    """Whether an error says that the service no longer answers."""
    return isinstance(exc, exceptions.CommunicationError) or (
        isinstance(exc, exceptions.HttpError)
        and (exc.http_status or 0) in (502, 503, 504))


def delete_each(ids: Iterable[str], delete: Callable[[str], Any],
                singular: str, plural: str) -> None:
    """Delete every resource, going on past failures.

    Each failure is logged as one line on stderr; at the end a
    ``CommandError`` says how many of them failed.
    """
    ids = list(ids)
    failed = 0
    for resource_id in ids:
        try:
            delete(resource_id)
        except (exceptions.ClientException, osc_exc.CommandError) as exc:
            failed += 1
            LOG.error('Failed to delete %s %s: %s', singular,
                      formatters.escape_text(str(resource_id)),
                      formatters.escape_text(str(exc)))
    if failed:
        raise osc_exc.CommandError('%d of %d %s failed to delete'
                                   % (failed, len(ids), plural))
