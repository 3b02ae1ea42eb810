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

"""Answers of a real RabbitMQ 3.10 management API and of the log pages.

The RabbitMQ bodies were taken from a RabbitMQ 3.10.8 broker (Erlang 25)
with two AMQP connections, three queues, a consumer that never acknowledges
and one that does, and trimmed to a readable subset of each object's keys;
the node name was changed to ``rabbit@controller``, the node's uptime
to 7h 49m 37s and the password hashes replaced with made-up values. Since
RabbitMQ 3.7 the user ``tags`` are a list; older brokers (and the original
extension's example) send a comma-separated string, see
:data:`LEGACY_USERS`.

The records of one kind are built by small functions that hold the fields
they share (``_queue``, ``_connection``...), and counters with their rates
by :func:`_counters`; the values are the broker's.
"""

import copy

NODE = 'rabbit@controller'


def _counters(**figures):
    """RabbitMQ statistics: every counter with the rate of its details.

    ``_counters(ack=(435, 3.4))`` is ``{'ack': 435, 'ack_details':
    {'rate': 3.4}}``, as the management API sends it.
    """
    stats = {}
    for name, (value, rate) in figures.items():
        stats[name] = value
        stats[name + '_details'] = {'rate': rate}
    return stats


def _messages(total, ready, unacknowledged, rate=0.0):
    """The message counts of a queue, a virtual host or the totals."""
    return _counters(messages=(total, rate), messages_ready=(ready, rate),
                     messages_unacknowledged=(unacknowledged, 0.0))


def _exchange_type(name):
    return {'name': name,
            'description': 'AMQP %s exchange, as per the AMQP '
                           'specification' % name,
            'enabled': True}


def _queue(name, messages, consumers, utilisation, memory, message_bytes,
           message_stats, durable=True):
    return dict({'name': name, 'vhost': '/', 'type': 'classic',
                 'state': 'running', 'durable': durable,
                 'auto_delete': False, 'exclusive': False, 'arguments': {},
                 'policy': None, 'node': NODE, 'consumers': consumers,
                 'consumer_utilisation': utilisation, 'memory': memory,
                 'message_bytes': message_bytes,
                 'message_stats': message_stats}, **messages)


def _exchange(name, exchange_type, durable=True, user='rmq-internal',
              published=None):
    exchange = {'arguments': {}, 'auto_delete': False, 'durable': durable,
                'internal': False, 'name': name, 'type': exchange_type,
                'user_who_performed_action': user, 'vhost': '/'}
    if published is not None:
        exchange['message_stats'] = _counters(publish_in=published,
                                              publish_out=published)
    return exchange


def _connection(port, channels, recv, send, **fields):
    return dict({'auth_mechanism': 'AMQPLAIN', 'channels': channels,
                 'client_properties': {'product': 'py-amqp',
                                       'product_version': '5.4.2'},
                 'host': '127.0.0.1',
                 'name': '127.0.0.1:%d -> 127.0.0.1:5672' % port,
                 'node': NODE, 'peer_host': '127.0.0.1', 'peer_port': port,
                 'port': 5672, 'protocol': 'AMQP 0-9-1', 'ssl': False,
                 'state': 'running', 'timeout': 0, 'type': 'network',
                 'user': 'guest', 'vhost': '/'},
                **_counters(recv_oct=recv, send_oct=send), **fields)


def _channel(port, **fields):
    return dict({'confirm': False,
                 'connection_details': {
                     'name': '127.0.0.1:%d -> 127.0.0.1:5672' % port,
                     'peer_host': '127.0.0.1', 'peer_port': port},
                 'messages_unconfirmed': 0,
                 'name': '127.0.0.1:%d -> 127.0.0.1:5672 (1)' % port,
                 'node': NODE, 'number': 1, 'state': 'running',
                 'transactional': False, 'user': 'guest', 'vhost': '/'},
                **fields)


