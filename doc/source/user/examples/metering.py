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


"""Read RabbitMQ monitoring and the event log through the metering API.

The metering client offers python-ceilometerclient's calls with two more
managers, ``rabbit`` and ``logs``: ``python metering.py [ENDPOINT]``
against ``openmultistack-all``'s metering API (no authentication).
"""

import itertools
import sys

from omsclient.metering import client

endpoint = sys.argv[1] if len(sys.argv) > 1 else 'http://127.0.0.1:8777'

# As with ceilometerclient.client.get_client(); with Keystone, pass
# session=sess instead and the "metering" endpoint comes from the catalog.
cclient = client.get_client('2', os_endpoint=endpoint)

for user in cclient.rabbit.list('users'):
    print(user)

overview = cclient.rabbit.get('overview')
print('RabbitMQ', overview.rabbitmq_version, 'on', overview.node)
print('queues:', overview.object_totals['queues'])

# One page of the event log, newest first, with Ceilometer's query syntax.
page = cclient.logs.list(q=[{'field': 'page', 'value': 1}])
for event in itertools.islice(page, 3):
    print(event.id, event.time, event.desc)
