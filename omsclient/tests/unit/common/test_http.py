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

import logging
import uuid

import fixtures
from keystoneauth1 import fixture as ksa_fixture
from keystoneauth1.identity import v3
from keystoneauth1 import noauth
from keystoneauth1 import session as ksa_session
import requests

from omsclient.common import exceptions
from omsclient.common import http
from omsclient.common import utils
from omsclient.tests.unit import fixtures as oms_fixtures

QUEUES = oms_fixtures.QUEUES
ENTRY = oms_fixtures.ORIGINAL_QUEUE
REFUSED = ("HTTPConnectionPool(host='oms.test', port=80): Max retries "
           "exceeded with url: /api/queues/ (Caused by NewConnectionError("
           "'<urllib3.connection.HTTPConnection object>: Failed to establish "
           "a new connection: [Errno 111] Connection refused'))")


class TestBaseURL(oms_fixtures.TestCase):

    def test_normalise(self):
        for endpoint in ('http://h:8765', 'http://h:8765/',
                         'http://h:8765/api', 'http://h:8765/api/',
                         ' http://h:8765/api// '):
            self.assertEqual('http://h:8765/api',
                             http.normalise_base_url(endpoint))

    def test_normalise_without_prefix(self):
        self.assertEqual('http://h:8777',
                         http.normalise_base_url('http://h:8777/', ''))
        self.assertEqual('http://h/x/api',
                         http.normalise_base_url('http://h/x/api', ''))

    def test_every_endpoint_form_reaches_the_queues(self):
        self.requests.get(QUEUES, json=[ENTRY])
        for endpoint in ('http://oms.test', 'http://oms.test/',
                         'http://oms.test/api', 'http://oms.test/api/'):
            client = self.make_client(endpoint)
            self.assertEqual([1], [q.id for q in client.queues.list()])
        self.assertEqual([QUEUES] * 4,
                         [r.url for r in self.requests.request_history])

    def test_trailing_slash_always_sent(self):
        self.requests.get(QUEUES, json=[])
        api = self.make_client().http_client
        for path in ('queues', '/queues', 'queues/', '/queues/'):
            self.assertEqual([], api.get_json(path))
        self.assertEqual(['/api/queues/'] * 4,
                         [r.path for r in self.requests.request_history])

    def test_endpoint_without_scheme(self):
        for endpoint in ('127.0.0.1:8765', 'oms.test', 'ftp://oms.test'):
            exc = self.assertRaises(exceptions.EndpointNotFound, list,
                                    self.make_client(endpoint).queues.list())
            self.assertEqual("Invalid endpoint '%s' for the multistack "
                             "service: expected a URL such as "
                             "http://127.0.0.1:8765" % endpoint, str(exc))
        self.assertEqual([], self.calls())

    def test_url_for(self):
        api = self.make_client('http://oms.test:8765/api/').http_client
        for path, url in (('', '/api/'), ('queues', '/api/queues/'),
                          ('queues/1?a=b', '/api/queues/1/?a=b'),
                          ('http://x.test/q', 'http://x.test/q')):
            self.assertEqual(url if '://' in url
                             else 'http://oms.test:8765' + url,
                             api.url_for(path))

    def test_no_trailing_slash_for_other_services(self):
        self.requests.get('http://m.test:8777/v2/rabbit/overview',
                          json={'node': 'rabbit@h'})
        api = http.SessionClient(http.make_session(), service_type='metering',
                                 api_prefix='', trailing_slash=False,
                                 endpoint_override='http://m.test:8777/')
        self.assertEqual({'node': 'rabbit@h'},
                         api.get_json('v2/rabbit/overview'))


