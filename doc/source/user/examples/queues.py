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


"""Ask for an instance, wait for it, list, show and delete queue entries.

Runs against a service without authentication, such as
``openmultistack-all``: ``python queues.py [ENDPOINT]``.
"""

import sys

from omsclient import client
from omsclient.common import exceptions

endpoint = sys.argv[1] if len(sys.argv) > 1 else 'http://127.0.0.1:8765'
oms = client.Client('1', endpoint=endpoint)

# POST /api/queues/ (no body): the new entry is in status REQUEST.
entry = oms.queues.create()
print('created', entry.id, entry.status)

# Poll until RUN; FAILED raises ResourceFailed, a timeout WaitTimeout.
entry = oms.queues.wait(entry.id, timeout=300, interval=1,
                        callback=lambda e: print('  now', e.status))
instance = entry.instance
print('running on', instance['account']['provider'], instance['ip_addr'])

# Lists are sequences read on demand: a loop reads the answer as it
# arrives.
for queued in oms.queues.list(status='RUN', limit=5):
    print(queued.id, queued.status, queued.regist_datetime)

# The private key is not part of an entry; ask for it explicitly.
key = oms.instances.get_private_key(instance['id'])
print('key pair', key.key_name, 'private key of', len(key.key_raw), 'bytes')

oms.queues.delete(entry.id)
oms.queues.wait_for_delete(entry.id, timeout=300, interval=1)
try:
    oms.queues.get(entry.id)
except exceptions.NotFound as exc:
    print('gone:', exc.http_status, exc)
