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

"""NovaProvider at the HTTP boundary (python-novaclient + keystoneauth)."""

import json
import logging

import fixtures
from keystoneauth1 import fixture as ksa_fixture
import requests
from requests_mock.contrib import fixture as rm_fixture

from openmultistack import providers
from openmultistack.providers import base
from openmultistack.providers import nova
from openmultistack.tests.unit import base as test_base
from openmultistack.tests.unit.providers import test_simulated

KEYSTONE = 'http://keystone.test/v3'
NOVA = 'http://nova.test/v2.1'
GLANCE = 'http://glance.test'
NEUTRON = 'http://neutron.test'
TOKEN = 'gAAAA-token-id'
PASSWORD = 'Secret-Pass-1'
IMAGE_ID = '155d900f-4e14-4e4c-a73d-069cbf4541e6'
SERVER_ID = 'bec7c0ea-2262-4d73-aa6d-002d1e231103'
PROJECT_ID = 'b2b3c9ad5c0e4d2a8e3cd1f9e1b8d4f0'
FLAVORS = [
    {'id': '2', 'name': 'm1.small', 'ram': 2048, 'vcpus': 1, 'disk': 20},
    {'id': '1', 'name': 'm1.tiny', 'ram': 512, 'vcpus': 1, 'disk': 1},
    {'id': '3', 'name': 'm1.medium', 'ram': 4096, 'vcpus': 2, 'disk': 40},
]


def server_body(status='ACTIVE', **extra):
    body = {'id': SERVER_ID, 'name': 'oms-1', 'status': status,
            'key_name': 'oms-1', 'metadata': {'openmultistack_queue_id': '1'},
            'addresses': {}}
    body.update(extra)
    return {'server': body}


class NovaTestCase(test_base.BaseTestCase):
    """A Keystone with a catalog, and a Nova answering microversions."""

    def setUp(self):
        super().setUp()
        self.http = self.useFixture(rm_fixture.Fixture())
        token = ksa_fixture.V3Token(project_id=PROJECT_ID,
                                    project_name='demo')
        for service_type, url in (('compute', NOVA), ('image', GLANCE),
                                  ('network', NEUTRON)):
            token.add_service(service_type).add_standard_endpoints(
                public=url, region='RegionOne')
            token.add_service(service_type).add_standard_endpoints(
                public=url.replace('.test', '.elsewhere.test'),
                region='RegionTwo')
        self.http.get(KEYSTONE, json=ksa_fixture.V3Discovery(KEYSTONE))
        self.http.post(KEYSTONE + '/auth/tokens', json=token,
                       headers={'X-Subject-Token': TOKEN})
        self.http.get(NOVA, json={'version': {
            'id': 'v2.1', 'status': 'CURRENT', 'version': '2.100',
            'min_version': '2.1'}})
        self.http.get(NOVA + '/flavors/detail', json={'flavors': FLAVORS})
        self.http.get(NEUTRON + '/v2.0/networks', json={'networks': []})

    def provider(self, **fields):
        values = {'driver': 'nova', 'provider': 'nova-a',
                  'auth_url': KEYSTONE, 'password': PASSWORD,
                  'region_name': 'RegionOne'}
        values.update(fields)
        return providers.get_provider(test_simulated.Account(**values), 9)

    def requests_to(self, url_prefix, method=None):
        return [r for r in self.http.request_history
                if r.url.startswith(url_prefix)
                and (method is None or r.method == method)]


class TestAuthentication(NovaTestCase):

    def test_keystone_password_scoped_to_the_project(self):
        self.assertEqual('1', self.provider().find_flavor(None))

        [auth] = self.requests_to(KEYSTONE + '/auth/tokens')
        identity = auth.json()['auth']
        user = identity['identity']['password']['user']
        self.assertEqual(('user', PASSWORD, 'Default'),
                         (user['name'], user['password'],
                          user['domain']['name']))
        self.assertEqual({'name': 'demo', 'domain': {'name': 'Default'}},
                         identity['scope']['project'])
        [flavors] = self.requests_to(NOVA + '/flavors')
        self.assertEqual(TOKEN, flavors.headers['X-Auth-Token'])

    def test_project_id_wins_over_the_name(self):
        self.provider(tenant_id=PROJECT_ID).find_flavor(None)
        [auth] = self.requests_to(KEYSTONE + '/auth/tokens')
        self.assertEqual({'id': PROJECT_ID},
                         auth.json()['auth']['scope']['project'])

    def test_region_selects_the_endpoint(self):
        self.http.get('http://nova.elsewhere.test/v2.1',
                      json={'version': {'version': '2.60',
                                        'min_version': '2.1'}})
        self.http.get('http://nova.elsewhere.test/v2.1/flavors/detail',
                      json={'flavors': FLAVORS[:1]})
        self.assertEqual('2', self.provider(
            region_name='RegionTwo').find_flavor(None))

    def test_timeout_is_applied_to_the_session(self):
        self.assertEqual(9, self.provider().session.timeout)

    def test_rejected_credentials(self):
        self.http.post(KEYSTONE + '/auth/tokens', status_code=401,
                       json={'error': {'code': 401,
                                       'message': 'The request you have '
                                                  'made requires '
                                                  'authentication.'}})
        exc = self.assertRaises(base.ProviderError,
                                self.provider().find_flavor, None)
        self.assertIn('authentication', str(exc))
        self.assertNotIn(PASSWORD, str(exc))


