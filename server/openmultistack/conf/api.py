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

"""Options of the ``[api]`` group: the multistack API server."""

from oslo_config import cfg

group = cfg.OptGroup('api', title='Multistack API server')

opts = [
    cfg.HostAddressOpt('host', default='127.0.0.1',
                       help='Address the multistack API listens on.'),
    cfg.PortOpt('port', default=8765,
                help='Port the multistack API listens on.'),
    cfg.IntOpt('threads', default=16, min=1,
               help='Request threads of each process of the API server. '
                    'More threads keep a process serving while some '
                    'clients read or send slowly or requests wait on the '
                    'database; busy threads of one process also cost '
                    'CPU, handing the interpreter lock to each other. '
                    'Where requests wait on nothing but the CPU, 1 (with '
                    'one process per CPU) uses the least CPU.'),
    cfg.IntOpt('workers', min=1,
               sample_default='the number of CPUs',
               help='Processes that serve the multistack API, sharing its '
                    'listening socket; by default one per CPU. With 1, '
                    'the server runs in the process that started it.'),
    cfg.URIOpt('public_endpoint',
               help='Base URL used in the links the API returns (behind '
                    'a proxy); by default the URL of the request.'),
    cfg.IntOpt('list_batch_size', default=500, min=1,
               help='Rows read from the database at a time while a list '
                    'is streamed out.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