class TestHeaders(oms_fixtures.TestCase):

    def test_user_agent(self):
        self.requests.get(QUEUES, json=[])
        list(self.make_client().queues.list())
        self.assertEqual('python-omsclient/%s' % utils.version_string(),
                         self.calls()[0].headers['User-Agent'])

    def test_idempotency_key_on_each_create(self):
        self.requests.post(QUEUES, json=ENTRY, status_code=201)
        client = self.make_client()
        client.queues.create()
        client.queues.create()
        keys = [r.headers['Idempotency-Key'] for r in self.calls('POST')]
        self.assertEqual(2, len(set(keys)))
        for key in keys:
            self.assertEqual(4, uuid.UUID(key).version)

    def test_given_idempotency_key(self):
        self.requests.post(QUEUES, json=ENTRY, status_code=201)
        self.make_client().queues.create(idempotency_key='k-1')
        self.assertEqual('k-1', self.calls()[0].headers['Idempotency-Key'])

    def test_no_idempotency_key_on_get(self):
        self.requests.get(QUEUES, json=[])
        list(self.make_client().queues.list())
        self.assertNotIn('Idempotency-Key', self.calls()[0].headers)

    def test_no_token_without_auth(self):
        self.requests.get(QUEUES, json=[])
        list(self.make_client().queues.list())
        self.assertNotIn('X-Auth-Token', self.calls()[0].headers)

    def test_token_with_bare_endpoint(self):
        self.requests.get(QUEUES, json=[])
        list(self.make_client(token='tok-123').queues.list())
        self.assertEqual('tok-123', self.calls()[0].headers['X-Auth-Token'])

    def test_osc_lib_noauth_session(self):
        # --os-auth-type none --os-endpoint URL
        self.requests.get(QUEUES, json=[ENTRY])
        sess = ksa_session.Session(auth=noauth.NoAuth(
            endpoint='http://oms.test/api/'))
        client = self.make_client(endpoint=None, session=sess)
        self.assertEqual(1, len(list(client.queues.list())))
        self.assertEqual(QUEUES, self.calls()[0].url)


class TestRetries(oms_fixtures.TestCase):

    def test_get_retried_on_503(self):
        self.requests.get(QUEUES, [{'status_code': 503},
                                   {'status_code': 503},
                                   {'json': [ENTRY]}])
        self.assertEqual(1, len(list(self.make_client().queues.list())))
        self.assertEqual(3, len(self.calls()))
        # exponential back-off
        delays = [c.args[0] for c in self.sleep.call_args_list]
        self.assertEqual(2, len(delays))
        self.assertLess(delays[0], delays[1])

    def test_retry_notices_are_not_warnings(self):
        log = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        self.requests.get(QUEUES, [{'status_code': 503}, {'json': []}])
        self.assertEqual([], list(self.make_client().queues.list()))
        self.assertEqual('', log.output)
        log = self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        self.requests.get(QUEUES, [{'status_code': 503}, {'json': []}])
        list(self.make_client().queues.list())
        self.assertIn('answered 503; retrying in 0.5 s', log.output)

    def test_get_retried_on_502_and_504(self):
        self.requests.get(QUEUES + '1/', [{'status_code': 502},
                                          {'status_code': 504},
                                          {'json': ENTRY}])
        self.assertEqual(1, self.make_client().queues.get(1).id)
        self.assertEqual(3, len(self.calls()))

    def test_get_gives_up(self):
        self.requests.get(QUEUES + '1/', status_code=503,
                          json={'detail': 'Try later.'})
        exc = self.assertRaises(exceptions.ServiceUnavailable,
                                self.make_client().queues.get, 1)
        self.assertEqual('Try later. (HTTP 503)', str(exc))
        self.assertEqual(1 + http.DEFAULT_RETRIES, len(self.calls()))

    def test_delete_retried(self):
        self.requests.delete(QUEUES + '1/', [{'status_code': 503},
                                             {'status_code': 204}])
        self.make_client().queues.delete(1)
        self.assertEqual(2, len(self.calls('DELETE')))

    def test_post_not_retried_on_503(self):
        self.requests.post(QUEUES, [{'status_code': 503},
                                    {'json': ENTRY, 'status_code': 201}])
        self.assertRaises(exceptions.ServiceUnavailable,
                          self.make_client().queues.create)
        self.assertEqual(1, len(self.calls()))
        self.sleep.assert_not_called()

    def test_patch_not_retried(self):
        self.requests.patch(oms_fixtures.API + '/accounts/1/',
                            status_code=502, text='')
        self.assertRaises(exceptions.BadGateway,
                          self.make_client().accounts.update, 1, status='x')
        self.assertEqual(1, len(self.calls()))

    def test_no_retry_on_500(self):
        self.requests.get(QUEUES, status_code=500, json={'detail': 'x'})
        self.assertRaises(exceptions.InternalServerError, list,
                          self.make_client().queues.list())
        self.assertEqual(1, len(self.calls()))

    def test_retries_configurable(self):
        self.requests.get(QUEUES, status_code=503, text='')
        client = self.make_client(retries=0)
        self.assertRaises(exceptions.ServiceUnavailable, list,
                          client.queues.list())
        self.assertEqual(1, len(self.calls()))


