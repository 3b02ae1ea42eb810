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

"""The ``[encryption]`` group: the keys of the secrets at rest."""

from oslo_config import cfg

group = cfg.OptGroup('encryption', title='Secrets at rest',
                     help='Account passwords and the private keys of '
                          'instances are stored encrypted (Fernet) with '
                          'the keys of a key repository that every host '
                          'running the service must hold; see '
                          '"openmultistack-manage keys".')

opts = [
    cfg.StrOpt('key_repository',
               sample_default='$state_dir/keys',
               help='Directory of the Fernet keys, readable by the '
                    'service\'s user only. Default: keys under '
                    'state_dir. "openmultistack-manage keys setup" '
                    'creates it; copy it to every host after each '
                    '"keys rotate".'),
    cfg.IntOpt('max_active_keys', default=3, min=3,
               help='Keys kept in the repository by "keys rotate": the '
                    'staged key, the primary key and the previous '
                    'primary keys that hosts not yet given the rotated '
                    'repository may still encrypt with. An older key is '
                    'removed only once no stored secret uses it.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
