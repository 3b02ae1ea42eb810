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

import urllib.parse

from ceilometerclient import client as ceilo_client
from ceilometerclient.v2 import client as ceilo_v2
from keystoneauth1 import exceptions as ksa_exc
from keystoneauth1 import fixture as ksa_fixture
from keystoneauth1 import session as ksa_session
from keystoneauth1 import token_endpoint

from omsclient.common import exceptions
from omsclient.metering import client
from omsclient.metering import rabbit
from omsclient.tests.unit import fixtures as unit_fixtures
from omsclient.tests.unit.metering import base
from omsclient.tests.unit.metering import fixtures


class TestConstruction(base.TestCase):
    """Building a client sends nothing: no URL is registered here."""

    def test_session_client_sends_nothing(self):
        cclient = client.get_client('2', session=self.keystone_session())
        self.assertIsInstance(cclient, client.Client)
        self.assertIsInstance(cclient.rabbit, rabbit.RabbitManager)
        self.assertEqual([], self.requests.request_history)

    def test_legacy_credentials_send_nothing(self):
        cclient = client.get_client(
            '2', os_username='admin', os_password='secret',
            os_tenant_name='admin', os_auth_url=base.AUTH_URL)
        self.assertIsNotNone(cclient.logs)
        self.assertEqual([], self.requests.request_history)

    def test_legacy_transport_arguments(self):
        cclient = client.get_client('2', os_endpoint=base.METERING,
                                    os_insecure='True', os_cert='c.pem',
                                    os_key='k.pem', timeout='30')
        self.assertFalse(cclient.session.verify)
        self.assertEqual(('c.pem', 'k.pem'), cclient.session.cert)
        self.assertEqual(30, cclient.session.timeout)
        cclient = client.Client(base.METERING, ca_file='ca.pem')
        self.assertEqual('ca.pem', cclient.session.verify)
        self.assertIsNone(cclient.session.timeout)
        # Not "no timeout", as python-ceilometerclient took it: refused.
        self.assertRaises(exceptions.InvalidTimeout, client.Client,
                          base.METERING, timeout=0)

    def test_ceilometer_client_is_built_on_first_use(self):
        cclient = self.metering_client()
        self.assertEqual([], self.requests.request_history)
        # python-ceilometerclient looks for aodh and panko at the
        # metering endpoint given to it.
        probes = self.requests.get(base.METERING + '/', json={})
        self.assertIsInstance(cclient.ceilometer, ceilo_v2.Client)
        self.assertEqual(2, probes.call_count)
        self.assertIs(cclient.ceilometer.meters, cclient.meters)
        self.assertEqual(base.METERING, cclient.http_client.endpoint_override)
        self.assertEqual('metering', cclient.http_client.service_type)
        self.assertEqual(2, probes.call_count)

    def test_explicit_aodh_endpoint(self):
        cclient = self.metering_client(aodh_endpoint='http://aodh.test')
        aodh = self.requests.get('http://aodh.test/', json={})
        self.requests.get(base.METERING + '/', json={})
        self.assertEqual('http://aodh.test',
                         cclient.alarm_client.endpoint_override)
        self.assertEqual('alarming', cclient.alarm_client.service_type)
        self.assertEqual(1, aodh.call_count)

    def test_private_names_are_not_looked_up(self):
        cclient = self.metering_client()
        self.assertRaises(AttributeError, getattr, cclient, '_nothing')
        self.assertEqual([], self.requests.request_history)

    def test_bad_arguments_are_refused_when_built(self):
        for kwargs, message in (
                ({'session': base.METERING},
                 'session must be a keystoneauth1 session '
                 '(keystoneauth1.session.Session), not str; a URL is the '
                 'endpoint: endpoint=\'%s\'' % base.METERING),
                ({'endpoint': ksa_session.Session()},
                 'endpoint must be the URL of the service, not Session; a '
                 'session is given as session='),
                ({'endpoint': base.METERING, 'colour': 'red'},
                 'Unexpected keyword argument: colour')):
            error = self.assertRaises(TypeError, client.get_client, '2',
                                      **kwargs)
            self.assertEqual(message, str(error))
        # The endpoint first, as in python-ceilometerclient's v2 client.
        error = self.assertRaises(TypeError, client.Client, base.METERING,
                                  'not a session')
        self.assertIn('session must be a keystoneauth1 session', str(error))
        # python-ceilometerclient's own arguments are still taken.
        client.get_client('2', endpoint=base.METERING, username='u',
                          os_password='p', endpoint_type='internal')

    def test_unsupported_version(self):
        error = self.assertRaises(exceptions.UnsupportedVersion,
                                  client.get_client, '1',
                                  session=ksa_session.Session())
        self.assertIn('valid versions: 2', str(error))


