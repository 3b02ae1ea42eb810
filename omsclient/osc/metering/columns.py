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

"""Display of RabbitMQ management values that only RabbitMQ sends.

Each class shows a readable summary in a table and the value exactly as
sent in every other format (``-f json``, ``yaml``, ``value``, ``csv``),
but :class:`ExchangeNameColumn`, whose summary is shown in every format
but ``json`` and ``yaml``.
"""

from collections.abc import Mapping
import datetime
from typing import Any

from cliff import columns

from omsclient.osc import common as osc_common


def format_address(ip_address: Any, port: Any) -> str:
    """Return ``host:port``, with IPv6 addresses in brackets."""
    host = str(ip_address or '')
    if ':' in host:
        host = '[%s]' % host
    return '%s:%s' % (host, port) if port is not None else host


class ListenersColumn(columns.FormattableColumn):
    """The ``listeners`` of a node: ``amqp 127.0.0.1:5672`` per line."""

    def human_readable(self) -> str:
        return '\n'.join(
            ('%s %s' % (listener.get('protocol', ''),
                        format_address(listener.get('ip_address'),
                                       listener.get('port')))).strip()
            for listener in self._value or () if isinstance(listener,
                                                            Mapping))


class NamesColumn(columns.FormattableColumn):
    """A list of named objects (``exchange_types``): their names."""

    def human_readable(self) -> str:
        return ', '.join(str(item.get('name', '')) if isinstance(item, Mapping)
                         else str(item) for item in self._value or ())


class ExchangeNameColumn(osc_common.TextColumn):
    """An exchange name: the nameless default one is ``(AMQP default)``.

    As in the RabbitMQ management UI, in every format but ``json`` and
    ``yaml`` (which keep the empty name): an empty field in ``-f value``
    or ``-f csv`` would not say which exchange it is.
    """

    def human_readable(self) -> str:
        return '(AMQP default)' if self._value == '' else str(self._value)


class TagsColumn(columns.FormattableColumn):
    """RabbitMQ tags: a list (3.7+) or a comma-separated string (older)."""

    def human_readable(self) -> str:
        value = self._value
        if isinstance(value, str):
            return ', '.join(tag.strip() for tag in value.split(',')
                             if tag.strip())
        return ', '.join(str(tag) for tag in value or ())


class MillisecondsTimestampColumn(columns.FormattableColumn):
    """Milliseconds since the epoch (``connected_at``): UTC in a table."""

    def human_readable(self) -> str:
        try:
            moment = datetime.datetime.fromtimestamp(
                float(self._value) / 1000, tz=datetime.timezone.utc)
        except (TypeError, ValueError, OverflowError, OSError):
            return '' if self._value is None else str(self._value)
        return moment.strftime('%Y-%m-%d %H:%M:%S UTC')
