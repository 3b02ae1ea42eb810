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

"""Options of the ``[database]`` group."""

from oslo_config import cfg

group = cfg.OptGroup('database', title='Database')

opts = [
    cfg.StrOpt('connection', secret=True,
               help='SQLAlchemy URL of the database, e.g. '
                    'postgresql+psycopg2://oms:secret@db/oms. By default '
                    'a SQLite file in state_dir.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