class TestCeilometerUsage(base.TestCase):
    """The seed's way of using the extension keeps working."""

    def setUp(self):
        super().setUp()
        self.cclient = self.metering_client()

    def test_rabbit_list_users(self):
        self.mock_item('users')
        users = list(self.cclient.rabbit.list('users'))
        self.assertEqual(['ceilometer', 'guest', 'nova'],
                         [user.name for user in users])
        self.assertIsInstance(users[0], rabbit.Rabbitmq)
        self.assertEqual(fixtures.USERS[1]['password_hash'],
                         users[1].password_hash)
        text = repr(users)
        self.assertTrue(text.startswith('[<Rabbitmq record -- '), text)
        self.assertNotIn("'password_hash'", text)
        for user in fixtures.USERS:
            self.assertNotIn(user['password_hash'], text)
        self.assertIn("'name': 'guest'", text)
        self.assertEqual(fixtures.USERS[0], users[0].to_dict())
        # Nor are the hashes in the debug log.
        self.assertIn('/v2/rabbit/users', self.log.output)
        for user in fixtures.USERS:
            self.assertNotIn(user['password_hash'], self.log.output)

    def test_rabbit_list_overview_yields_the_object(self):
        self.mock_item('overview')
        records = list(self.cclient.rabbit.list('overview'))
        self.assertEqual(1, len(records))
        self.assertEqual(fixtures.OVERVIEW, records[0].to_dict())

    def test_rabbit_get_overview(self):
        self.mock_item('overview')
        overview = self.cclient.rabbit.get('overview')
        self.assertEqual('rabbit@controller', overview.node)
        self.assertEqual(6.8,
                         overview.queue_totals['messages_details']['rate'])
        self.assertEqual(2, overview.object_totals['connections'])
        self.assertEqual(1, len(self.requests.request_history))

    def test_logs_list_page(self):
        self.requests.get(base.LOGS, json=fixtures.log_entries(3))
        entries = list(self.cclient.logs.list(
            q=[{'field': 'page', 'value': 2}]))
        self.assertEqual([3, 2, 1], [entry.id for entry in entries])
        query = urllib.parse.parse_qs(self.requests.last_request.query,
                                      keep_blank_values=True)
        self.assertEqual(['page'], query['q.field'])
        self.assertEqual(['2'], query['q.value'])

    def test_stock_managers_still_work(self):
        self.requests.get(base.METERING + '/', json={})
        self.requests.get(base.METERING + '/v2/meters',
                          json=[{'name': 'cpu', 'type': 'cumulative'}])
        meters = self.cclient.meters.list()
        self.assertEqual(['cpu'], [meter.name for meter in meters])

    def test_unknown_item_fails_before_any_request(self):
        error = self.assertRaises(ValueError, self.cclient.rabbit.list,
                                  'bindingz')
        for item in rabbit.ITEMS:
            self.assertIn(item, str(error))
        self.assertEqual([], self.requests.request_history)

    def test_get_of_a_list_item_is_refused(self):
        error = self.assertRaises(ValueError, self.cclient.rabbit.get,
                                  'users')
        self.assertIn("rabbit.list('users')", str(error))
        self.assertEqual([], self.requests.request_history)

    def test_list_is_read_incrementally(self):
        body = unit_fixtures.GeneratedList(
            2000, make=lambda i: dict(fixtures.QUEUES[0], name='q%d' % i))
        self.requests.get(base.RABBIT + 'queues', body=body)
        queues = iter(self.cclient.rabbit.list('queues'))
        self.assertEqual('q0', next(queues).name)
        self.assertLess(body.consumed, body.size // 4)
        self.assertEqual(1999, sum(1 for _queue in queues))
        self.assertEqual(body.size, body.consumed)

    def test_request_is_sent_by_the_list_call(self):
        self.mock_item('queues', status_code=503,
                       json={'error_message': {
                           'faultstring': 'RabbitMQ is down'}})
        error = self.assertRaises(exceptions.ServiceUnavailable,
                                  self.cclient.rabbit.list, 'queues')
        self.assertIn('RabbitMQ is down', str(error))
        # The shared HTTP layer retried the idempotent GET.
        self.assertEqual(4, len(self.requests.request_history))

    def test_not_acceptable(self):
        self.mock_item('overview', status_code=406,
                       json={'error_message': {
                           'faultstring': 'Not Acceptable'}})
        self.assertRaises(exceptions.NotAcceptable, self.cclient.rabbit.get,
                          'overview')
        self.assertEqual(1, len(self.requests.request_history))

    def test_html_answer(self):
        self.mock_item('users', text='<html>oops</html>',
                       headers={'Content-Type': 'text/html'})
        users = self.cclient.rabbit.list('users')
        error = self.assertRaises(exceptions.InvalidResponse, list, users)
        self.assertIn('HTML', str(error))


class TestEndpoints(base.TestCase):

    def test_catalog_region_and_interface(self):
        self.mock_keystone()
        url = base.CATALOG[('RegionTwo', 'internal')]
        self.mock_item('users', base=url)
        cclient = client.get_client('2', session=self.keystone_session(),
                                    region_name='RegionTwo',
                                    interface='internal')
        self.assertEqual(3, len(list(cclient.rabbit.list('users'))))
        last = self.requests.last_request
        self.assertEqual(url + '/v2/rabbit/users', last.url)
        self.assertEqual(base.TOKEN_ID, last.headers['X-Auth-Token'])

    def test_endpoint_missing_from_catalog(self):
        self.mock_keystone()
        cclient = client.get_client('2', session=self.keystone_session(),
                                    region_name='RegionNine')
        error = self.assertRaises(exceptions.EndpointNotFound,
                                  cclient.rabbit.get, 'overview')
        self.assertIn('metering', str(error))

    def test_endpoint_callable_is_resolved_on_first_request(self):
        calls = []

        def resolve():
            calls.append(1)
            return base.METERING

        cclient = client.Client(endpoint=resolve,
                                session=ksa_session.Session())
        self.assertEqual([], calls)
        self.mock_item('overview')
        self.mock_item('users')
        cclient.rabbit.get('overview')
        list(cclient.rabbit.list('users'))
        self.assertEqual([1], calls)

    def test_endpoint_callable_failing_lookup_is_mapped(self):
        def resolve():
            raise ksa_exc.EndpointNotFound(
                'public endpoint for metering service not found')

        cclient = client.Client(endpoint=resolve,
                                session=ksa_session.Session())
        for call in (lambda: cclient.rabbit.get('overview'),
                     lambda: cclient.logs.list()):
            error = self.assertRaises(exceptions.EndpointNotFound, call)
            self.assertIn("No 'metering' endpoint", str(error))
        self.assertEqual([], self.requests.request_history)

    def test_dashboard_style_token_callable(self):
        cclient = client.Client(endpoint=base.METERING,
                                token=lambda: 'dashboard-token')
        self.mock_item('vhosts')
        self.assertEqual(['/', 'openstack'],
                         [vhost.name for vhost in
                          cclient.rabbit.list('vhosts')])
        self.assertEqual('dashboard-token',
                         self.requests.last_request.headers['X-Auth-Token'])

    def test_anonymous_without_token(self):
        cclient = client.get_client('2', os_endpoint=base.METERING)
        self.mock_item('overview')
        cclient.rabbit.get('overview')
        self.assertNotIn('X-Auth-Token', self.requests.last_request.headers)

    def test_bare_endpoint(self):
        # The same call as omsclient.client.Client('1', endpoint=...).
        cclient = client.get_client('2', endpoint=base.METERING)
        self.mock_item('users')
        self.assertEqual(['ceilometer', 'guest', 'nova'],
                         [u.name for u in cclient.rabbit.list('users')])
        self.assertNotIn('X-Auth-Token', self.requests.last_request.headers)

    def test_legacy_token_with_auth_url_is_rescoped_by_keystone(self):
        self.mock_keystone()
        self.requests.get(base.AUTH_URL,
                          json=ksa_fixture.V3Discovery(base.AUTH_URL))
        self.mock_item('overview', base=base.CATALOG[('RegionOne',
                                                      'public')])
        cclient = client.get_client('2', os_token='an-old-token',
                                    os_auth_url=base.AUTH_URL,
                                    os_tenant_name='admin',
                                    os_region_name='RegionOne')
        self.assertEqual([], self.requests.request_history)
        cclient.rabbit.get('overview')
        auth = self.calls('POST', '/v3/auth/tokens')[0].json()['auth']
        self.assertEqual({'id': 'an-old-token'}, auth['identity']['token'])
        self.assertEqual(base.TOKEN_ID,
                         self.requests.last_request.headers['X-Auth-Token'])

    def test_legacy_credentials_authenticate_on_first_request(self):
        self.mock_keystone()
        self.requests.get(base.AUTH_URL,
                          json=ksa_fixture.V3Discovery(base.AUTH_URL))
        self.mock_item('nodes', base=base.CATALOG[('RegionOne', 'public')])
        cclient = client.get_client(
            '2', os_username='admin', os_password='secret',
            os_project_name='admin', os_auth_url=base.AUTH_URL,
            os_user_domain_name='Default',
            os_project_domain_name='Default', os_region_name='RegionOne')
        nodes = list(cclient.rabbit.list('nodes'))
        self.assertEqual('rabbit@controller', nodes[0].name)
        auth = self.calls('POST', '/v3/auth/tokens')[0].json()['auth']
        self.assertEqual('admin',
                         auth['identity']['password']['user']['name'])

    def test_seed_style_credentials_scope_the_default_domain(self):
        self.mock_keystone()
        self.requests.get(base.AUTH_URL,
                          json=ksa_fixture.V3Discovery(base.AUTH_URL))
        self.mock_item('users', base=base.CATALOG[('RegionOne', 'public')])
        cclient = client.get_client('2', os_username='chensq',
                                    os_password='cec123',
                                    os_tenant_name='csq',
                                    os_auth_url=base.AUTH_URL,
                                    os_region_name='RegionOne')
        self.assertEqual(3, len(list(cclient.rabbit.list('users'))))
        auth = self.calls('POST', '/v3/auth/tokens')[0].json()['auth']
        user = auth['identity']['password']['user']
        self.assertEqual({'name': 'Default'}, user['domain'])
        self.assertEqual({'name': 'csq', 'domain': {'name': 'Default'}},
                         auth['scope']['project'])


class TestExtend(base.TestCase):
    """extend() on a client built by python-ceilometerclient itself."""

    def stock_client(self):
        session = ksa_session.Session(
            auth=token_endpoint.Token(base.METERING, 'stock-token'))
        # python-ceilometerclient probes aodh and panko while it builds its
        # client: answer those probes.
        self.requests.get(base.METERING + '/', json={})
        cclient = ceilo_client.get_client('2', session=session)
        self.assertEqual(2, len(self.requests.request_history))
        return cclient

    def test_extend_sends_nothing(self):
        cclient = self.stock_client()
        self.assertIs(cclient, client.extend(cclient))
        self.assertEqual(2, len(self.requests.request_history))
        self.assertIsInstance(cclient.rabbit, rabbit.RabbitManager)

    def test_extended_managers_use_the_stock_session(self):
        cclient = client.extend(self.stock_client())
        self.mock_item('channels')
        channels = list(cclient.rabbit.list('channels'))
        self.assertEqual(1, channels[1].consumer_count)
        self.assertEqual('stock-token',
                         self.requests.last_request.headers['X-Auth-Token'])
        self.requests.get(base.LOGS, json=[])
        self.assertEqual([], list(cclient.logs.list()))

    def test_extend_follows_endpoint_override(self):
        session = ksa_session.Session()
        cclient = ceilo_v2.Client.__new__(ceilo_v2.Client)
        cclient.http_client = ceilo_client._construct_http_client(
            session=session, endpoint_override=base.METERING,
            region_name='RegionTwo', interface='internal')
        client.extend(cclient)
        api = cclient.rabbit.api
        self.assertEqual(base.METERING, api.endpoint_override)
        self.assertEqual('RegionTwo', api.region_name)
        self.assertEqual('internal', api.interface)
        self.assertEqual('metering', api.service_type)

    def test_extend_a_client_built_from_legacy_arguments(self):
        cclient = client.extend(ceilo_client.get_client(
            '2', os_endpoint=base.METERING, os_token='legacy-token'))
        self.assertEqual([], self.requests.request_history)
        self.mock_item('users')
        self.assertEqual(3, len(cclient.rabbit.list('users')))
        self.assertEqual('legacy-token',
                         self.requests.last_request.headers['X-Auth-Token'])

    def test_extend_the_dashboard_client(self):
        # The seed's dashboard builds its client from an endpoint and a
        # token callable.
        cclient = client.extend(ceilo_client.Client(
            '2', base.METERING, token=lambda: 'dashboard-token'))
        self.requests.get(base.LOGS, json=fixtures.log_entries(2))
        self.assertEqual([2, 1], [entry.id for entry in cclient.logs.list()])
        self.assertEqual('dashboard-token',
                         self.requests.last_request.headers['X-Auth-Token'])

    def test_extend_a_client_with_keystone_credentials(self):
        self.mock_keystone()
        self.requests.get(base.AUTH_URL,
                          json=ksa_fixture.V3Discovery(base.AUTH_URL))
        self.mock_item('overview', base=base.CATALOG[('RegionOne',
                                                      'public')])
        cclient = ceilo_client.get_client(
            '2', os_username='admin', os_password='secret',
            os_tenant_name='admin', os_auth_url=base.AUTH_URL,
            os_region_name='RegionOne')
        # python-ceilometerclient has looked for aodh and panko.
        sent = len(self.requests.request_history)
        client.extend(cclient)
        self.assertEqual(sent, len(self.requests.request_history))
        self.assertEqual('rabbit@controller',
                         cclient.rabbit.get('overview').node)
        self.assertEqual(base.TOKEN_ID,
                         self.requests.last_request.headers['X-Auth-Token'])

    def test_extend_says_what_is_missing(self):
        error = self.assertRaises(TypeError, client.extend, object())
        self.assertIn('neither a keystoneauth session', str(error))
        self.assertNotIn('os_', str(error))

    def test_extend_leaves_a_metering_client_as_it_is(self):
        cclient = self.metering_client()
        managers = cclient.rabbit, cclient.logs
        self.assertIs(cclient, client.extend(cclient))
        self.assertEqual(managers, (cclient.rabbit, cclient.logs))
        self.assertEqual([], self.requests.request_history)
