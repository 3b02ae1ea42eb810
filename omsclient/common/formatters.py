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

"""Display formatting of nested values for the openstack commands.

Every class here is a :class:`cliff.columns.FormattableColumn`: the
``table`` formatter shows its ``human_readable()``, the ``json``,
``yaml``, ``value`` and ``csv`` formatters use its ``machine_readable()``.

Dictionaries and lists of dictionaries are shown by osc-lib's
:mod:`osc_lib.cli.format_columns` (``key='value'`` pairs), as in every
other ``openstack`` command. :class:`ListColumn` and :class:`SizeColumn`
are kept here because osc-lib's would show something else, as their
docstrings say; the other classes show values that osc-lib has no column
for (rates, durations, RabbitMQ counters, timestamps, nested resources).

What every command's output gets, whatever its columns, is applied once
in ``omsclient.osc.common``: secrets are dropped from the data first
(:mod:`omsclient.common.secret_fields`), control characters are escaped
(:func:`escape_text`) and a null value is a blank cell in a table.
"""

from collections.abc import Iterable
from collections.abc import Mapping
import re
from typing import Any

from cliff import columns
from osc_lib.cli import format_columns
from osc_lib import utils as osc_utils

from omsclient.common import utils

_UTC_FORMAT = '%Y-%m-%d %H:%M:%S'

#: Characters a terminal may act on instead of showing: the C0 and C1
#: controls, DEL, the line and paragraph separators and the Unicode
#: bidirectional controls (which reorder what is shown around them).
_CONTROLS = ('\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029'
             '\u202a-\u202e\u2066-\u2069')
_UNSAFE = re.compile('[%s]' % _CONTROLS)
_UNSAFE_BUT_NEWLINE = re.compile('[%s]' % _CONTROLS.replace(
    '\x00-\x1f', '\x00-\x09\x0b-\x1f'))


def _escape_char(match: 're.Match[str]') -> str:
    code = ord(match.group())
    return '\\x%02x' % code if code < 0x100 else '\\u%04x' % code


def escape_text(text: str, keep_newlines: bool = False) -> str:
    """Return ``text`` with its control characters escaped visibly.

    ``ESC`` becomes ``\\x1b``, a right-to-left override ``\\u202e``: a
    server cannot clear the screen, move the cursor or fake what is shown
    through the values it sends. Text without such characters is returned
    as it is, at the cost of one regular expression search.

    :param keep_newlines: leave ``\\n`` alone (the lines of a table cell).
    """
    pattern = _UNSAFE_BUT_NEWLINE if keep_newlines else _UNSAFE
    return pattern.sub(_escape_char, text)


def escape_value(value: Any) -> Any:
    """Return a JSON value with :func:`escape_text` applied to every text.

    Keys of dictionaries are escaped too; numbers, booleans and null are
    returned as they are.
    """
    if isinstance(value, str):
        return escape_text(value)
    if isinstance(value, Mapping):
        return {escape_value(k): escape_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [escape_value(v) for v in value]
    return value


def get_path(data: Any, path: str, default: Any = None) -> Any:
    """Return the value at a dotted ``path`` of nested dictionaries.

    ``get_path(overview, 'queue_totals.messages_details.rate')`` returns
    ``default`` when any step of the path is missing or is not a mapping.
    """
    for key in path.split('.'):
        if not isinstance(data, Mapping) or key not in data:
            return default
        data = data[key]
    return data


def _item_text(item: Any) -> str:
    """One item of a list: a dictionary in braces, null as nothing."""
    if item is None:
        return ''
    if isinstance(item, Mapping):
        return '{%s}' % osc_utils.format_dict(dict(item))
    return str(item)


def format_list(data: Iterable | None) -> str:
    """Return the items of a list, in their order, separated by commas."""
    return ', '.join(_item_text(item) for item in data or ())


def format_nested(value: Mapping | Iterable) -> str:
    """Return a dictionary or a list as one line of text, never a repr.

    A dictionary as osc-lib's :class:`~osc_lib.cli.format_columns.DictColumn`
    shows it (``key='value'`` pairs, nested keys dotted), a list as
    :class:`ListColumn` does (``a, b``, dictionaries in braces).
    """
    if isinstance(value, Mapping):
        return format_columns.DictColumn(dict(value)).human_readable()
    return ListColumn(value).human_readable()


def format_datetime(value: str | None, naive_is_utc: bool = False) -> str:
    """Return an ISO 8601 timestamp as ``2016-08-09 02:29:34 UTC``.

    A timestamp with ``Z`` or a numeric offset is converted to UTC. One
    without any zone is shown as it is written, without claiming a zone
    unless ``naive_is_utc`` says the service writes UTC; a value that is
    not a timestamp at all is returned unchanged.
    """
    if not value:
        return ''
    parsed = utils.parse_datetime(value)
    if parsed is None:
        return str(value)
    if parsed.tzinfo is None and not naive_is_utc:
        return parsed.strftime(_UTC_FORMAT)
    return parsed.strftime(_UTC_FORMAT) + ' UTC'


def auto_column(value: Any) -> Any:
    """Wrap a nested value in the column class that shows it best.

    Plain values are returned as they are.
    """
    if isinstance(value, Mapping):
        return format_columns.DictColumn(dict(value))
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, Mapping) for v in value):
            return format_columns.ListDictColumn([dict(v) for v in value])
        return ListColumn(value)
    return value