class TestMicroversions(NovaTestCase):

    def test_newest_common_microversion_is_used(self):
        provider = self.provider()
        provider.find_flavor(None)
        [flavors] = self.requests_to(NOVA + '/flavors')
        self.assertEqual(str(provider.nova.api_version.get_string()),
                         flavors.headers['X-OpenStack-Nova-API-Version'])
        self.assertGreaterEqual(provider.nova.api_version,
                                nova.NICS_NONE_VERSION)

    def test_pinned_version(self):
        provider = self.provider(version='2.60')
        provider.find_flavor(None)
        [flavors] = self.requests_to(NOVA + '/flavors')
        self.assertEqual('2.60',
                         flavors.headers['X-OpenStack-Nova-API-Version'])

    def test_unsupported_version(self):
        exc = self.assertRaises(base.ProviderError,
                                self.provider(version='2.200').find_flavor,
                                None)
        self.assertIn("valid version range is '2.1' to '2.100'", str(exc))


class TestLookups(NovaTestCase):

    def test_image_id_is_used_as_is(self):
        self.assertEqual(IMAGE_ID, self.provider().find_image(IMAGE_ID))
        self.assertEqual([], self.requests_to(GLANCE))

    def test_image_by_name_via_the_image_service(self):
        self.http.get(GLANCE + '/v2/images?name=cirros', json={'images': [
            {'id': IMAGE_ID, 'name': 'cirros', 'status': 'active'}]})
        self.assertEqual(IMAGE_ID, self.provider().find_image('cirros'))

    def test_default_image_is_the_first_active(self):
        self.http.get(GLANCE + '/v2/images', json={'images': [
            {'id': 'queued-1', 'name': 'new', 'status': 'queued'},
            {'id': IMAGE_ID, 'name': 'cirros', 'status': 'active'}]})
        self.assertEqual(IMAGE_ID, self.provider().find_image(None))

    def test_ambiguous_and_missing_images(self):
        self.http.get(GLANCE + '/v2/images?name=twin', json={'images': [
            {'id': 'a', 'name': 'twin', 'status': 'active'},
            {'id': 'b', 'name': 'twin', 'status': 'active'}]})
        self.http.get(GLANCE + '/v2/images?name=none', json={'images': []})
        provider = self.provider()
        self.assertIn('several images',
                      str(self.assertRaises(base.ProviderError,
                                            provider.find_image, 'twin')))
        self.assertRaises(base.NotFound, provider.find_image, 'none')

    def test_flavors(self):
        provider = self.provider()
        self.assertEqual('1', provider.find_flavor(None))
        self.assertEqual('3', provider.find_flavor('m1.medium'))
        self.assertEqual('2', provider.find_flavor('2'))
        self.assertRaises(base.NotFound, provider.find_flavor, 'm1.huge')

    def test_list_flavors_with_sizes_and_access(self):
        self.http.get(NOVA + '/flavors/detail', json={'flavors': FLAVORS + [
            {'id': 'p', 'name': 'shared', 'ram': 1024, 'vcpus': 1,
             'disk': 0, 'os-flavor-access:is_public': False}]})
        flavors = self.provider().list_flavors()
        self.assertEqual([
            base.Flavor('2', 'm1.small', 2048, 1, 20, True),
            base.Flavor('1', 'm1.tiny', 512, 1, 1, True),
            base.Flavor('3', 'm1.medium', 4096, 2, 40, True),
            base.Flavor('p', 'shared', 1024, 1, 0, False)], flavors)
        # Nova's default access filter: public flavors and those shared
        # with the project.
        self.assertNotIn('is_public',
                         self.requests_to(NOVA + '/flavors')[-1].qs)

    def test_list_images_through_glance_pages_with_properties(self):
        self.http.get(GLANCE + '/v2/images', json={
            'images': [{'id': 'u24', 'name': 'ubuntu-24.04',
                        'status': 'active', 'os_distro': 'ubuntu',
                        'os_version': '24.04', 'visibility': 'public',
                        'min_disk': 3, 'tags': ['lts'],
                        'created_at': '2024-04-25T12:00:00Z'}],
            'next': '/v2/images?marker=u24'})
        self.http.get(GLANCE + '/v2/images?marker=u24', json={
            'images': [{'id': 'c', 'name': 'cirros', 'status': 'queued',
                        'created_at': '2023-05-30T12:00:00Z'}]})
        images = self.provider().list_images()
        self.assertEqual([
            base.Image('u24', 'ubuntu-24.04', 'active',
                       {'os_distro': 'ubuntu', 'os_version': '24.04'},
                       '2024-04-25T12:00:00Z'),
            base.Image('c', 'cirros', 'queued', {},
                       '2023-05-30T12:00:00Z')], images)
        self.assertEqual(2, len(self.requests_to(GLANCE + '/v2/images')))
        self.assertEqual([], self.requests_to(NOVA + '/images'))

    def test_list_images_through_the_compute_proxy(self):
        # A catalog without an image service.
        token = ksa_fixture.V3Token(project_id=PROJECT_ID)
        token.add_service('compute').add_standard_endpoints(
            public=NOVA, region='RegionOne')
        self.http.post(KEYSTONE + '/auth/tokens', json=token,
                       headers={'X-Subject-Token': TOKEN})
        self.http.get(NOVA + '/images/detail', json={
            'images': [{'id': 'd', 'name': 'debian-12', 'status': 'ACTIVE',
                        'metadata': {'os_distro': 'debian',
                                     'hw_qemu_guest_agent': True},
                        'created': '2023-06-10T12:00:00Z'}],
            'images_links': [{'rel': 'next', 'href': NOVA +
                              '/images/detail?marker=d'}]})
        self.http.get(NOVA + '/images/detail?marker=d',
                      json={'images': []})
        images = self.provider().list_images()
        self.assertEqual([base.Image(
            'd', 'debian-12', 'active',
            {'os_distro': 'debian', 'hw_qemu_guest_agent': 'True'},
            '2023-06-10T12:00:00Z')], images)
        proxied = self.requests_to(NOVA + '/images/detail')
        self.assertEqual(2, len(proxied))
        self.assertEqual('compute 2.35',
                         proxied[0].headers['OpenStack-API-Version'])

    def test_listing_errors_are_provider_errors(self):
        self.http.get(GLANCE + '/v2/images', status_code=503,
                      text='<html><h1>Service Unavailable</h1></html>')
        self.http.get(NOVA + '/flavors/detail', status_code=500,
                      json={'computeFault': {'message': 'boom',
                                             'code': 500}})
        provider = self.provider()
        error = self.assertRaises(base.ProviderError, provider.list_images)
        self.assertTrue(str(error).startswith('listing images: '), error)
        error = self.assertRaises(base.ProviderError, provider.list_flavors)
        self.assertEqual('listing flavors: boom (HTTP 500)', str(error))