class TestConnectionErrors(oms_fixtures.TestCase):

    def test_connection_refused(self):
        log = self.useFixture(fixtures.FakeLogger(level=logging.WARNING,
                                                  format='%(message)s'))
        self.requests.get(QUEUES, exc=requests.exceptions.ConnectionError(
            REFUSED))
        exc = self.assertRaises(exceptions.ConnectionRefused, list,
                                self.make_client().queues.list())
        self.assertEqual('Unable to connect to http://oms.test: '
                         'connection refused', str(exc))
        self.assertEqual(QUEUES, exc.url)
        # GET is retried on connection errors, and a warning says so.
        self.assertEqual(1 + http.DEFAULT_RETRIES, len(self.calls()))
        self.assertEqual(
            'Unable to connect to http://oms.test: connection refused; '
            'retrying (3 more times) in 0.5 s\n'
            'Unable to connect to http://oms.test: connection refused; '
            'retrying (2 more times) in 1 s\n'
            'Unable to connect to http://oms.test: connection refused; '
            'retrying (1 more time) in 2 s\n', log.output)

    def test_connection_refused_post_not_retried(self):
        self.requests.post(QUEUES, exc=requests.exceptions.ConnectionError(
            REFUSED))
        self.assertRaises(exceptions.ConnectionRefused,
                          self.make_client().queues.create)
        self.assertEqual(1, len(self.calls()))

    def test_unresolvable_host(self):
        self.requests.get(QUEUES, exc=requests.exceptions.ConnectionError(
            "Failed to resolve: [Errno -2] Name or service not known')"))
        exc = self.assertRaises(exceptions.ConnectionRefused, list,
                                self.make_client(retries=0).queues.list())
        self.assertEqual('Unable to connect to http://oms.test: name or '
                         'service not known', str(exc))

    def test_connect_timeout(self):
        self.requests.get(QUEUES + '1/',
                          exc=requests.exceptions.ConnectTimeout)
        exc = self.assertRaises(exceptions.Timeout,
                                self.make_client().queues.get, 1)
        self.assertEqual('Unable to connect to http://oms.test within 10 s',
                         str(exc))
        self.assertIsInstance(exc, exceptions.CommunicationError)

    def test_read_timeout_on_post_not_retried(self):
        self.requests.post(QUEUES, exc=requests.exceptions.ReadTimeout)
        self.assertRaises(exceptions.Timeout,
                          self.make_client().queues.create)
        self.assertEqual(1, len(self.calls()))

    def test_ssl_error(self):
        self.requests.get(QUEUES, exc=requests.exceptions.SSLError('bad'))
        exc = self.assertRaises(exceptions.CommunicationError, list,
                                self.make_client().queues.list())
        self.assertIn('SSL error talking to http://oms.test', str(exc))


