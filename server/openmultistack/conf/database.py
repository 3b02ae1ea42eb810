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

"""The ``[database]`` group: oslo.db's options, with this service's defaults.

The options are oslo.db's (``oslo-config-generator --namespace oslo.db``
lists them). ``max_pool_size`` is raised to the threads of the process
(see :func:`openmultistack.db.api.pool_size`), and by default a
transaction is tried again a few times only, so that an API request
answers within half a minute while the database is away.
"""

from oslo_config import cfg
from oslo_db import options as db_options

# How often a transaction is tried again after a lost connection or a
# deadlock (1 + 2 + 4 + 8 + 10 seconds apart at most).
DB_MAX_RETRIES = 5


def register_opts(conf: cfg.ConfigOpts) -> None:
    db_options.set_defaults(conf)
    conf.set_default('db_max_retries', DB_MAX_RETRIES, group='database')


def list_opts():
    # Listed by oslo.db's own namespace.
    return {}
