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

"""The metering Python API against a real RabbitMQ, without Keystone.

The seed's own code, run through the documented drop-in, and the stock
python-ceilometerclient given an endpoint alone, against the metering API
of the service without Keystone.
"""

import ast
import json
import subprocess
import sys
import urllib.request

from ceilometerclient import client as ceilo_client
from keystoneauth1 import noauth
from keystoneauth1 import session as ksa_session

from omsclient.metering import client
from omsclient.metering import logs
from omsclient.tests.functional import base
from omsclient.tests.functional import rabbit

#: The seed's snippet; only the import names omsclient's drop-in.
SEED = '''\
from omsclient.metering import client
cclient = client.get_client(2, os_endpoint=%r)
print(cclient.rabbit.list("users"))
'''
RECORD = '<Rabbitmq record -- '
#: Events per page of /v2/logs: the service's default, kept by the stack.
LOG_PAGE_SIZE = 20


def parse_records(printed: str) -> list[dict]:
    """The records of a printed ``[<Rabbitmq record -- {...}>, ...]``."""
    text = printed.strip()
    if not (text.startswith('[' + RECORD) and text.endswith('>]')):
        raise AssertionError('not a list of records: %r' % printed)
    return [ast.literal_eval(part) for part in
            text[len(RECORD) + 1:-2].split('>, ' + RECORD)]


class MeteringPythonTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.endpoint = self.stack['oms_noauth']['metering']
        self.management = rabbit.Management(self.stack)
        if not self.management.answers():
            self.fail('RabbitMQ management API at %s does not answer'
                      % self.management.base)
        self.require_http(self.endpoint + '/v2/logs',
                          'the metering API without Keystone')

    def management_users(self) -> dict:
        """RabbitMQ's users by name, as a caller without Keystone sees them."""
        return {user['name']: {key: value for key, value in user.items()
                               if key != 'password_hash'}
                for user in self.management.get('users')}

    def test_seed_snippet(self):
        proc = subprocess.run(
            [sys.executable, '-c', SEED % self.endpoint],
            capture_output=True, text=True, timeout=base.COMMAND_TIMEOUT,
            stdin=subprocess.DEVNULL)
        self.assertEqual(0, proc.returncode, proc.stderr)
        records = parse_records(proc.stdout)
        self.assertEqual(self.management_users(),
                         {record['name']: record for record in records})

    def test_service_keeps_password_hashes_to_itself(self):
        with urllib.request.urlopen(self.endpoint + '/v2/rabbit/users',
                                    timeout=10) as response:
            users = json.load(response)
        self.assertEqual(set(self.management_users()),
                         {user['name'] for user in users})
        self.assertFalse([user for user in users if 'password_hash' in user])

    def make_log_pages(self, pages: int) -> None:
        """Log enough events for ``pages`` pages: account updates."""
        accounts = self.python_client(None).accounts
        account = next(iter(accounts.list()))
        for _number in range(pages * LOG_PAGE_SIZE):
            accounts.update(account.id, provider=account.provider)

    def test_stock_ceilometerclient_with_an_endpoint_alone(self):
        self.make_log_pages(2)
        session = ksa_session.Session(auth=noauth.NoAuth())
        cclient = client.extend(ceilo_client.get_client(
            '2', session=session, endpoint_override=self.endpoint))

        users = cclient.rabbit.list('users')
        self.assertEqual(self.management_users(),
                         {user.name: user.to_dict() for user in users})

        first, second = (
            [entry.id for entry in cclient.logs.list(logs.page_query(page))]
            for page in (1, 2))
        self.assertEqual(LOG_PAGE_SIZE, len(first))
        self.assertTrue(second)
        self.assertEqual(sorted(first + second, reverse=True),
                         first + second)
        pages = cclient.logs.count_pages()
        self.assertGreaterEqual(pages, 2)
        self.assertFalse(cclient.logs.list(logs.page_query(pages + 1)))

    def test_log_page_past_the_end(self):
        self.make_log_pages(2)
        pages = client.get_client(
            '2', os_endpoint=self.endpoint).logs.count_pages()
        result = self.openstack('metric log list -f json --page %d'
                                % (pages + 5), cloud='oms-noauth')
        self.assertEqual([], json.loads(result.stdout))
        self.assertIn('the system log has only %d pages' % pages,
                      result.stderr)
