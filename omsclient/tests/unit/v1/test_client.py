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

import subprocess
import sys

from keystoneauth1 import session as ksa_session

from omsclient import client
from omsclient.common import exceptions
from omsclient.tests.unit import fixtures as oms_fixtures
from omsclient.v1 import accounts
from omsclient.v1 import client as v1_client
from omsclient.v1 import instances
from omsclient.v1 import queues


class TestClientFactory(oms_fixtures.TestCase):

    def test_versions(self):
        for version in ('1', 1, '1.0', 'v1', ' 1 ', 1.0):
            c = client.Client(version, endpoint=oms_fixtures.ENDPOINT)
            self.assertIsInstance(c, v1_client.Client)

    def test_unsupported_version(self):
        for version in ('2', '1.1', 'x', None):
            exc = self.assertRaises(exceptions.UnsupportedVersion,
                                    client.Client, version,
                                    endpoint=oms_fixtures.ENDPOINT)
            self.assertIn('Unsupported OpenMultiStack API version %r; '
                          'supported: 1' % (version,), str(exc))

    def test_nothing_to_reach_the_service(self):
        exc = self.assertRaises(exceptions.EndpointNotFound, client.Client,
                                '1')
        self.assertEqual('Either a keystoneauth1 session or an endpoint is '
                         'needed to build an OpenMultiStack client', str(exc))

    def test_managers(self):
        c = client.Client('1', endpoint=oms_fixtures.ENDPOINT)
        self.assertIsInstance(c.queues, queues.QueueManager)
        self.assertIsInstance(c.accounts, accounts.AccountManager)
        self.assertIsInstance(c.instances, instances.InstanceManager)
        self.assertIs(c.queues.root, c.instances.root)

    def test_no_request_at_construction(self):
        client.Client('1', endpoint=oms_fixtures.ENDPOINT)
        client.Client('1', session=ksa_session.Session())
        self.assertEqual([], self.requests.request_history)

    def test_session_options(self):
        c = client.Client('1', endpoint=oms_fixtures.ENDPOINT,
                          cacert='/etc/ca.pem', timeout=7)
        self.assertEqual('/etc/ca.pem', c.http_client.session.verify)
        self.assertEqual(7, c.http_client.session.timeout)
        c = client.Client('1', endpoint=oms_fixtures.ENDPOINT,
                          cacert='/etc/ca.pem', insecure=True)
        self.assertIs(False, c.http_client.session.verify)

    def test_given_session_is_used(self):
        sess = ksa_session.Session()
        c = client.Client('1', session=sess, endpoint=oms_fixtures.ENDPOINT,
                          region_name='R', interface='internal')
        self.assertIs(sess, c.http_client.session)
        self.assertEqual(('multistack', 'R', 'internal'),
                         (c.http_client.service_type,
                          c.http_client.region_name,
                          c.http_client.interface))

    def test_endpoint_comes_second_as_in_the_metering_client(self):
        c = client.Client('1', oms_fixtures.ENDPOINT)
        self.requests.get(oms_fixtures.QUEUES, json=[])
        self.assertEqual([], list(c.queues.list()))
        self.assertEqual(oms_fixtures.QUEUES,
                         self.requests.request_history[0].url)
        sess = ksa_session.Session()
        c = client.Client('1', oms_fixtures.ENDPOINT, sess)
        self.assertIs(sess, c.http_client.session)

    def test_bad_arguments_are_refused_when_built(self):
        for args, kwargs, message in (
                (('1',), {'session': oms_fixtures.ENDPOINT},
                 "session must be a keystoneauth1 session "
                 "(keystoneauth1.session.Session), not str; a URL is the "
                 "endpoint: endpoint='%s'" % oms_fixtures.ENDPOINT),
                (('1', ksa_session.Session()), {},
                 'endpoint must be the URL of the service, not Session; a '
                 'session is given as session='),
                (('1', oms_fixtures.ENDPOINT), {'username': 'admin',
                                                'password': 'secret'},
                 'Unexpected keyword arguments: password, username; '
                 'credentials go into a keystoneauth1 session (session=), '
                 'or a token with endpoint= and token='),
                (('1', oms_fixtures.ENDPOINT), {'retry': 3},
                 'Unexpected keyword argument: retry')):
            error = self.assertRaises(TypeError, client.Client, *args,
                                      **kwargs)
            self.assertEqual(message, str(error))
            self.assertNotIn('secret', str(error))
        self.assertEqual([], self.requests.request_history)

    def test_http_options_are_taken(self):
        c = client.Client('1', oms_fixtures.ENDPOINT, retries=0,
                          user_agent='me/1', connect_retries=2)
        self.assertEqual(0, c.http_client.retries)
        self.assertEqual('me/1', c.http_client.user_agent)

    def test_import_is_light(self):
        code = ('import sys; import omsclient.client; '
                'print(sorted(m for m in ("ijson", "requests", '
                '"keystoneauth1.session", "omsclient.common.http") '
                'if m in sys.modules))')
        out = subprocess.run([sys.executable, '-c', code], check=True,
                             capture_output=True, text=True).stdout
        self.assertEqual('[]', out.strip())
