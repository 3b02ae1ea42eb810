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

"""``openstack metric rabbit show|list``: RabbitMQ through the metering API.

Columns are named in title case as those of every other ``openstack``
command, after the RabbitMQ management API's fields (``messages_ready``
is ``Messages Ready``). ``-c`` takes a column name or the field's path
in the management API's documentation (dotted for nested ones), in any
case, and also any other field that the record (the first one of a
list) has; secrets such as ``password_hash`` are never shown.
"""

import itertools

from osc_lib.cli import format_columns
from osc_lib import exceptions as osc_exc

from omsclient.common import formatters as fmt
from omsclient.metering import rabbit
from omsclient.osc import common as osc_common
from omsclient.osc.metering import columns as rabbit_columns
from omsclient.osc.metering import common

UNAVAILABLE = ('RabbitMQ or its management API is not reachable from the '
               'metering service')

#: How the overview's nested values are shown; others by their type.
OVERVIEW_COLUMNS = {
    'churn_rates': fmt.CountersColumn,
    'exchange_types': rabbit_columns.NamesColumn,
    'listeners': rabbit_columns.ListenersColumn,
    'message_stats': fmt.CountersColumn,
    'object_totals': fmt.CountersColumn,
    'queue_totals': fmt.CountersColumn,
}

_RATE = fmt.RateColumn
_SIZE = fmt.SizeColumn
_DICT = format_columns.DictColumn

#: The default and ``--long`` columns of each item: (field, column class).
LIST_COLUMNS = {
    'queues': (
        (('name', None), ('vhost', None), ('messages', None),
         ('messages_ready', None), ('messages_unacknowledged', None),
         ('consumers', None), ('state', None)),
        (('type', None), ('durable', None), ('auto_delete', None),
         ('messages_details.rate', _RATE),
         ('message_stats.publish_details.rate', _RATE),
         ('message_stats.deliver_get_details.rate', _RATE),
         ('message_stats.ack_details.rate', _RATE),
         ('consumer_utilisation', None), ('memory', _SIZE),
         ('node', None), ('policy', None), ('arguments', _DICT)),
    ),
    'nodes': (
        (('name', None), ('running', None), ('mem_used', _SIZE),
         ('mem_limit', _SIZE), ('disk_free', _SIZE), ('fd_used', None),
         ('fd_total', None), ('uptime', fmt.DurationColumn)),
        (('type', None), ('mem_alarm', None), ('disk_free_limit', _SIZE),
         ('disk_free_alarm', None), ('sockets_used', None),
         ('sockets_total', None), ('proc_used', None), ('proc_total', None),
         ('processors', None), ('run_queue', None),
         ('partitions', fmt.ListColumn)),
    ),
    'users': (
        (('name', None), ('tags', rabbit_columns.TagsColumn)),
        (('hashing_algorithm', None), ('limits', _DICT)),
    ),
    'exchanges': (
        (('name', rabbit_columns.ExchangeNameColumn), ('vhost', None),
         ('type', None), ('durable', None), ('auto_delete', None)),
        (('internal', None), ('arguments', _DICT),
         ('message_stats.publish_in_details.rate', _RATE),
         ('message_stats.publish_out_details.rate', _RATE)),
    ),
    'connections': (
        (('name', None), ('user', None), ('vhost', None), ('state', None),
         ('channels', None), ('protocol', None),
         ('user_provided_name', None)),
        (('peer_host', None), ('peer_port', None), ('host', None),
         ('port', None), ('ssl', None),
         ('connected_at', rabbit_columns.MillisecondsTimestampColumn),
         ('recv_oct_details.rate', _RATE), ('send_oct_details.rate', _RATE),
         ('client_properties.product', None), ('auth_mechanism', None),
         ('timeout', None), ('node', None)),
    ),
    'channels': (
        (('name', None), ('user', None), ('vhost', None), ('state', None),
         ('consumer_count', None), ('prefetch_count', None),
         ('messages_unacknowledged', None)),
        (('number', None), ('confirm', None), ('transactional', None),
         ('messages_unconfirmed', None),
         ('message_stats.publish_details.rate', _RATE),
         ('message_stats.deliver_get_details.rate', _RATE),
         ('message_stats.ack_details.rate', _RATE),
         ('connection_details.name', None), ('node', None)),
    ),
    'bindings': (
        (('source', rabbit_columns.ExchangeNameColumn), ('vhost', None),
         ('destination', None), ('destination_type', None),
         ('routing_key', None)),
        (('arguments', _DICT), ('properties_key', None)),
    ),
    'consumers': (
        (('queue.name', None), ('queue.vhost', None), ('consumer_tag', None),
         ('ack_required', None), ('prefetch_count', None),
         ('active', None)),
        (('exclusive', None), ('activity_status', None),
         ('channel_details.name', None), ('channel_details.user', None),
         ('arguments', _DICT)),
    ),
    'permissions': (
        (('user', None), ('vhost', None), ('configure', None),
         ('write', None), ('read', None)),
        (),
    ),
    'vhosts': (
        (('name', None), ('description', None),
         ('tags', rabbit_columns.TagsColumn), ('messages', None),
         ('messages_ready', None), ('messages_unacknowledged', None)),
        (('tracing', None), ('default_queue_type', None),
         ('cluster_state', _DICT),
         ('recv_oct_details.rate', _RATE), ('send_oct_details.rate', _RATE)),
    ),
}


