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

"""Options of the simulated provider driver: ``[simulated]``."""

from oslo_config import cfg

group = cfg.OptGroup('simulated', title='Simulated provider driver')

opts = [
    cfg.FloatOpt('boot_seconds', default=1.0, min=0.0,
                 help='Seconds a server of a simulated provider stays in '
                      'BUILD before it is ACTIVE: the latency of a boot. '
                      'A "boot_seconds" query parameter of an account\'s '
                      'auth_url sets it for that account, e.g. '
                      'simulated://demo?boot_seconds=0.'),
    cfg.StrOpt('servers_file',
               help='A file where the simulated driver records the '
                    'servers that the simulated clouds of this process '
                    'hold, one JSON line appended at each boot and '
                    'deletion (the last line about a server wins), so '
                    'that they can be listed from outside '
                    'the process (a simulated cloud lives in the memory '
                    'of one worker), and read back when the process '
                    'starts again. Give each process its own file. '
                    'Unset: no record (openmultistack-all: '
                    'simulated-servers.json in state_dir).'),
    cfg.IntOpt('instances_quota', default=-1, min=-1,
               help='Servers a simulated cloud holds at most, unless its '
                    'auth_url says otherwise (?instances=N). -1: no '
                    'limit.'),
    cfg.IntOpt('cores_quota', default=-1, min=-1,
               help='vCPUs the servers of a simulated cloud use at most, '
                    'unless its auth_url says otherwise (?cores=N). -1: '
                    'no limit.'),
    cfg.IntOpt('ram_quota', default=-1, min=-1,
               help='MB of RAM the servers of a simulated cloud use at '
                    'most, unless its auth_url says otherwise (?ram=N). '
                    '-1: no limit.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
