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

"""Shared pieces of the ``metric rabbit`` and ``metric log`` commands."""

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
import contextlib
from typing import Any

from osc_lib import exceptions as osc_exc

from omsclient.common import exceptions
from omsclient.common import formatters
from omsclient.osc import common as osc_common

#: A column of a listing: the field path and the FormattableColumn class
#: for its value (``None``: shown as it is). Its name is :func:`title`.
Column = tuple[str, Any]

#: The ``service`` of every metering command (see osc.common.Command).
SERVICE = ('metering', 'oms_metering.metering_client')

#: Words of field names written otherwise than in title case.
_WORDS = {'id': 'ID', 'ip': 'IP', 'url': 'URL', 'fd': 'FD', 'ssl': 'SSL',
          'amqp': 'AMQP', 'rabbitmq': 'RabbitMQ', 'vhost': 'VHost',
          'desc': 'Description', 'oct': 'Octets', 'mem': 'Memory'}


def title(path: str) -> str:
    """The column name of a field path, in title case as OSC's columns.

    ``messages_ready`` is ``Messages Ready``, ``id`` is ``ID`` and
    ``message_stats.publish_details.rate`` is ``Message Stats Publish
    Rate``. ``-c`` takes the column name or the path, in any case.
    """
    words = [word for word in path.replace('.', '_').split('_') if word]
    # x_details.rate is the rate of x; x_details alone keeps its name.
    words = [word for word in words[:-1] if word != 'details'] + words[-1:]
    return ' '.join(_WORDS.get(word.lower(), word[:1].upper() + word[1:])
                    for word in words)


ENDPOINT_HINT = (
    'The metering API\'s URL (for example http://127.0.0.1:8777) is given '
    'with --os-endpoint (and --os-auth-type none without Keystone) or with '
    'metering_endpoint_override in clouds.yaml '
    '(OS_METERING_ENDPOINT_OVERRIDE)')

NOT_ACCEPTABLE_HINT = (
    'the metering API could not answer in JSON (406 Not Acceptable). A '
    'server extension whose handler returns a pre-serialised JSON string '
    'instead of letting the framework serialise its result causes this '
    '(pecan: expose the handler with @expose(\'json\'))')


def _server_message(exc: exceptions.ClientException) -> str:
    return '' if exc.message == type(exc).message else ': %s' % exc.message


@contextlib.contextmanager
def metering_errors(what: str, unavailable: str | None = None
                    ) -> Iterator[None]:
    """Turn errors of the metering client into one-line ``CommandError``.

    A missing endpoint, ``406 Not Acceptable`` and (with ``unavailable``)
    ``503 Service Unavailable`` are explained; every other error of the
    library is reported as the multistack commands do.

    :param what: what was being done, e.g. ``"Unable to list RabbitMQ
        queues"``.
    :param unavailable: what a ``503 Service Unavailable`` means for this
        command.
    """
    with osc_common.command_errors(what):
        try:
            yield
        except exceptions.EndpointNotFound as exc:
            # The first clause says where no endpoint was found; the hint
            # replaces the generic advice that may follow it.
            where = exc.message.split(';')[0].rstrip('.')
            raise osc_exc.CommandError(
                '%s: %s. %s' % (what, where, ENDPOINT_HINT)) from exc
        except exceptions.NotAcceptable as exc:
            raise osc_exc.CommandError(
                '%s: %s%s' % (what, NOT_ACCEPTABLE_HINT,
                              _server_message(exc))) from exc
        except exceptions.ServiceUnavailable as exc:
            if not unavailable:
                raise
            raise osc_exc.CommandError(
                '%s: %s (HTTP 503)%s' % (what, unavailable,
                                         _server_message(exc))) from exc


def cell(data: Mapping, path: str, column: Any = None) -> Any:
    """Return the value at ``path`` of a record, formatted by ``column``."""
    value = formatters.get_path(data, path)
    if value is None:
        return None
    if column is None:
        return formatters.auto_column(value)
    return column(value)


def field_paths(data: Mapping) -> list[str]:
    """Return every field of a record, nested ones also dotted.

    ``{'a': {'b': 1}}`` has the fields ``a`` and ``a.b``.
    """
    paths = []
    for key, value in data.items():
        paths.append(str(key))
        if isinstance(value, Mapping):
            paths.extend('%s.%s' % (key, path) for path in field_paths(value))
    return paths


def select_columns(parsed_args: Any, default: Iterable[Column],
                   long: Iterable[Column] = (),
                   record: Mapping | None = None) -> list[Column]:
    """Return the columns of a listing or of a record shown.

    ``default``, plus ``long`` with ``--long``, plus every column of
    ``long`` or field of ``record`` (the first one of a listing)
    explicitly asked for with ``-c``, a nested one with dots (``-c
    message_stats.publish_details.rate``). ``-c`` names a column by its
    name or its field path, in any case; the names asked for are replaced
    by the column names, so that cliff selects exactly these columns.

    :raises osc_lib.exceptions.CommandError: ``-c`` names something else;
        the message lists what it may name.
    """
    default, long = list(default), list(long)
    selected = default + (long if getattr(parsed_args, 'long', False)
                          else [])
    known = dict(default + long)
    for path in field_paths(record or {}):
        known.setdefault(path, None)
    by_name: dict[str, str] = {}
    for path in known:
        for name in (path, title(path)):
            by_name.setdefault(osc_common.normalize_column(name), path)
    requested = getattr(parsed_args, 'columns', None) or ()
    osc_common.check_columns(requested, [title(path) for path in known],
                             aliases=known)
    paths = [by_name[osc_common.normalize_column(name)]
             for name in requested]
    shown = {path for path, _column in selected}
    for path in paths:
        if path not in shown:
            selected.append((path, known[path]))
            shown.add(path)
    if requested:
        parsed_args.columns = list(dict.fromkeys(title(path)
                                                 for path in paths))
    return selected


def names(columns: Iterable[Column]) -> tuple[str, ...]:
    """The column names of ``columns``."""
    return tuple(title(path) for path, _column in columns)


def record_data(record: Any) -> dict:
    """The fields of a record without its secrets, in one copy.

    A metering record gives them itself (``public_info``): unlike
    ``to_dict()``, which python-ceilometerclient makes a deep copy, to be
    copied again without the secrets, this costs one copy per record of
    lists of thousands.
    """
    public_info = getattr(record, 'public_info', None)
    if public_info is not None:
        return public_info()
    return osc_common.record_data(record)


def listing(parsed_args: Any, fetch: Callable[[], Iterable],
            default: Iterable[Column], long: Iterable[Column], what: str,
            unavailable: str | None = None
            ) -> tuple[tuple[str, ...], Iterator[tuple]]:
    """Return the ``(names, rows)`` of a ``Lister``.

    The rows are a generator; the first record is read at once so that an
    error fails the command before anything is printed, and so that ``-c``
    can be checked against its fields (see :func:`select_columns`); the
    others are read while cliff prints. Secrets never reach a column.

    :param fetch: returns the records (a manager's ``list``); called here.
    """
    with metering_errors(what, unavailable):
        records = iter(fetch())
        first = next(records, None)
    if first is None:
        return names(select_columns(parsed_args, default, long)), iter(())
    first_data = record_data(first)
    columns = select_columns(parsed_args, default, long, first_data)

    def row(data: Mapping) -> tuple:
        return tuple(cell(data, name, column) for name, column in columns)

    def rows() -> Iterator[tuple]:
        yield row(first_data)
        with metering_errors(what, unavailable):
            for record in records:
                yield row(record_data(record))

    return names(columns), rows()