class TestErrorAnswers(oms_fixtures.TestCase):

    def test_original_error_bodies(self):
        # The error answers of the original service, from the contract.
        for status, body, cls, message in (
                (404, {"detail": "Not found."}, exceptions.NotFound,
                 'Not found.'),
                (400, {"detail": "JSON parse error - Expecting value: "
                                 "line 1 column 1 (char 0)"},
                 exceptions.BadRequest, 'JSON parse error - Expecting '
                 'value: line 1 column 1 (char 0)'),
                (400, {"non_field_errors": ["Invalid data. Expected a "
                                            "dictionary, but got list."]},
                 exceptions.BadRequest,
                 'Invalid data. Expected a dictionary, but got list.'),
                (400, {"field": ["This field may not be null."]},
                 exceptions.BadRequest,
                 'field: This field may not be null.'),
                (415, {"detail": "Unsupported media type \"text/plain\" "
                                 "in request."},
                 exceptions.UnsupportedMediaType,
                 'Unsupported media type "text/plain" in request.'),
                (405, {"detail": "Method \"DELETE\" not allowed."},
                 exceptions.MethodNotAllowed,
                 'Method "DELETE" not allowed.'),
                (406, {"detail": "Could not satisfy the request Accept "
                                 "header."},
                 exceptions.NotAcceptable,
                 'Could not satisfy the request Accept header.')):
            self.requests.post(QUEUES, status_code=status, json=body)
            exc = self.assertRaises(cls, self.make_client().queues.create,
                                    image='x')
            self.assertEqual('%s (HTTP %d)' % (message, status), str(exc))
            self.assertEqual(body, exc.details)

    def test_json_error_with_request_id(self):
        self.requests.get(QUEUES + '9/', status_code=404,
                          json=oms_fixtures.NOT_FOUND,
                          headers={'X-OpenStack-Request-ID': 'req-9'})
        exc = self.assertRaises(exceptions.NotFound,
                                self.make_client().queues.get, 9)
        self.assertEqual('Not found. (HTTP 404) (Request-ID: req-9)',
                         str(exc))
        self.assertEqual(('GET', QUEUES + '9/', 'req-9', 404,
                          oms_fixtures.NOT_FOUND),
                         (exc.method, exc.url, exc.request_id,
                          exc.http_status, exc.details))

    def test_x_request_id(self):
        self.requests.get(QUEUES + '9/', status_code=404,
                          json=oms_fixtures.NOT_FOUND,
                          headers={'X-Request-Id': 'abc'})
        exc = self.assertRaises(exceptions.NotFound,
                                self.make_client().queues.get, 9)
        self.assertEqual('abc', exc.request_id)

    def test_html_500_page(self):
        page = ('<!DOCTYPE html>\n<html><head><title>Server Error (500)'
                '</title></head><body><h1>Server Error (500)</h1></body>'
                '</html>')
        self.requests.post(QUEUES, status_code=500, text=page,
                           headers={'Content-Type': 'text/html'})
        exc = self.assertRaises(exceptions.InternalServerError,
                                self.make_client().queues.create)
        self.assertEqual('POST %s returned HTML instead of JSON (HTTP 500)'
                         % QUEUES, str(exc))

    def test_empty_error_body(self):
        self.requests.get(QUEUES, status_code=502, text='')
        exc = self.assertRaises(exceptions.BadGateway, list,
                                self.make_client(retries=0).queues.list())
        self.assertEqual('GET %s returned an empty body (HTTP 502)' % QUEUES,
                         str(exc))

    def test_truncated_error_body(self):
        self.requests.get(QUEUES + '1/', status_code=400,
                          text='{"detail": "JSON parse')
        exc = self.assertRaises(exceptions.BadRequest,
                                self.make_client().queues.get, 1)
        self.assertIn('not valid JSON', str(exc))

    def test_huge_error_body_is_cut(self):
        self.requests.get(QUEUES + '1/', status_code=500,
                          text='<html>' + 'x' * (1024 * 1024))
        exc = self.assertRaises(exceptions.InternalServerError,
                                self.make_client().queues.get, 1)
        self.assertIn('returned HTML instead of JSON', str(exc))

    def test_html_on_success(self):
        self.requests.get(QUEUES + '1/', text='<html>login</html>',
                          headers={'Content-Type': 'text/html'})
        exc = self.assertRaises(exceptions.InvalidResponse,
                                self.make_client().queues.get, 1)
        self.assertEqual('GET %s1/ returned HTML instead of JSON (HTTP 200)'
                         % QUEUES, str(exc))

    def test_empty_body_on_success(self):
        self.requests.get(QUEUES + '1/', text='')
        exc = self.assertRaises(exceptions.InvalidResponse,
                                self.make_client().queues.get, 1)
        self.assertIn('returned an empty body', str(exc))

    def test_list_instead_of_object(self):
        self.requests.get(QUEUES + '1/', json=[ENTRY])
        exc = self.assertRaises(exceptions.InvalidResponse,
                                self.make_client().queues.get, 1)
        self.assertIn('is not what the API promises: the answer is a list, '
                      'not an object', str(exc))


