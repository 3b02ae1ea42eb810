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


"""``openmultistack-worker``: boots and destroys instances."""

import sys

from openmultistack.common import service
from openmultistack import conf
from openmultistack.db import api as db_api

CONF = conf.CONF


def main() -> int:
    def body():
        service.prepare()
        service.check_schema()
        from openmultistack.worker import service as worker_service
        worker_service.run(CONF, db_api.get_sessionmaker())
    return service.main(body)


if __name__ == '__main__':
    sys.exit(main())