def _binding(source, queue, routing_key=None, properties_key=None):
    return {'source': source, 'vhost': '/', 'destination': queue,
            'destination_type': 'queue',
            'routing_key': routing_key or queue, 'arguments': {},
            'properties_key': properties_key or queue}


def _consumer(number, tag, prefetch_count, queue):
    return {'arguments': {}, 'ack_required': True, 'active': True,
            'activity_status': 'up',
            'channel_details': {
                'connection_name': '127.0.0.1:40422 -> 127.0.0.1:5672',
                'name': '127.0.0.1:40422 -> 127.0.0.1:5672 (%d)' % number,
                'node': NODE, 'number': number, 'peer_host': '127.0.0.1',
                'peer_port': 40422, 'user': 'guest'},
            'consumer_tag': tag, 'exclusive': False,
            'prefetch_count': prefetch_count,
            'queue': {'name': queue, 'vhost': '/'}}


def _permission(user, vhost):
    return {'user': user, 'vhost': vhost, 'configure': '.*', 'write': '.*',
            'read': '.*'}


def _user(name, password_hash, tags):
    return {'name': name, 'password_hash': password_hash,
            'hashing_algorithm': 'rabbit_password_hashing_sha256',
            'tags': tags, 'limits': {}}


OVERVIEW = {
    'management_version': '3.10.8',
    'rates_mode': 'basic',
    'sample_retention_policies': {'global': [600, 3600, 28800, 86400],
                                  'basic': [600, 3600],
                                  'detailed': [600]},
    'exchange_types': [_exchange_type(name) for name in
                       ('direct', 'fanout', 'headers', 'topic')],
    'product_version': '3.10.8',
    'product_name': 'RabbitMQ',
    'rabbitmq_version': '3.10.8',
    'cluster_name': NODE,
    'erlang_version': '25.2.3',
    'erlang_full_version': 'Erlang/OTP 25 [erts-13.1.5] [source] [64-bit] '
                           '[smp:2:2] [ds:2:2:10] [async-threads:1] '
                           '[jit:ns]',
    'release_series_support_status': 'supported',
    'disable_stats': False,
    'enable_queue_totals': False,
    'message_stats': _counters(
        ack=(435, 3.4), confirm=(0, 0.0), deliver=(445, 3.4),
        deliver_get=(445, 3.4), deliver_no_ack=(0, 0.0),
        disk_reads=(0, 0.0), disk_writes=(0, 0.0),
        drop_unroutable=(0, 0.0), get=(0, 0.0), get_empty=(0, 0.0),
        get_no_ack=(0, 0.0), publish=(1320, 10.2), redeliver=(0, 0.0),
        return_unroutable=(0, 0.0)),
    'churn_rates': _counters(connection_closed=(0, 0.0),
                             connection_created=(2, 0.0),
                             queue_declared=(3, 0.0)),
    'queue_totals': _messages(873, 863, 10, rate=6.8),
    'object_totals': {'channels': 3, 'connections': 2, 'consumers': 2,
                      'exchanges': 15, 'queues': 3},
    'statistics_db_event_queue': 0,
    'node': NODE,
    'listeners': [{'node': NODE, 'protocol': 'amqp',
                   'ip_address': '127.0.0.1', 'port': 5672,
                   'socket_opts': {'backlog': 128, 'nodelay': True,
                                   'exit_on_close': False}},
                  {'node': NODE, 'protocol': 'clustering',
                   'ip_address': '::', 'port': 25672, 'socket_opts': []},
                  {'node': NODE, 'protocol': 'http', 'ip_address': '::',
                   'port': 15672,
                   'socket_opts': {'cowboy_opts': {'sendfile': False},
                                   'ip': '127.0.0.1', 'port': 15672}}],
    'contexts': [{'node': NODE, 'description': 'RabbitMQ Management',
                  'path': '/', 'cowboy_opts': '[{sendfile,false}]',
                  'ip': '0.0.0.0', 'port': '15672'}]}

