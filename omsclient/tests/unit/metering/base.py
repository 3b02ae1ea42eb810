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

"""A test case for the metering client, with requests-mock and Keystone."""

from keystoneauth1 import fixture as ksa_fixture
from keystoneauth1.identity import v3
from keystoneauth1 import session as ksa_session

from omsclient.metering import client
from omsclient.tests.unit import fixtures as unit_fixtures
from omsclient.tests.unit.metering import fixtures

METERING = 'http://metering.test:8777'
RABBIT = METERING + '/v2/rabbit/'
LOGS = METERING + '/v2/logs'

#: requests-mock arguments that give an answer its body.
BODY_ARGUMENTS = frozenset(['json', 'text', 'body', 'content',
                            'status_code', 'exc'])

AUTH_URL = 'http://keystone.test/v3'
TOKEN_ID = 'a-keystone-token'
#: The endpoints of the fake catalog, by (region, interface).
CATALOG = {
    ('RegionOne', 'public'): 'http://one-public.test:8777',
    ('RegionTwo', 'public'): 'http://two-public.test:8777',
    ('RegionTwo', 'internal'): 'http://two-internal.test:8777',
}


class TestCase(unit_fixtures.TestCase):
    """requests-mock at the HTTP boundary; helpers for metering answers."""

    def metering_client(self, **kwargs):
        kwargs.setdefault('endpoint_override', METERING)
        kwargs.setdefault('session', ksa_session.Session())
        return client.get_client('2', **kwargs)

    def mock_item(self, item, body=None, base=METERING, **kwargs):
        if body is None and not BODY_ARGUMENTS.intersection(kwargs):
            body = fixtures.item(item)
        if body is not None:
            kwargs['json'] = body
        return self.requests.get('%s/v2/rabbit/%s' % (base, item), **kwargs)

    def mock_keystone(self):
        """Answer password authentications with a token and a catalog."""
        token = ksa_fixture.V3Token()
        token.set_project_scope()
        service = token.add_service('metering')
        for (region, interface), url in CATALOG.items():
            service.add_endpoint(interface, url, region=region)
        self.requests.post(AUTH_URL + '/auth/tokens', json=token,
                           headers={'X-Subject-Token': TOKEN_ID})
        return token

    def keystone_session(self):
        auth = v3.Password(auth_url=AUTH_URL, username='admin',
                           password='secret', project_name='admin',
                           user_domain_id='default',
                           project_domain_id='default')
        return ksa_session.Session(auth=auth)