class TestServers(NovaTestCase):

    def test_key_pair_import_replaces_a_leftover(self):
        self.http.register_uri('POST', NOVA + '/os-keypairs', [
            {'status_code': 409, 'json': {'conflictingRequest': {
                'code': 409, 'message': 'Key pair oms-1 already exists.'}}},
            {'json': {'keypair': {'name': 'oms-1'}}}])
        self.http.delete(NOVA + '/os-keypairs/oms-1', status_code=202)

        private_key = self.provider().create_keypair('oms-1')

        self.assertIn('BEGIN OPENSSH PRIVATE KEY', private_key)
        calls = [(r.method, r.path) for r in self.requests_to(
            NOVA + '/os-keypairs')]
        self.assertEqual([('POST', '/v2.1/os-keypairs'),
                          ('DELETE', '/v2.1/os-keypairs/oms-1'),
                          ('POST', '/v2.1/os-keypairs')], calls)
        body = self.requests_to(NOVA + '/os-keypairs', 'POST')[-1].json()
        self.assertTrue(
            body['keypair']['public_key'].startswith('ssh-ed25519 '))
        self.assertNotIn('PRIVATE', json.dumps(body))

    def test_boot_request(self):
        self.http.post(NOVA + '/servers', status_code=202, json={
            'server': {'id': SERVER_ID, 'adminPass': 'x'}})
        self.http.get(NEUTRON + '/v2.0/networks', json={'networks': [
            {'id': 'ext', 'router:external': True, 'shared': True},
            {'id': 'theirs', 'project_id': 'other'},
            {'id': 'mine', 'project_id': PROJECT_ID},
        ]})

        server = self.provider().boot('oms-1', IMAGE_ID, '1', 'oms-1',
                                      {'openmultistack_queue_id': '1'})

        self.assertEqual((SERVER_ID, base.BUILD), (server.id, server.status))
        [request] = self.requests_to(NOVA + '/servers', 'POST')
        body = request.json()['server']
        self.assertEqual(
            {'name': 'oms-1', 'imageRef': IMAGE_ID, 'flavorRef': '1',
             'key_name': 'oms-1', 'min_count': 1, 'max_count': 1,
             'metadata': {'openmultistack_queue_id': '1'},
             'networks': [{'uuid': 'mine'}]}, body)

    def test_admin_password_never_reaches_the_log(self):
        logs = self.useFixture(fixtures.FakeLogger(level=logging.DEBUG))
        self.http.post(NOVA + '/servers', status_code=202, json={
            'server': {'id': SERVER_ID, 'adminPass': 'Admin-Pass-9'}},
            headers={'Content-Type': 'application/json'})
        self.provider().boot('oms-1', IMAGE_ID, '1', 'oms-1', {})
        self.assertNotIn('Admin-Pass-9', logs.output)
        self.assertNotIn(PASSWORD, logs.output)

    def test_boot_without_networks(self):
        self.http.post(NOVA + '/servers', status_code=202,
                       json={'server': {'id': SERVER_ID}})
        self.provider().boot('oms-1', IMAGE_ID, '1', 'oms-1', {})
        [request] = self.requests_to(NOVA + '/servers', 'POST')
        self.assertEqual('none', request.json()['server']['networks'])

    def test_quota(self):
        self.http.post(NOVA + '/servers', status_code=403, json={
            'forbidden': {'code': 403, 'message': 'Quota exceeded for '
                          'instances: Requested 1, but already used 10 of '
                          '10 instances'}})
        exc = self.assertRaises(base.QuotaExceeded, self.provider().boot,
                                'oms-1', IMAGE_ID, '1', 'oms-1', {})
        self.assertIn('booting oms-1: Quota exceeded for instances', str(exc))

    def test_get_reads_address_and_fault(self):
        self.http.get(NOVA + '/servers/' + SERVER_ID, json=server_body(
            addresses={'net': [
                {'addr': '203.0.113.9', 'version': 4,
                 'OS-EXT-IPS:type': 'floating'},
                {'addr': '2001:db8::5', 'version': 6,
                 'OS-EXT-IPS:type': 'fixed'},
                {'addr': '10.0.0.5', 'version': 4,
                 'OS-EXT-IPS:type': 'fixed'}]}))
        server = self.provider().get(SERVER_ID)
        self.assertEqual(('ACTIVE', '10.0.0.5', 'oms-1'),
                         (server.status, server.ip_addr, server.key_name))
        self.http.get(NOVA + '/servers/' + SERVER_ID, json=server_body(
            'ERROR', fault={'code': 500, 'message': 'No valid host was '
                            'found.<br />\nThere are not enough hosts.'}))
        server = self.provider().get(SERVER_ID)
        self.assertEqual(
            'No valid host was found. There are not enough hosts.',
            server.fault)

    def test_gone_servers(self):
        self.http.get(NOVA + '/servers/' + SERVER_ID,
                      json=server_body('DELETED'))
        self.assertRaises(base.NotFound, self.provider().get, SERVER_ID)
        self.http.get(NOVA + '/servers/' + SERVER_ID, status_code=404,
                      json={'itemNotFound': {'code': 404,
                                             'message': 'not found'}})
        self.assertRaises(base.NotFound, self.provider().get, SERVER_ID)

    def test_deleting_what_is_gone_is_fine(self):
        self.http.delete(NOVA + '/servers/' + SERVER_ID, status_code=404,
                         json={'itemNotFound': {'code': 404,
                                                'message': 'gone'}})
        self.http.delete(NOVA + '/os-keypairs/oms-1', status_code=404,
                         json={'itemNotFound': {'code': 404,
                                                'message': 'gone'}})
        provider = self.provider()
        provider.delete_server(SERVER_ID)
        provider.delete_keypair('oms-1')
        self.assertEqual(2, len(self.requests_to(NOVA, 'DELETE')))

    def test_find_servers_by_metadata(self):
        other = dict(server_body()['server'], id='other', metadata={})
        self.http.get(NOVA + '/servers/detail', json={
            'servers': [server_body()['server'], other]})
        # novaclient pages on until a page comes back empty.
        self.http.get(NOVA + '/servers/detail?marker=other',
                      json={'servers': []})
        found = self.provider().find_servers_by_metadata(
            base.QUEUE_ID_METADATA_KEY, '1')
        self.assertEqual([SERVER_ID], [s.id for s in found])