class ListColumn(columns.FormattableColumn):
    """A list of plain values: ``a, b`` in a table, the list otherwise.

    Kept instead of osc-lib's ``ListColumn``, which sorts the items and
    joins them as texts: a list of numbers (or with a null) would fail the
    command there. Here the items keep the order the service gave them,
    which RabbitMQ's lists (``partitions``) mean.
    """

    def human_readable(self) -> str:
        return format_list(self._value)

    def machine_readable(self) -> list:
        return list(self._value or [])


class RateColumn(columns.FormattableColumn):
    """A rate per second, e.g. ``messages_details.rate``: ``1.5/s``."""

    def human_readable(self) -> str:
        if self._value is None:
            return ''
        try:
            return '%g/s' % float(self._value)
        except (TypeError, ValueError):
            return str(self._value)


def format_size(size: Any) -> str:
    """Return a number of bytes in IEC units, e.g. ``130.9 MiB``."""
    if size is None:
        return ''
    try:
        value = float(size)
    except (TypeError, ValueError):
        return str(size)
    for unit in ('B', 'KiB', 'MiB', 'GiB', 'TiB'):
        if abs(value) < 1024 or unit == 'TiB':
            break
        value /= 1024
    if unit == 'B':
        return '%d B' % value
    return '%.1f %s' % (value, unit)


