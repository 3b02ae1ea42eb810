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


"""``openmultistack-api``: the multistack API on the simple server.

For one host; the production path is an outside WSGI server with
:mod:`openmultistack.api.wsgi`.
"""

import sys

from openmultistack.api import app
from openmultistack.common import service
from openmultistack.common import simple_server
from openmultistack import conf

CONF = conf.CONF


def make_server() -> simple_server.API:
    service.check_noauth('api')
    return simple_server.API('multistack-api', app.create_app(),
                             CONF.api.host, CONF.api.port, CONF.api.threads,
                             CONF.api.workers)


def main() -> int:
    return service.serve(make_server)


if __name__ == '__main__':
    sys.exit(main())