#: The field that names a record of an item, for --marker.
MARKER_FIELDS = {item: 'name' for item in LIST_COLUMNS
                 if item not in ('bindings', 'consumers', 'permissions')}
MARKER_FIELDS['consumers'] = 'consumer_tag'


class ShowRabbit(osc_common.ShowOne):
    """Show the RabbitMQ overview: versions, totals, rates, listeners."""

    service = common.SERVICE

    def take_action(self, parsed_args):
        client = self.app.client_manager.oms_metering
        what = 'Unable to show the RabbitMQ overview'
        with common.metering_errors(what, UNAVAILABLE):
            overview = osc_common.record_data(client.rabbit.get('overview'))
        columns = common.select_columns(
            parsed_args, [(name, OVERVIEW_COLUMNS.get(name))
                          for name in sorted(overview)], (), overview)
        return common.names(columns), tuple(
            common.cell(overview, path, column) for path, column in columns)


class ListRabbit(osc_common.Lister):
    """List RabbitMQ users, queues, exchanges, connections, ...

    The columns are named after the RabbitMQ management API's fields; -c
    takes a column name or a field (-c messages_ready), and also selects
    any other field that the first record has, a nested one with dots
    (-c message_stats.publish_details.rate). Secrets such as password
    hashes are never shown.
    """

    service = common.SERVICE

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            'item',
            metavar='<item>',
            help='What to list: %s' % ', '.join(rabbit.LIST_ITEMS),
        )
        parser.add_argument(
            '--long',
            action='store_true',
            default=False,
            help='List more fields',
        )
        osc_common.add_limit_option(
            parser, 'records', ' (the rest of the answer is not read)')
        parser.add_argument(
            '--marker',
            metavar='<name>',
            help='List the records after the one with this name (the last '
                 'one listed before; a consumer\'s tag); a name of no '
                 'record is an error',
        )
        return parser

    def take_action(self, parsed_args):
        item = parsed_args.item
        if item in rabbit.OBJECT_ITEMS:
            raise osc_exc.CommandError(
                'RabbitMQ %s is not a list: use "openstack metric rabbit '
                'show"' % item)
        try:
            rabbit.check_item(item, rabbit.LIST_ITEMS)
        except ValueError as exc:
            raise osc_exc.CommandError(str(exc))
        default, long = LIST_COLUMNS[item]
        marker = parsed_args.marker
        if marker is not None and item not in MARKER_FIELDS:
            raise osc_exc.CommandError(
                'RabbitMQ %s have no name to page by: --marker applies to '
                '%s' % (item, ', '.join(sorted(MARKER_FIELDS))))
        client = self.app.client_manager.oms_metering

        def fetch():
            records = client.rabbit.list(item)
            if marker is not None:
                records = _after(records, MARKER_FIELDS[item], marker, item)
            return itertools.islice(records, parsed_args.limit)

        return common.listing(
            parsed_args, fetch, default, long,
            'Unable to list RabbitMQ %s' % item, UNAVAILABLE)


def _after(records, field, marker, item):
    """The records after the first one whose ``field`` is ``marker``.

    The management API answers every record at once, in its own order
    (by name): the ones up to the marker are read and dropped.
    """
    records = iter(records)
    for record in records:
        if getattr(record, field, None) == marker:
            yield from records
            return
    raise osc_exc.CommandError('Marker %s not found among the RabbitMQ %s'
                               % (fmt.escape_text(marker), item))
