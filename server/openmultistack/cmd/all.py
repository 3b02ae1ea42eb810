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


"""``openmultistack-all``: API, metering API and worker in one process.

Embedded defaults for a laptop or a test run: a SQLite file under
``state_dir``, migrated at start, and the keys of its secrets beside it;
three simulated provider accounts on the first start, whose servers are
recorded in ``simulated-servers.json`` beside them so that a restart
finds them again; no Keystone.
"""

import os
import sys

from oslo_log import log as logging

from openmultistack.cmd import api
from openmultistack.cmd import metering
from openmultistack.cmd import worker
from openmultistack.common import service
from openmultistack.common import simple_server
from openmultistack import conf
from openmultistack.db import api as db_api
from openmultistack.db import bootstrap
from openmultistack.db import encryption
from openmultistack.db import migration

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# One machine, no Keystone: both APIs listen on 127.0.0.1 unless told
# otherwise (service.check_noauth).
DEFAULTS = {'bootstrap_simulated_accounts': 3,
            'auth_strategy': conf.default.NOAUTH}


def main() -> int:
    def body():
        service.prepare(defaults=DEFAULTS)
        CONF.set_default('servers_file', os.path.join(
            os.path.abspath(CONF.state_dir), 'simulated-servers.json'),
            group='simulated')
        # First: they refuse an unsafe configuration before the state
        # directory is touched.
        servers = [api.make_server(), metering.make_server()]
        LOG.info('Database: %s', db_api.get_engine().url)
        if encryption.repository().setup():
            LOG.info('Created the keys of the secrets in %s',
                     encryption.repository().path)
        migration.upgrade()
        service.check_database()
        with db_api.session_scope() as session:
            names = bootstrap.simulated_accounts(
                session, CONF.bootstrap_simulated_accounts)
        if names:
            LOG.info('Registered simulated provider accounts: %s',
                     ', '.join(names))
        simple_server.run(servers, [('worker', worker.WorkerRunner)],
                          shutdown_timeout=worker.shutdown_timeout())
    return service.main(body)


if __name__ == '__main__':
    sys.exit(main())