USERS = [
    _user('ceilometer', 'kq3b1Zf0DyT0LX0m7Y2Hc6c4wVhwLa4M0xX2x9h0Fq1aE8mZ',
          ['monitoring']),
    _user('guest', 'Zm9vYmFyYmF6cXV4ZmFrZWhhc2hmb3J0ZXN0c29ubHkxMjM0',
          ['administrator']),
    _user('nova', 'dGhpc2lzbm90YXJlYWxoYXNoanVzdGFmaXh0dXJlMDAwMDAw', []),
]

QUEUES = [
    _queue('compute.vm', _messages(434, 429, 5, rate=3.4), 1,
           0.002623421469299194, 1115904, 2496,
           _counters(ack=(0, 0.0), deliver_get=(5, 0.0),
                     publish=(440, 3.4), redeliver=(0, 0.0))),
    _queue('notifications.info', _messages(434, 434, 0, rate=3.4), 0, 0,
           689952, 3798, _counters(publish=(440, 3.4))),
    _queue('scheduler', _messages(5, 0, 5), 1, 1.0, 110056, 25,
           _counters(ack=(435, 3.4), deliver_get=(440, 3.4),
                     publish=(440, 3.4), redeliver=(0, 0.0)),
           durable=False),
]

EXCHANGES = [
    _exchange('', 'direct', published=(880, 6.8)),
    _exchange('amq.topic', 'topic'),
    _exchange('nova', 'topic', durable=False, user='guest',
              published=(440, 3.4)),
]

CONNECTIONS = [
    _connection(40408, 1, (96497, 754.8), (679, 0.0),
                client_properties={'connection_name': 'nova-compute',
                                   'product': 'py-amqp',
                                   'product_version': '5.4.2'},
                connected_at=1795305968699,
                user_provided_name='nova-compute'),
    _connection(40422, 2, (9370, 71.4), (46688, 357.0),
                connected_at=1795305968719),
]

CHANNELS = [
    _channel(40408, consumer_count=0,
             message_stats=_counters(publish=(1320, 10.2)),
             messages_unacknowledged=0, prefetch_count=0),
    _channel(40422, consumer_count=1,
             idle_since='2026-11-22T00:06:09.725+00:00',
             message_stats=_counters(ack=(0, 0.0), deliver_get=(5, 0.0)),
             messages_unacknowledged=5, prefetch_count=5),
]

NODES = [{'name': NODE,
          'type': 'disc',
          'running': True,
          'os_pid': '7212',
          'mem_used': 137228288,
          'mem_used_details': {'rate': -95846.4},
          'mem_limit': 10110425497,
          'mem_alarm': False,
          'mem_calculation_strategy': 'rss',
          'disk_free': 84690964480,
          'disk_free_details': {'rate': 0.0},
          'disk_free_limit': 50000000,
          'disk_free_alarm': False,
          'fd_used': 43,
          'fd_used_details': {'rate': 0.4},
          'fd_total': 20000,
          'sockets_used': 2,
          'sockets_total': 17910,
          'proc_used': 392,
          'proc_total': 1048576,
          'run_queue': 1,
          'processors': 2,
          'uptime': 28177000,
          'rates_mode': 'basic',
          'net_ticktime': 60,
          'partitions': [],
          'enabled_plugins': ['rabbitmq_management'],
          'auth_mechanisms': [{'name': 'PLAIN',
                               'description': 'SASL PLAIN authentication '
                                              'mechanism',
                               'enabled': True},
                              {'name': 'AMQPLAIN',
                               'description': 'QPid AMQPLAIN mechanism',
                               'enabled': True},
                              {'name': 'RABBIT-CR-DEMO',
                               'description': 'RabbitMQ Demo '
                                              'challenge-response '
                                              'authentication mechanism',
                               'enabled': False}]},
         {'name': 'rabbit@controller2',
          'type': 'disc',
          'running': False,
          'being_drained': False}]