def format_duration(milliseconds: Any) -> str:
    """Return milliseconds as ``2d 7h 49m 37s`` (leading zeros left out)."""
    if milliseconds is None:
        return ''
    try:
        seconds = int(float(milliseconds) // 1000)
    except (TypeError, ValueError):
        return str(milliseconds)
    parts: list[str] = []
    for unit, size in (('d', 86400), ('h', 3600), ('m', 60)):
        amount, seconds = divmod(seconds, size)
        if amount or parts:
            parts.append('%d%s' % (amount, unit))
    parts.append('%ds' % seconds)
    return ' '.join(parts)


def format_counters(stats: Mapping | None) -> str:
    """Return RabbitMQ counters one per line: ``publish: 1320 (10.2/s)``.

    ``stats`` is a management API statistics object, where each counter
    ``x`` may come with ``x_details: {"rate": ...}``.
    """
    if not stats:
        return ''
    names = sorted({key[:-len('_details')] if key.endswith('_details')
                    else key for key in stats})
    lines = []
    for name in names:
        parts = []
        if stats.get(name) is not None:
            parts.append(str(stats[name]))
        rate = get_path(stats, name + '_details.rate')
        if rate is not None:
            parts.append('(%s)' % RateColumn(rate).human_readable())
        lines.append('%s: %s' % (name, ' '.join(parts)))
    return '\n'.join(lines)


class SizeColumn(columns.FormattableColumn):
    """A size in bytes: ``130.9 MiB`` in a table, the number otherwise.

    Unlike osc-lib's ``SizeColumn`` (``130.9M``, powers of 1000), the
    units are those the RabbitMQ management UI shows for memory and disk
    (powers of 1024), and a value that is not a number is shown as sent
    instead of failing the command.
    """

    def human_readable(self) -> str:
        return format_size(self._value)


class DurationColumn(columns.FormattableColumn):
    """Milliseconds (RabbitMQ ``uptime``): ``7h 49m 37s`` in a table."""

    def human_readable(self) -> str:
        return format_duration(self._value)


class CountersColumn(columns.FormattableColumn):
    """Counters with rates: ``publish: 1320 (10.2/s)`` lines in a table."""

    def human_readable(self) -> str:
        return format_counters(self._value)

    def machine_readable(self) -> dict:
        return dict(self._value or {})


class DateTimeColumn(columns.FormattableColumn):
    """An ISO 8601 timestamp: readable UTC in a table, as sent otherwise."""

    def human_readable(self) -> str:
        return format_datetime(self._value)

    def __lt__(self, other: object) -> bool:
        # --sort-column orders by the instant, whatever the zone it was
        # written in; values that are not timestamps compare as text.
        if isinstance(other, DateTimeColumn):
            mine = utils.parse_datetime(self._value)
            theirs = utils.parse_datetime(other._value)
            if (mine is not None and theirs is not None
                    and (mine.tzinfo is None) == (theirs.tzinfo is None)):
                return mine < theirs
        return super().__lt__(other)


class UTCDateTimeColumn(DateTimeColumn):
    """A timestamp that the service writes in UTC, with or without a zone.

    The metering API's log times (``2016-08-02 06:58:24``) carry no zone;
    the service writes them in UTC, and a table says so.
    """

    def human_readable(self) -> str:
        return format_datetime(self._value, naive_is_utc=True)


def summarize_account(account: Mapping | None) -> str:
    """Return ``provider/region (tenant)`` for an account."""
    if not account:
        return ''
    text = str(account.get('provider') or '')
    if account.get('region_name'):
        text += '/%s' % account['region_name']
    if account.get('tenant_name'):
        text += ' (%s)' % account['tenant_name']
    return text.strip()


def summarize_instance(instance: Mapping | None) -> str:
    """Return ``name (ip) on provider/region (tenant)`` for an instance."""
    if not instance:
        return ''
    text = str(instance.get('name') or instance.get('instance_id') or '')
    if instance.get('ip_addr'):
        text += ' (%s)' % instance['ip_addr']
    where = summarize_account(instance.get('account'))
    if where:
        text += ' on %s' % where
    return text.strip()


class AccountColumn(columns.FormattableColumn):
    """A provider account nested in an instance: a summary in a table."""

    def human_readable(self) -> str:
        return summarize_account(self._value)


class InstanceColumn(columns.FormattableColumn):
    """An instance nested in a queue entry: a summary in a table.

    The original service sends the instance's private key (``key_raw``)
    inside every queue entry; like every secret, it is dropped from the
    entry before any column sees it.
    """

    def human_readable(self) -> str:
        return summarize_instance(self._value)


def summarize_chosen(chosen: Mapping | None) -> str:
    """Return ``name (id)`` for the flavor or the image of an instance."""
    if not chosen:
        return ''
    name, ident = chosen.get('name'), chosen.get('id')
    if name is None or ident is None or str(name) == str(ident):
        return str(name if name is not None else ident or '')
    return '%s (%s)' % (name, ident)


def format_skipped(skipped: Iterable | None) -> str:
    """Return the providers passed over, one line each.

    ``b: no_flavor (no public flavor with at least 999999 MB RAM)``.
    """
    lines = []
    for item in skipped or ():
        if not isinstance(item, Mapping):
            lines.append(_item_text(item))
            continue
        line = '%s: %s' % (item.get('provider') or '',
                           item.get('reason') or '')
        if item.get('detail'):
            line += ' (%s)' % item['detail']
        lines.append(line)
    return '\n'.join(lines)


def format_usage(usage: Mapping | None) -> str:
    """Return a quota as ``used/limit``; a limit of ``-1`` is unlimited."""
    if not usage:
        return ''
    used, limit = usage.get('used'), usage.get('limit')
    if limit == -1:
        limit = 'unlimited'
    return '%s/%s' % ('?' if used is None else used,
                      '?' if limit is None else limit)


class ChosenColumn(columns.FormattableColumn):
    """The flavor or image an instance was booted with: ``m1.small (2)``."""

    def human_readable(self) -> str:
        return summarize_chosen(self._value)


class SkippedColumn(columns.FormattableColumn):
    """The providers passed over before one booted: a line each."""

    def human_readable(self) -> str:
        return format_skipped(self._value)

    def machine_readable(self) -> list:
        return list(self._value or [])


class UsageColumn(columns.FormattableColumn):
    """One quota of a provider: ``2/10``, ``2/unlimited`` in a table."""

    def human_readable(self) -> str:
        return format_usage(self._value)