class TestFailures(NovaTestCase):

    def test_unreachable(self):
        self.http.get(NOVA + '/flavors/detail',
                      exc=requests.exceptions.ConnectionError(
                          "HTTPConnectionPool(host='nova.test', port=80): "
                          "Max retries exceeded (Caused by "
                          "NewConnectionError('[Errno 111] Connection "
                          "refused'))"))
        exc = self.assertRaises(base.ProviderUnreachable,
                                self.provider().find_flavor, None)
        self.assertEqual(
            'looking up flavor (default): cannot connect to '
            'http://nova.test/v2.1/flavors/detail (Connection refused)',
            str(exc))

    def test_timeout(self):
        self.http.get(NOVA + '/flavors/detail',
                      exc=requests.exceptions.ReadTimeout('read timed out'))
        self.assertRaises(base.ProviderTimeout,
                          self.provider().find_flavor, None)

    def test_client_errors_are_refusals_server_errors_not(self):
        self.http.post(NOVA + '/servers', [
            {'status_code': 400, 'json': {'badRequest': {
                'message': 'Invalid imageRef provided.', 'code': 400}}},
            {'status_code': 503, 'json': {'computeFault': {
                'message': 'try later', 'code': 503}}}])
        provider = self.provider()
        exc = self.assertRaises(base.Refused, provider.boot, 'oms-1',
                                IMAGE_ID, '1', 'oms-1', {})
        self.assertEqual('booting oms-1: Invalid imageRef provided. '
                         '(HTTP 400)', str(exc))
        exc = self.assertRaises(base.ProviderError, provider.boot, 'oms-1',
                                IMAGE_ID, '1', 'oms-1', {})
        self.assertNotIsInstance(exc, base.Refused)

    def test_server_error_is_one_line(self):
        self.http.get(NOVA + '/flavors/detail', status_code=500,
                      text='<html><body><h1>500 Internal Server Error</h1>'
                           '\n<p>broken</p></body></html>',
                      headers={'Content-Type': 'text/html'})
        exc = self.assertRaises(base.ProviderError,
                                self.provider().find_flavor, None)
        self.assertNotIn('\n', str(exc))
        self.assertNotIn('<', str(exc))
        self.assertIn('HTTP 500', str(exc))


