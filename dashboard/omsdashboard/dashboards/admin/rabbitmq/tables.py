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

"""One table per RabbitMQ item, with the columns of the CLI.

The columns are those that ``openstack metric rabbit list <item>`` shows
by default, read from the same definitions, named (in title case) and
formatted the same way.
"""

from horizon import tables
from omsclient.osc.metering import common as metering_commands
from omsclient.osc.metering import rabbit as rabbit_commands

#: The items with a tab, in the order of the tabs.
ITEMS = ('queues', 'exchanges', 'bindings', 'connections', 'channels',
         'consumers', 'users', 'vhosts', 'nodes')

#: Fields that no table ever shows, whatever the CLI's definitions say.
HIDDEN_FIELDS = frozenset(['password_hash'])


def _cell(field: str, column_class):
    path = field.split('.')

    def get(record):
        value = record
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if column_class is None or value is None:
            return value
        return column_class(value).human_readable()
    return get


class RabbitTable(tables.DataTable):
    """Records arrive as dicts without an id: their position is theirs."""

    def get_object_id(self, record):
        return str(record['_position'])


def table_class(item: str) -> type:
    attrs = {}
    for field, column_class in rabbit_commands.LIST_COLUMNS[item][0]:
        if field in HIDDEN_FIELDS:
            continue
        attrs[field.replace('.', '__')] = tables.Column(
            _cell(field, column_class),
            verbose_name=metering_commands.title(field))
    attrs['Meta'] = type('Meta', (), {'name': item, 'verbose_name': item})
    return type('%sTable' % item.title(), (RabbitTable,), attrs)


TABLES = {item: table_class(item) for item in ITEMS}
