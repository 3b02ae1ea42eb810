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

"""What every command of this plugin shares, ``multistack`` and ``metric``.

Every command derives from :class:`Command`, :class:`Lister` or
:class:`ShowOne` here, so that what it prints is made safe in one place:

* control characters sent by a server are escaped once in every format
  meant for a terminal (``table``, ``value``, ``shell``, ``csv``), in
  column names and in error messages; ``json`` and ``yaml`` keep the
  values exact, as their own escapes already keep a terminal safe;
* no format prints Python: a null value is empty in ``table``,
  ``value``, ``shell`` and ``csv``; there a dictionary is shown as
  osc-lib's ``format_dict`` shows it (``key='value'`` pairs) and a list
  as ``a, b``, while ``json`` and ``yaml`` keep their JSON types;
* a :class:`TextColumn` shows its readable text in every format but
  ``json`` and ``yaml`` (the default exchange's empty name is ``(AMQP
  default)`` there);
* ``-c`` naming a column that the command does not have is an error that
  lists the columns it has;
* secret arguments (``--password``) are masked in the debug log of the
  arguments;
* a listing printed in a format that collects every row before printing
  (``table``, ``yaml``, or any format with ``--sort-column``) stops with
  an error past :data:`MAX_ROWS` rows, while ``value``, ``csv`` and
  ``json`` print the rows as they arrive, in constant memory (``json``
  writes what cliff's formatter writes, row by row).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
import contextlib
import csv
import itertools
import json
import os
from typing import Any

from cliff import columns
from cliff import display
from cliff.formatters import base as formatters_base
from osc_lib.command import command
from osc_lib import exceptions as osc_exc

from omsclient.common import exceptions
from omsclient.common import formatters
from omsclient.common import secret_fields

#: The largest id, limit and marker the API takes (a 32-bit integer).
MAX_ID = 2 ** 31 - 1

#: Formatters whose own escaping keeps values exact and a terminal safe.
EXACT_FORMATS = frozenset(['json', 'yaml'])
#: Formatters that write each value as one text (scripts read them).
TEXT_FORMATS = frozenset(['value', 'shell', 'csv'])
#: Formatters that print each row of a listing as it arrives.
STREAMING_FORMATS = frozenset(['value', 'csv', 'json'])

#: The most rows a listing collects before printing them: in the formats
#: that need every row first (``table``, ``yaml``) and with
#: ``--sort-column``. A larger listing is an error that points to
#: ``-f value``, ``-f csv``, ``-f json`` and ``--limit``.
MAX_ROWS = 100000


def bounded_int(minimum: int, maximum: int | None = None
                ) -> Callable[[str], int]:
    """An ``argparse`` type: a whole number from ``minimum`` to ``maximum``.

    Values the API would refuse are refused here, before any request.
    """
    if maximum is None and minimum == 1:
        expected = 'a positive integer'
    elif maximum is None:
        expected = 'a whole number of %d or more' % minimum
    else:
        expected = 'a whole number from %d to %d' % (minimum, maximum)

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum or (maximum is not None
                                                and value > maximum):
            raise argparse.ArgumentTypeError('%r is not %s'
                                             % (text, expected))
        return value
    return parse


#: An ``argparse`` type: a whole number above zero (a count, a page).
positive_int = bounded_int(1)

#: ``--limit -1``: no limit, as with ``openstack server list``.
NO_LIMIT = -1


def limit_int(text: str) -> int | None:
    """An ``argparse`` type: a ``--limit``; ``None`` for ``-1`` (all)."""
    if text.strip() == str(NO_LIMIT):
        return None
    try:
        return positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            '%r is not a positive integer (or -1 for no limit)' % text)


def add_limit_option(parser: argparse.ArgumentParser, what: str,
                     more: str = '') -> None:
    """Add ``--limit <num-what>``; ``-1`` lists everything."""
    parser.add_argument(
        '--limit',
        metavar='<num-%s>' % what,
        type=limit_int,
        help='List at most this many %s%s; -1 lists them all' % (what,
                                                                 more),
    )


def record_data(record: Any) -> dict:
    """Return the fields of a resource (or a dict) without its secrets."""
    if hasattr(record, 'to_dict'):
        record = record.to_dict()
    return secret_fields.scrub(dict(record or {}))


@contextlib.contextmanager
def command_errors(what: str | None = None) -> Iterator[None]:
    """Turn errors of the library into one-line ``CommandError``.

    :param what: what was being done, e.g. ``"Unable to show queue entry
        5"``; the library's message follows it.
    """
    try:
        yield
    except (exceptions.WaitTimeout, exceptions.ResourceFailed) as exc:
        # Their messages already name the resource and its state.
        raise osc_exc.CommandError(str(exc)) from exc
    except exceptions.ClientException as exc:
        message = '%s: %s' % (what, exc) if what else str(exc)
        raise osc_exc.CommandError(message) from exc


def iter_rows(items: Iterable, row: Callable[[Any], tuple],
              what: str) -> Iterator[tuple]:
    """Return the rows of a listing as a generator.

    The first item is read at once, so that an unreachable server or an
    error answer fails the command before anything is printed; the rest
    is read while cliff prints, so ``-f value`` and ``-f csv`` show rows as
    the service sends them.
    """
    with command_errors(what):
        iterator = iter(items)
        try:
            first = next(iterator)
        except StopIteration:
            return iter(())
    return _rows(itertools.chain((first,), iterator), row, what)


def _rows(items: Iterator, row: Callable[[Any], tuple],
          what: str) -> Iterator[tuple]:
    with command_errors(what):
        for item in items:
            yield row(item)


def normalize_column(name: str) -> str:
    """A column name as ``-c`` matches it (``-c ip_address``: IP Address).

    The same rule as cliff's own matching of ``-c``.
    """
    return name.lower().strip().replace(' ', '_')


def check_columns(requested: Iterable[str] | None,
                  known: Sequence[str], aliases: Iterable[str] = ()) -> None:
    """Refuse ``-c`` names that are not columns of the command.

    cliff leaves out an unknown column silently as long as one known
    column is asked for; a typo would then go unnoticed.

    :param aliases: other names that ``-c`` takes (field paths), not
        listed in the message.
    """
    names = {normalize_column(name)
             for name in itertools.chain(known, aliases)}
    unknown = [name for name in requested or ()
               if normalize_column(name) not in names]
    if unknown:
        raise osc_exc.CommandError(
            'Unknown column%s %s; the columns are: %s' % (
                's' if len(unknown) > 1 else '',
                ', '.join(formatters.escape_text(name) for name in unknown),
                ', '.join(formatters.escape_text(name) for name in known)))


class TextColumn(columns.FormattableColumn):
    """A column whose readable text is its value for a terminal.

    ``table``, ``value``, ``csv`` and ``shell`` print
    :meth:`human_readable`; ``json`` and ``yaml`` keep
    :meth:`machine_readable`, the value as sent. For values whose exact
    form would mislead a reader in every terminal format, such as an
    empty name that stands for something.
    """


class _EscapedColumn(columns.FormattableColumn):
    """A column whose texts are escaped for a terminal."""

    def human_readable(self) -> str:
        # The lines of a multi-line cell are the column's own.
        return formatters.escape_text(self._value.human_readable(),
                                      keep_newlines=True)

    def machine_readable(self) -> Any:
        return formatters.escape_value(self._value.machine_readable())


class _SafeFormatter(formatters_base.ListFormatter,
                     formatters_base.SingleFormatter):
    """A cliff formatter that receives the values made safe to print.

    :param formatter: the formatter chosen with ``-f``.
    :param name: its name (``table``, ``value``, ...).
    """

    def __init__(self, formatter: Any, name: str) -> None:
        self.formatter = formatter
        self.name = name

    def add_argument_group(self, parser: argparse.ArgumentParser) -> None:
        """Nothing: the options are those of the wrapped formatter."""

    def _cell(self, value: Any) -> Any:
        if isinstance(value, columns.FormattableColumn):
            if self.name == 'table':
                return _EscapedColumn(value)
            if isinstance(value, TextColumn):
                value = value.human_readable()
            else:
                # What every other formatter of cliff prints of a column.
                value = value.machine_readable()
        if value is None:
            return ''
        if isinstance(value, (Mapping, list, tuple)):
            value = formatters.format_nested(value)
        if isinstance(value, str):
            return formatters.escape_text(value,
                                          keep_newlines=self.name == 'table')
        return formatters.escape_value(value)

    def _row(self, row: Iterable[Any]) -> tuple:
        return tuple(self._cell(value) for value in row)

    def _names(self, names: Iterable[str]) -> list[str]:
        return [formatters.escape_text(name) for name in names]

    def emit_list(self, column_names: Sequence[str], data: Iterable,
                  stdout: Any, parsed_args: argparse.Namespace) -> None:
        names = self._names(column_names)
        rows = (self._row(row) for row in data)
        if self.name == 'csv':
            self._emit_csv(names, rows, stdout, parsed_args)
        else:
            self.formatter.emit_list(names, rows, stdout, parsed_args)

    def _emit_csv(self, names: Sequence[str], rows: Iterable[tuple],
                  stdout: Any, parsed_args: argparse.Namespace) -> None:
        """Write CSV as cliff's formatter does, its options included.

        The texts are escaped already: a backslash is doubled only with
        ``--quote none``, where it is the escape of the delimiter.
        """
        quoting = self.formatter.QUOTE_MODES[parsed_args.quote_mode]
        writer = csv.writer(
            stdout, quoting=quoting, lineterminator=os.linesep,
            escapechar='\\' if quoting == csv.QUOTE_NONE else None)
        writer.writerow(names)
        for row in rows:
            writer.writerow(row)

    def emit_one(self, column_names: Sequence[str], data: Sequence,
                 stdout: Any, parsed_args: argparse.Namespace) -> None:
        self.formatter.emit_one(self._names(column_names), self._row(data),
                                stdout, parsed_args)


class _StreamingJson(formatters_base.ListFormatter):
    """cliff's ``json`` formatter of a listing, writing row by row.

    cliff's own keeps every row to dump them at the end; this one writes
    the same text, one row at a time.

    :param formatter: cliff's ``json`` formatter.
    """

    def __init__(self, formatter: Any) -> None:
        self.formatter = formatter

    def add_argument_group(self, parser: argparse.ArgumentParser) -> None:
        """Nothing: the options are those of the wrapped formatter."""

    def emit_list(self, column_names: Sequence[str], data: Iterable,
                  stdout: Any, parsed_args: argparse.Namespace) -> None:
        indented = not parsed_args.noindent
        encoder = json.JSONEncoder(indent=2 if indented else None)
        separator = ',' if indented else ', '
        empty = True
        for row in data:
            text = encoder.encode({
                name: (value.machine_readable()
                       if isinstance(value, columns.FormattableColumn)
                       else value)
                for name, value in zip(column_names, row)})
            if indented:
                # Strings in JSON hold no line break: every one is ours.
                lines = text.split('\n')
                text = ''.join('\n  ' + line for line in lines)
            stdout.write(('[' if empty else separator) + text)
            empty = False
        if empty:
            stdout.write('[]\n')
        else:
            stdout.write('\n]\n' if indented else ']\n')


class MaskedArgs(argparse.Namespace):
    """Parsed arguments whose ``repr`` masks the secret ones.

    osc-lib's ``Command.run`` logs the arguments with ``--debug``; an
    argument named as a secret field is (``--password``) shows as ``***``.
    """

    def __repr__(self) -> str:
        return repr(argparse.Namespace(**{
            name: '***' if secret_fields.is_secret(name)
            and value is not None else value
            for name, value in vars(self).items()}))


class Command(command.Command):
    """A command whose arguments and errors are safe to print."""

    #: The API the command talks to (:mod:`omsclient.common.service_probe`)
    #: and how to reach its client's SessionClient from the client
    #: manager, e.g. ``('multistack', 'multistack.http_client')``: a
    #: ``404`` from an endpoint that is not that API says what answered.
    service: tuple[str, str] | None = None

    def run(self, parsed_args: argparse.Namespace) -> int:
        try:
            try:
                return super().run(MaskedArgs(**vars(parsed_args)))
            except osc_exc.CommandError as exc:
                raise self._wrong_service(exc) or exc
        except osc_exc.CommandError as exc:
            text = str(exc)
            safe = formatters.escape_text(text)
            if safe == text:
                raise
            raise osc_exc.CommandError(safe) from exc

    def _wrong_service(self, error: osc_exc.CommandError
                       ) -> osc_exc.CommandError | None:
        """A clearer error for a ``404`` from an endpoint of another API."""
        cause = error.__cause__
        if not (self.service and isinstance(cause, (exceptions.NotFound,
                                                    exceptions.NotSupported))
                and cause.url):
            return None
        from omsclient.common import service_probe

        expected, path = self.service
        api: Any = self.app.client_manager
        for name in path.split('.'):
            api = getattr(api, name)
        why = service_probe.wrong_service(api, expected)
        if why is None:
            return None
        failed = osc_exc.CommandError('%s %s answered 404: %s' % (
            cause.method or 'GET', cause.url, why))
        failed.__cause__ = cause
        return failed


def _use_safe_formatter(display_command: display.DisplayCommandBase,
                        parsed_args: argparse.Namespace,
                        column_names: Sequence[str]) -> None:
    """Check ``-c``; give the command :class:`_SafeFormatter` if needed."""
    check_columns(parsed_args.columns, column_names)
    formatter = display_command.formatter
    if (parsed_args.formatter not in EXACT_FORMATS
            and not isinstance(formatter, _SafeFormatter)):
        display_command.formatter = _SafeFormatter(formatter,
                                                   parsed_args.formatter)


def _collector(parsed_args: argparse.Namespace) -> str | None:
    """What makes a listing keep every row before printing, if anything."""
    if getattr(parsed_args, 'sort_columns', None):
        return '--sort-column'
    if parsed_args.formatter not in STREAMING_FORMATS:
        return '-f %s' % parsed_args.formatter
    return None


def bounded_rows(rows: Iterable, collector: str) -> Iterator:
    """Yield ``rows``; fail past :data:`MAX_ROWS` of them.

    :param collector: what keeps every row (``-f table``), for the message.
    """
    bound = MAX_ROWS
    for count, row in enumerate(rows, 1):
        if count > bound:
            raise osc_exc.CommandError(
                'More than %(bound)d rows: %(collector)s keeps every row '
                'before printing and stops there; use -f value, -f csv or '
                '-f json, which print the rows as they arrive, or --limit '
                '%(bound)d or less' % {'bound': bound, 'collector': collector})
        yield row


class Lister(Command, command.Lister):
    """A listing whose output is safe to print (see the module).

    Where the rows are all kept before printing, at most :data:`MAX_ROWS`
    are read.
    """

    def produce_output(self, parsed_args: argparse.Namespace,
                       column_names: Sequence[str], data: Any) -> int:
        _use_safe_formatter(self, parsed_args, column_names)
        if (parsed_args.formatter == 'json'
                and not isinstance(self.formatter, _StreamingJson)):
            self.formatter = _StreamingJson(self.formatter)
        collector = _collector(parsed_args)
        if collector is not None:
            data = bounded_rows(data, collector)
        return super().produce_output(parsed_args, column_names, data)


class ShowOne(Command, command.ShowOne):
    """One resource shown safely (see the module)."""

    def produce_output(self, parsed_args: argparse.Namespace,
                       column_names: Sequence[str], data: Any) -> int:
        _use_safe_formatter(self, parsed_args, column_names)
        return super().produce_output(parsed_args, column_names, data)