class TestLimits(NovaTestCase):

    def test_absolute_limits(self):
        self.http.get(NOVA + '/limits', json={'limits': {'rate': [],
                                                         'absolute': {
            'maxTotalInstances': 10, 'totalInstancesUsed': 2,
            'maxTotalCores': 20, 'totalCoresUsed': 3,
            'maxTotalRAMSize': 51200, 'totalRAMUsed': 4096,
            'maxServerMeta': 128, 'maxTotalKeypairs': 100}}})
        self.assertEqual(base.Limits(instances_used=2, instances_max=10,
                                     cores_used=3, cores_max=20,
                                     ram_used=4096, ram_max=51200),
                         self.provider().limits())
        [request] = self.requests_to(NOVA + '/limits')
        self.assertEqual(TOKEN, request.headers['X-Auth-Token'])

    def test_unlimited_and_missing_figures(self):
        self.http.get(NOVA + '/limits', json={'limits': {'absolute': {
            'maxTotalInstances': -1, 'totalInstancesUsed': 7,
            'maxTotalCores': 4}}})
        self.assertEqual(base.Limits(instances_used=7, instances_max=-1,
                                     cores_used=0, cores_max=4,
                                     ram_used=0, ram_max=-1),
                         self.provider().limits())

    def test_failure_is_one_line(self):
        self.http.get(NOVA + '/limits', status_code=503,
                      json={'computeFault': {'code': 503,
                                             'message': 'down\nfor now'}})
        exc = self.assertRaises(base.ProviderError, self.provider().limits)
        self.assertTrue(str(exc).startswith('reading the limits: '),
                        str(exc))
        self.assertNotIn('\n', str(exc))
