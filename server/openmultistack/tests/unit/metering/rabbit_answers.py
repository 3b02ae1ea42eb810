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


"""Answers of a RabbitMQ 3.10 management API, as it sends them."""

OVERVIEW = {
    'management_version': '3.10.8',
    'rates_mode': 'basic',
    'sample_retention_policies': {'global': [600, 3600, 28800, 86400],
                                  'basic': [600, 3600],
                                  'detailed': [600]},
    'exchange_types': [
        {'name': 'direct', 'description': 'AMQP direct exchange, as per '
                                          'the AMQP specification',
         'enabled': True},
        {'name': 'fanout', 'description': 'AMQP fanout exchange, as per '
                                          'the AMQP specification',
         'enabled': True}],
    'product_version': '3.10.8',
    'product_name': 'RabbitMQ',
    'rabbitmq_version': '3.10.8',
    'cluster_name': 'rabbit@oms-test',
    'erlang_version': '25.2.1',
    'erlang_full_version': 'Erlang/OTP 25 [erts-13.1.5] [source] [64-bit]',
    'release_series_support_status': 'supported',
    'disable_stats': False,
    'enable_queue_totals': False,
    'message_stats': {
        'ack': 12, 'ack_details': {'rate': 0.2},
        'deliver': 12, 'deliver_details': {'rate': 0.2},
        'deliver_get': 13, 'deliver_get_details': {'rate': 0.2},
        'publish': 14, 'publish_details': {'rate': 0.4}},
    'churn_rates': {'channel_closed': 3,
                    'channel_closed_details': {'rate': 0.0}},
    'queue_totals': {
        'messages': 2, 'messages_details': {'rate': 0.0},
        'messages_ready': 1, 'messages_ready_details': {'rate': 0.0},
        'messages_unacknowledged': 1,
        'messages_unacknowledged_details': {'rate': 0.0}},
    'object_totals': {'channels': 2, 'connections': 1, 'consumers': 1,
                      'exchanges': 7, 'queues': 2},
    'statistics_db_event_queue': 0,
    'node': 'rabbit@oms-test',
    'listeners': [{'node': 'rabbit@oms-test', 'protocol': 'amqp',
                   'ip_address': '127.0.0.1', 'port': 5672,
                   'socket_opts': {'backlog': 128, 'nodelay': True}}],
    'contexts': [{'ssl_opts': [], 'node': 'rabbit@oms-test',
                  'description': 'RabbitMQ Management', 'path': '/',
                  'ip': '127.0.0.1', 'port': '15672'}],
}

USERS = [{'name': 'guest',
          'password_hash': 'w5q0p5ZR5nq0aS1kZk0u1gQmm0QyAQ0n3ZV0s3kHq7s=',
          'hashing_algorithm': 'rabbit_password_hashing_sha256',
          'tags': ['administrator'], 'limits': {}}]

QUEUES = [
    {'arguments': {}, 'auto_delete': False, 'consumers': 1,
     'durable': True, 'exclusive': False, 'messages': 2,
     'messages_ready': 1, 'messages_unacknowledged': 1,
     'name': 'oms.test.%d' % number, 'node': 'rabbit@oms-test',
     'state': 'running', 'type': 'classic', 'vhost': '/'}
    for number in range(3)]

NODES = [{'name': 'rabbit@oms-test', 'type': 'disc', 'running': True,
          'mem_used': 118013952, 'mem_limit': 3264081510,
          'fd_used': 37, 'fd_total': 1048576, 'sockets_used': 1,
          'proc_used': 420, 'proc_total': 1048576,
          'disk_free': 41318793216, 'disk_free_limit': 50000000,
          'uptime': 123456, 'run_queue': 1, 'processors': 2}]