VHOSTS = [
    dict({'cluster_state': {NODE: 'running'},
          'default_queue_type': 'undefined',
          'description': 'Default virtual host',
          'message_stats': _counters(ack=(435, 3.4), deliver_get=(445, 3.4),
                                     publish=(1320, 10.2)),
          'metadata': {'description': 'Default virtual host', 'tags': []},
          'name': '/', 'tags': [], 'tracing': False},
         **_messages(873, 863, 10, rate=6.8),
         **_counters(recv_oct=(105867, 826.2), send_oct=(47367, 357.0))),
    {'cluster_state': {NODE: 'running'},
     'default_queue_type': 'undefined',
     'description': 'OpenStack services',
     'metadata': {'description': 'OpenStack services',
                  'tags': ['production']},
     'name': 'openstack', 'tags': ['production'], 'tracing': False},
]

BINDINGS = [
    _binding('', 'compute.vm'),
    _binding('', 'notifications.info'),
    _binding('nova', 'compute.vm', 'compute.*', 'compute.%2A'),
]

CONSUMERS = [
    _consumer(1, 'amq.ctag-9uFUtJoTD6Fnr0XCH3qBFw', 5, 'compute.vm'),
    _consumer(2, 'amq.ctag-P8Yz-LT9LuVvi-sgq5DvsQ', 0, 'scheduler'),
]

PERMISSIONS = [_permission('guest', '/'), _permission('guest', 'openstack'),
               _permission('nova', 'openstack')]

#: ``/api/users`` of a RabbitMQ 3.2 broker, as quoted by the original
#: extension: ``tags`` is a string, the hash an old MD5 one.
LEGACY_USERS = [{'tags': 'administrator', 'name': 'guest',
                 'password_hash': 'XBYJBalVMFOHwViSaL8U4wKv0Kg='}]

#: ``/api/overview`` of a RabbitMQ 3.2.4 broker, as quoted by the original
#: extension (trimmed): no ``churn_rates``, ``product_*`` nor
#: ``cluster_name`` yet.
LEGACY_OVERVIEW = {
    'node': 'rabbit@allinone-v2', 'management_version': '3.2.4',
    'rabbitmq_version': '3.2.4', 'erlang_version': 'R16B03',
    'statistics_level': 'fine', 'statistics_db_node': 'rabbit@allinone-v2',
    'queue_totals': _messages(1, 1, 0),
    'message_stats': _counters(publish=(115027, 0.6), ack=(115024, 0.4),
                               deliver=(115024, 0.4),
                               deliver_get=(115024, 0.4)),
    'object_totals': {'connections': 50, 'channels': 50, 'queues': 78,
                      'consumers': 142, 'exchanges': 50},
    'listeners': [{'node': 'rabbit@allinone-v2', 'protocol': 'amqp',
                   'ip_address': '::', 'port': 5672}],
    'contexts': [{'node': 'rabbit@allinone-v2', 'path': '/',
                  'description': 'RabbitMQ Management', 'port': 15672}],
}

#: Every item the extension passes through, by name.
ITEMS = {
    'overview': OVERVIEW,
    'users': USERS,
    'queues': QUEUES,
    'exchanges': EXCHANGES,
    'connections': CONNECTIONS,
    'channels': CHANNELS,
    'nodes': NODES,
    'vhosts': VHOSTS,
    'bindings': BINDINGS,
    'consumers': CONSUMERS,
    'permissions': PERMISSIONS,
}


def item(name):
    """Return a deep copy of the answer for ``/v2/rabbit/<name>``."""
    return copy.deepcopy(ITEMS[name])


def log_entries(count, first_id=1):
    """Return ``count`` log entries, newest (highest id) first."""
    return [{'id': i,
             'desc': 'queue %d: status changed to RUN' % i,
             'time': '2016-08-02 06:%02d:%02d' % (i // 60 % 60, i % 60)}
            for i in range(first_id + count - 1, first_id - 1, -1)]


def log_pages(count, per_page):
    """Split ``count`` entries into pages of ``per_page``, newest first.

    The list ends with the empty page a server answers past the end.
    """
    entries = log_entries(count)
    pages = [entries[i:i + per_page] for i in range(0, count, per_page)]
    return pages + [[]]