class TestRedirects(oms_fixtures.TestCase):

    def test_get_follows_redirect(self):
        self.requests.get(QUEUES + '1/', status_code=301,
                          headers={'Location': QUEUES + '2/'})
        self.requests.get(QUEUES + '2/', json=dict(ENTRY, id=2))
        self.assertEqual(2, self.make_client().queues.get(1).id)

    def test_relative_location_without_slash(self):
        # What Django's APPEND_SLASH answers to a path without its slash.
        self.requests.get(QUEUES[:-1], status_code=301,
                          headers={'Location': '/api/queues/?x=1'})
        self.requests.get(QUEUES, json=[ENTRY])
        api = self.make_client().http_client
        self.assertEqual([ENTRY], api.get_json(QUEUES[:-1], {'x': 1}))
        self.assertEqual([QUEUES[:-1] + '?x=1', QUEUES + '?x=1'],
                         [r.url for r in self.calls()])

    def test_redirect_without_location(self):
        self.requests.get(QUEUES + '1/', status_code=302)
        exc = self.assertRaises(exceptions.InvalidResponse,
                                self.make_client().queues.get, 1)
        self.assertEqual('GET %s1/ answered 302 without a Location '
                         '(HTTP 302)' % QUEUES, str(exc))

    def test_redirect_loop(self):
        self.requests.get(QUEUES + '1/', status_code=307,
                          headers={'Location': QUEUES + '1/'})
        exc = self.assertRaises(exceptions.InvalidResponse,
                                self.make_client().queues.get, 1)
        self.assertIn('GET %s1/: too many redirects' % QUEUES, str(exc))
        self.assertEqual(http.MAX_REDIRECTS + 1, len(self.calls()))

    def test_post_stays_post(self):
        self.requests.post(QUEUES, status_code=301,
                           headers={'Location': QUEUES + 'new/'})
        self.requests.post(QUEUES + 'new/', json=ENTRY, status_code=201)
        self.make_client().queues.create(image='cirros')
        posts = self.calls('POST')
        self.assertEqual([QUEUES, QUEUES + 'new/'], [r.url for r in posts])
        self.assertEqual([{'image': 'cirros'}] * 2,
                         [r.json() for r in posts])
        self.assertEqual(1, len({r.headers['Idempotency-Key']
                                 for r in posts}))
        self.assertEqual([], self.calls('GET'))


class TestCatalog(oms_fixtures.TestCase):

    AUTH_URL = 'http://keystone.test/v3'

    def setUp(self):
        super().setUp()
        self.token = ksa_fixture.V3Token()
        self.token.set_project_scope()
        service = self.token.add_service('multistack')
        service.add_standard_endpoints(public='http://public.test:8765',
                                       internal='http://internal.test/api/',
                                       region='RegionOne')
        service = self.token.add_service('multistack')
        service.add_standard_endpoints(public='http://two.test/',
                                       region='RegionTwo')
        self.token_id = uuid.uuid4().hex
        self.requests.post(self.AUTH_URL + '/auth/tokens', json=self.token,
                           headers={'X-Subject-Token': self.token_id})

    def session(self):
        auth = v3.Password(auth_url=self.AUTH_URL, username='u',
                           password='pw-sekrit', project_name='p',
                           user_domain_id='default',
                           project_domain_id='default')
        return ksa_session.Session(auth=auth)

    def client(self, **kwargs):
        from omsclient import client
        return client.Client('1', session=self.session(), **kwargs)

    def test_public_endpoint(self):
        self.requests.get('http://public.test:8765/api/queues/', json=[])
        self.assertEqual([], list(self.client(
            region_name='RegionOne').queues.list()))
        call = self.calls('GET')[0]
        self.assertEqual(self.token_id, call.headers['X-Auth-Token'])

    def test_keystone_token_never_logged(self):
        self.requests.get('http://public.test:8765/api/queues/', json=[])
        list(self.client(region_name='RegionOne').queues.list())
        self.assertIn('X-Auth-Token: {SHA256}', self.log.output)
        self.assertNotIn(self.token_id, self.log.output)
        self.assertNotIn('pw-sekrit', self.log.output)

    def test_interface_and_api_suffix(self):
        self.requests.get('http://internal.test/api/queues/', json=[])
        client = self.client(interface='internal', region_name='RegionOne')
        self.assertEqual([], list(client.queues.list()))

    def test_region(self):
        self.requests.get('http://two.test/api/queues/', json=[])
        self.assertEqual([], list(self.client(
            region_name='RegionTwo').queues.list()))

    def test_endpoint_override_wins(self):
        self.requests.get(QUEUES, json=[])
        client = self.client(endpoint='http://oms.test')
        self.assertEqual([], list(client.queues.list()))
        self.assertEqual(self.token_id,
                         self.calls('GET')[0].headers['X-Auth-Token'])

    def test_no_endpoint_in_catalog(self):
        client = self.client(region_name='RegionThree')
        exc = self.assertRaises(exceptions.EndpointNotFound, list,
                                client.queues.list())
        self.assertEqual("No 'multistack' endpoint in the service catalog "
                         "for region RegionThree / interface public; pass "
                         "--os-endpoint", str(exc))

    def test_bad_credentials(self):
        self.requests.post(self.AUTH_URL + '/auth/tokens', status_code=401,
                           json={'error': {'code': 401,
                                           'message': 'Bad credentials.'}},
                           headers={'Content-Type': 'application/json'})
        exc = self.assertRaises(exceptions.Unauthorized, list,
                                self.client().queues.list())
        self.assertIn('Bad credentials.', str(exc))

    def test_keystone_unreachable(self):
        self.requests.post(self.AUTH_URL + '/auth/tokens',
                           exc=requests.exceptions.ConnectionError(REFUSED))
        exc = self.assertRaises(exceptions.ConnectionRefused, list,
                                self.client().queues.list())
        self.assertEqual('Unable to connect to http://keystone.test: '
                         'connection refused', str(exc))

    def test_keystone_unreachable_with_endpoint(self):
        self.requests.post(self.AUTH_URL + '/auth/tokens',
                           exc=requests.exceptions.ConnectTimeout)
        exc = self.assertRaises(exceptions.Timeout, list, self.client(
            endpoint='http://oms.test').queues.list())
        self.assertEqual('Unable to connect to http://keystone.test in time',
                         str(exc))

    def test_no_endpoint_and_no_auth(self):
        client = self.make_client(endpoint=None,
                                  session=ksa_session.Session())
        exc = self.assertRaises(exceptions.EndpointNotFound, list,
                                client.queues.list())
        self.assertIn('pass --os-endpoint', str(exc))


