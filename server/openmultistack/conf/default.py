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

"""Options of the ``[DEFAULT]`` group."""

import os

from oslo_config import cfg

NOAUTH = 'noauth'
KEYSTONE = 'keystone'

opts = [
    cfg.StrOpt('state_dir',
               default=os.environ.get('OMS_STATE_DIR', '.openmultistack'),
               sample_default='$OMS_STATE_DIR or ./.openmultistack',
               help='Directory for the state of the service: the SQLite '
                    'database when [database] connection is not set.'),
    cfg.StrOpt('auth_strategy',
               default=KEYSTONE,
               choices=[(NOAUTH, 'Anonymous requests, every one acting as '
                                 'an administrator, as the original '
                                 'service; for tests and demos on one '
                                 'machine only (see '
                                 'allow_noauth_on_any_address).'),
                        (KEYSTONE, 'Keystone tokens, validated by '
                                   'keystonemiddleware auth_token '
                                   '([keystone_authtoken]), and policy '
                                   'rules.')],
               help='How API requests are authenticated. '
                    'openmultistack-all defaults to noauth.'),
    cfg.BoolOpt('allow_noauth_on_any_address',
                default=False,
                help='Let an API with auth_strategy = noauth start on an '
                     'address that is not a loopback one (127.0.0.0/8, '
                     '::1, localhost), such as 0.0.0.0. Off by default: '
                     'whoever reaches the port then acts as an '
                     'administrator, reads every private key and every '
                     'provider account. Under an outside WSGI server '
                     '(uWSGI, gunicorn, ...) the address is not known to '
                     'the service: there noauth is refused unless this '
                     'is true.'),
    cfg.IntOpt('bootstrap_simulated_accounts',
               default=0, min=0, max=26,
               help='On start, when no account exists, register this many '
                    'accounts with the simulated driver (providers '
                    'simulated-a, simulated-b, ..., each with a quota of '
                    'its own in its auth_url). openmultistack-all '
                    'defaults to 3.'),
    cfg.IntOpt('max_request_body_size',
               default=64 * 1024, min=1024,
               help='Largest request body accepted, in bytes; larger '
                    'requests get 413.'),
    cfg.IntOpt('listen_backlog', default=1024, min=1,
               help='Connections the kernel queues for each API server '
                    'of the console scripts before one of its processes '
                    'accepts them (capped by net.core.somaxconn).'),
    cfg.FloatOpt('client_timeout', default=10.0, min=1.0,
                 deprecated_opts=[
                     cfg.DeprecatedOpt('client_header_timeout'),
                     cfg.DeprecatedOpt('client_body_timeout')],
                 help='Seconds a connection to the simple server of the '
                      'console scripts may stay silent (waitress\'s '
                      'channel_timeout, rounded up to a whole second): a '
                      'client that stops sending half-way through a '
                      'request, or an idle kept-alive connection, is '
                      'closed after that. Requests are read whole before '
                      'a request thread sees them. An outside WSGI server '
                      'and its proxy have their own settings.'),
    cfg.IntOpt('max_connections', default=1000, min=1,
               help='Connections each process of the simple server of the '
                    'console scripts keeps open (waitress\'s '
                    'connection_limit); more wait in the listen backlog '
                    'until one closes. There is no limit per client '
                    'address: behind a proxy every client has the '
                    'proxy\'s, so such limits belong to the proxy.'),
    cfg.IntOpt('max_active_queues_per_project',
               default=0, min=0,
               help='How many queue entries that are not FAILED one '
                    'project may hold; 0 means no limit.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(opts)


def list_opts():
    return {'DEFAULT': opts}
