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

"""Options of the metering extension: ``[metering]``, ``[rabbit_management]``.
"""

from oslo_config import cfg

group = cfg.OptGroup('metering', title='Metering extension API server')
rabbit_group = cfg.OptGroup('rabbit_management',
                            title='RabbitMQ management API')

opts = [
    cfg.HostAddressOpt('host', default='127.0.0.1',
                       help='Address the metering API listens on.'),
    cfg.PortOpt('port', default=8777,
                help='Port the metering API listens on.'),
    cfg.IntOpt('threads', default=8, min=1,
               help='Request threads of each process of the metering API '
                    'server.'),
    cfg.IntOpt('workers', min=1,
               sample_default='the number of CPUs',
               help='Processes that serve the metering API, sharing its '
                    'listening socket; by default one per CPU. With 1, '
                    'the server runs in the process that started it.'),
    cfg.IntOpt('log_page_size', default=20, min=1, max=1000,
               help='Events per page of GET /v2/logs.'),
    cfg.BoolOpt('expose_password_hash_without_auth', default=False,
                help='Under auth_strategy = noauth, hand the password_hash '
                     'of the RabbitMQ users to every caller of GET '
                     '/v2/rabbit/users. Off by default, since anyone who '
                     'reaches the port could then read the hashes. Under '
                     'auth_strategy = keystone the policy rule '
                     'metering:rabbit:password_hash decides instead '
                     '(default: administrators).'),
]

rabbit_opts = [
    cfg.URIOpt('url', default='http://127.0.0.1:15672/api/',
               schemes=['http', 'https'],
               help='Base URL of the RabbitMQ management API.'),
    cfg.StrOpt('username', default='guest',
               help='User of the RabbitMQ management API.'),
    cfg.StrOpt('password', default='guest', secret=True,
               help='Password of the RabbitMQ management API user.'),
    cfg.FloatOpt('timeout', default=10.0, min=0.1,
                 help='Seconds to wait for the management API.'),
    cfg.StrOpt('cafile',
               help='CA bundle to verify an https management API.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)
    conf.register_group(rabbit_group)
    conf.register_opts(rabbit_opts, group=rabbit_group)


def list_opts():
    return {group: opts, rabbit_group: rabbit_opts}