class TestLogging(oms_fixtures.TestCase):

    def test_token_never_logged(self):
        self.requests.get(QUEUES, json=[ENTRY])
        list(self.make_client(token='sekrit-token').queues.list())
        self.assertIn('REQ: GET %s' % QUEUES, self.log.output)
        self.assertIn('X-Auth-Token: {SHA256}', self.log.output)
        self.assertNotIn('sekrit-token', self.log.output)

    def test_request_id_logged(self):
        self.requests.get(QUEUES + '1/', json=ENTRY,
                          headers={'x-openstack-request-id': 'req-42',
                                   'Content-Type': 'application/json'})
        self.make_client().queues.get(1)
        self.assertIn('RESP: [200] GET %s1/ (request id req-42)' % QUEUES,
                      self.log.output)

    def test_secrets_masked_in_bodies(self):
        self.requests.get(QUEUES + '1/', json=ENTRY,
                          headers={'Content-Type': 'application/json'})
        self.requests.post(oms_fixtures.API + '/accounts/',
                           json={'id': 1, 'provider': 'conoha'},
                           status_code=201)
        client = self.make_client()
        client.queues.get(1)
        client.accounts.create(provider='conoha', password='hunter2')
        self.assertIn('RESP BODY:', self.log.output)
        self.assertIn('"key_raw": "***"', self.log.output)
        self.assertIn('"password": "***"', self.log.output)
        self.assertNotIn('hunter2', self.log.output)
        self.assertNotIn('BEGIN RSA', self.log.output)

    def test_nothing_formatted_without_debug(self):
        self.useFixture(fixtures.FakeLogger(level=logging.INFO))
        self.requests.get(QUEUES, json=[ENTRY])
        list(self.make_client().queues.list())
        self.assertNotIn('REQ:', self.log.output)


class TestMaskSecrets(oms_fixtures.TestCase):

    def test_nested(self):
        self.assertEqual(
            {'a': [{'password': '***', 'b': 1}], 'key_raw': '***',
             'token': '***', 'key_name': 'k'},
            http.mask_secrets({'a': [{'password': 'x', 'b': 1}],
                               'key_raw': 'k', 'token': 't',
                               'key_name': 'k'}))

    def test_oslo_patterns(self):
        self.assertEqual(
            [{'adminPass': '***', 'password_hash': '***',
              'note': 'password=***'}],
            http.mask_secrets([{'adminPass': 'a', 'password_hash': 'h',
                                'note': 'password=abc'}]))
