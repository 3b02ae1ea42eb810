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
``table`` formatter shows :meth:`human_readable`, the ``json``, ``yaml``,
``value`` and ``csv`` formatters use :meth:`machine_readable`. Both forms
drop secrets (private keys, passwords) wherever they are nested.
"""

from collections.abc import Iterable
from collections.abc import Mapping
import datetime
from typing import Any
from typing import List

from cliff import columns

#: Keys whose values are secrets and never displayed by a column.
SECRET_KEYS = frozenset(('key_raw', 'password'))

#: Queue statuses in which nothing will change any more by itself.
SUCCESS_STATUSES = frozenset(('RUN', 'running'))
FAILURE_STATUSES = frozenset(('FAILED', 'failed'))

_UTC_FORMAT = '%Y-%m-%d %H:%M:%S'


def strip_secrets(value: Any, secret_keys: Iterable[str] = SECRET_KEYS):
    """Return a deep copy of ``value`` without the keys of secrets.

    Dictionaries at any depth, including inside lists, lose the keys named
    in ``secret_keys``; everything else is copied as it is.
    """
    secret_keys = frozenset(secret_keys)
    if isinstance(value, Mapping):
        return {k: strip_secrets(v, secret_keys)
                for k, v in value.items() if k not in secret_keys}
    if isinstance(value, (list, tuple)):
        return [strip_secrets(v, secret_keys) for v in value]
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


def flatten(data: Mapping, prefix: str = '') -> dict[str, Any]:
    """Flatten nested dictionaries into one level with dotted keys.

    ``{'a': {'b': 1}, 'c': 2}`` becomes ``{'a.b': 1, 'c': 2}``. Values
    that are not mappings (lists included) are kept as they are.
    """
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = '%s.%s' % (prefix, key) if prefix else str(key)
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, name))
        else:
            flat[name] = value
    return flat


def _scalar_text(value: Any) -> str:
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, Mapping):
        return '{%s}' % format_dict(value)
    if isinstance(value, (list, tuple)):
        return '[%s]' % format_list(value)
    return str(value)


def format_dict(data: Mapping | None) -> str:
    """Return ``key='value', ...`` for a dictionary, nested keys dotted."""
    if not data:
        return ''
    flat = flatten(data)
    return ', '.join("%s='%s'" % (key, _scalar_text(flat[key]))
                     for key in sorted(flat))


def format_list(data: Iterable | None) -> str:
    """Return the items of a list separated by commas."""
    if not data:
        return ''
    return ', '.join(_scalar_text(item) for item in data)


def format_list_of_dicts(data: Iterable[Mapping] | None) -> str:
    """Return one ``key='value', ...`` line per dictionary."""
    if not data:
        return ''
    return '\n'.join(format_dict(item) for item in data)


def format_datetime(value: str | None) -> str:
    """Return an ISO 8601 timestamp as ``2016-08-09 02:29:34 UTC``.

    A timestamp with ``Z`` or a numeric offset is converted to UTC. One
    without any zone is shown as it is written (without claiming a zone),
    and a value that is not a timestamp at all is returned unchanged.
    """
    if not value:
        return ''
    parsed = parse_datetime(value)
    if parsed is None:
        return str(value)
    if parsed.tzinfo is None:
        return parsed.strftime(_UTC_FORMAT)
    utc = parsed.astimezone(datetime.timezone.utc)
    return utc.strftime(_UTC_FORMAT) + ' UTC'


def parse_datetime(value: str) -> datetime.datetime | None:
    """Parse an ISO 8601 timestamp; ``None`` when it is not one."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if ':' not in text:
        # A date alone (or no timestamp at all) is shown as it is.
        return None
    if text[-1:] in ('Z', 'z'):
        text = text[:-1] + '+00:00'
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        return None


def auto_column(value: Any) -> Any:
    """Wrap a nested value in the column class that shows it best.

    Plain values are returned as they are.
    """
    if isinstance(value, Mapping):
        return DictColumn(value)
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, Mapping) for v in value):
            return ListDictColumn(value)
        return ListColumn(value)
    return value


class DictColumn(columns.FormattableColumn):
    """A dictionary: ``a.b='1', c='2'`` in a table, the dict otherwise."""

    def human_readable(self) -> str:
        return format_dict(strip_secrets(self._value or {}))

    def machine_readable(self) -> dict:
        return strip_secrets(dict(self._value or {}))


class ListColumn(columns.FormattableColumn):
    """A list of plain values: ``a, b`` in a table, the list otherwise."""

    def human_readable(self) -> str:
        return format_list(strip_secrets(list(self._value or [])))

    def machine_readable(self) -> list:
        return strip_secrets(list(self._value or []))


class ListDictColumn(columns.FormattableColumn):
    """A list of dictionaries: one line per dictionary in a table."""

    def human_readable(self) -> str:
        return format_list_of_dicts(strip_secrets(list(self._value or [])))

    def machine_readable(self) -> list:
        return strip_secrets(list(self._value or []))


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
    parts: List[str] = []
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
            parts.append(_scalar_text(stats[name]))
        rate = get_path(stats, name + '_details.rate')
        if rate is not None:
            parts.append('(%s)' % RateColumn(rate).human_readable())
        lines.append('%s: %s' % (name, ' '.join(parts)))
    return '\n'.join(lines)


class SizeColumn(columns.FormattableColumn):
    """A size in bytes: ``130.9 MiB`` in a table, the number otherwise."""

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
            mine = parse_datetime(self._value)
            theirs = parse_datetime(other._value)
            if (mine is not None and theirs is not None
                    and (mine.tzinfo is None) == (theirs.tzinfo is None)):
                return mine < theirs
        return super().__lt__(other)


class StatusColumn(columns.FormattableColumn):
    """A queue status, shown exactly as the service sent it."""

    @property
    def succeeded(self) -> bool:
        return self._value in SUCCESS_STATUSES

    @property
    def failed(self) -> bool:
        return self._value in FAILURE_STATUSES

    def human_readable(self) -> str:
        return '' if self._value is None else str(self._value)


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


class _NestedResourceColumn(columns.FormattableColumn):
    """A resource nested in another one.

    A one-line summary in a table, the resource without its secrets in
    every other format.
    """

    def machine_readable(self) -> dict | None:
        if self._value is None:
            return None
        return strip_secrets(dict(self._value))


class AccountColumn(_NestedResourceColumn):
    """A provider account nested in an instance."""

    def human_readable(self) -> str:
        return summarize_account(self._value)


class InstanceColumn(_NestedResourceColumn):
    """An instance nested in a queue entry.

    The original service sends the instance's private key (``key_raw``)
    inside every queue entry; it is removed from every form.
    """

    def human_readable(self) -> str:
        return summarize_instance(self._value)
