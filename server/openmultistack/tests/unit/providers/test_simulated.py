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

"""The simulated provider, key generation and driver loading."""

import json
import os

from cryptography.hazmat.primitives import serialization
import fixtures
from oslo_config import fixture as config_fixture

from openmultistack import conf
from openmultistack import providers
from openmultistack.providers import base
from openmultistack.providers import keys
from openmultistack.providers import nova
from openmultistack.providers import simulated
from openmultistack.tests.unit import base as test_base


class Account:
    """What the drivers read of an account row."""

    def __init__(self, **fields):
        self.driver = 'simulated'
        self.provider = 'sim'
        self.auth_url = 'simulated://test?boot_seconds=0'
        self.username = 'user'
        self.password = 'Secret-Pass-1'
        self.tenant_name = 'demo'
        self.tenant_id = None
        self.region_name = 'RegionOne'
        self.version = '2'
        self.user_domain_name = 'Default'
        self.project_domain_name = 'Default'
        self.__dict__.update(fields)


class TestKeys(test_base.BaseTestCase):

    def test_key_pair_matches(self):
        private_key, public_key = keys.generate_keypair(keys.RSA)
        self.assertTrue(private_key.startswith(
            '-----BEGIN RSA PRIVATE KEY-----\n'))
        self.assertTrue(public_key.startswith('ssh-rsa '))
        key = serialization.load_pem_private_key(private_key.encode(), None)
        self.assertEqual(public_key, key.public_key().public_bytes(
            serialization.Encoding.OpenSSH,
            serialization.PublicFormat.OpenSSH).decode())

    def test_each_key_is_new(self):
        self.assertNotEqual(keys.generate_keypair()[0],
                            keys.generate_keypair()[0])


class TestLoading(test_base.BaseTestCase):

    def test_driver_by_name(self):
        provider = providers.get_provider(Account(), timeout=7)
        self.assertIsInstance(provider, simulated.SimulatedProvider)
        self.assertEqual(7, provider.timeout)
        self.assertEqual('sim', provider.name)

    def test_nova_is_the_default(self):
        provider = providers.get_provider(
            Account(driver=None, auth_url='http://nova.test/v2.1'), 3)
        self.assertIsInstance(provider, nova.NovaProvider)

    def test_unknown_driver(self):
        exc = self.assertRaises(base.ProviderError, providers.get_provider,
                                Account(driver='vmware'), 3)
        self.assertIn("'vmware'", str(exc))

    def test_credentials_hide_the_password(self):
        credentials = base.Credentials.from_account(Account())
        self.assertEqual('Secret-Pass-1', credentials.password)
        self.assertEqual('demo', credentials.tenant_name)
        self.assertEqual('', credentials.tenant_id)
        self.assertNotIn('Secret-Pass-1', repr(credentials))


class TestSimulatedProvider(test_base.BaseTestCase):

    def setUp(self):
        super().setUp()
        simulated.reset()
        self.addCleanup(simulated.reset)

    def provider(self, **fields):
        return providers.get_provider(Account(**fields), 5)

    def boot(self, provider, name='vm', metadata=None):
        provider.create_keypair('key')
        return provider.boot(name, provider.find_image(None),
                             provider.find_flavor(None), 'key',
                             metadata or {})

    def test_images_and_flavors(self):
        provider = self.provider()
        self.assertEqual(provider.find_image('cirros'),
                         provider.find_image(None))
        ubuntu = provider.find_image('ubuntu-24.04')
        self.assertEqual(ubuntu, provider.find_image(ubuntu))
        self.assertEqual('2', provider.find_flavor('m1.small'))
        self.assertEqual('1', provider.find_flavor(None))
        self.assertRaises(base.NotFound, provider.find_image, 'windows')
        self.assertRaises(base.NotFound, provider.find_flavor, 'huge')

    def test_flavors_of_several_sizes(self):
        flavors = self.provider().list_flavors()
        self.assertEqual(
            [('m1.tiny', 512, 1, 1, True), ('m1.small', 2048, 1, 20, True),
             ('m1.medium', 4096, 2, 40, True),
             ('m1.large', 8192, 4, 80, True),
             ('c1.reserved', 16384, 8, 160, False)],
            [(f.name, f.ram, f.vcpus, f.disk, f.is_public) for f in flavors])
        self.assertEqual(len(flavors), len({f.id for f in flavors}))

    def test_images_with_properties(self):
        images = {image.name: image
                  for image in self.provider().list_images()}
        self.assertEqual({'os_distro': 'ubuntu', 'os_version': '24.04'},
                         images['ubuntu-24.04'].properties)
        self.assertEqual('debian', images['debian-12'].properties[
            'os_distro'])
        self.assertEqual('0.6', images['cirros'].properties['os_version'])
        self.assertEqual('deactivated', images['ubuntu-20.04'].status)
        newest = max((i for i in images.values() if i.status == 'active'),
                     key=lambda image: image.created_at)
        self.assertEqual('ubuntu-24.04', newest.name)

    def test_inactive_image_is_refused_at_boot(self):
        provider = self.provider()
        provider.create_keypair('key')
        self.assertRaises(base.ProviderError, provider.boot, 'vm',
                          provider.find_image('ubuntu-20.04'), '1', 'key', {})

    def test_boot_seconds_option_and_its_override(self):
        config = self.useFixture(config_fixture.Config(conf.CONF))
        config.config(group='simulated', boot_seconds=3600)
        provider = self.provider(auth_url='simulated://slow')
        self.assertEqual(3600, provider.boot_seconds)
        self.assertEqual(base.BUILD, provider.get(self.boot(provider).id)
                         .status)
        self.assertEqual(0, self.provider().boot_seconds)
        self.assertEqual(3600, self.provider(
            auth_url='simulated://x?boot_seconds=soon').boot_seconds)
        self.assertEqual(0, self.provider(
            auth_url='simulated://x?boot_seconds=-5').boot_seconds)

    def test_boot_builds_then_runs_with_test_net_addresses(self):
        provider = self.provider(
            auth_url='simulated://test?boot_seconds=3600')
        first = self.boot(provider, metadata={'k': 'v'})
        self.assertEqual(base.BUILD, first.status)
        self.assertEqual('', provider.get(first.id).ip_addr)
        instant = self.provider()
        second = self.boot(instant)
        third = self.boot(instant)
        self.assertEqual(base.ACTIVE, instant.get(second.id).status)
        # Each simulated cloud numbers its servers from 192.0.2.1.
        self.assertEqual(['192.0.2.1', '192.0.2.2'],
                         [instant.get(s.id).ip_addr for s in (second,
                                                              third)])

    def test_accounts_of_one_cloud_share_it(self):
        server = self.boot(self.provider(), metadata={'q': '1'})
        again = self.provider()
        self.assertEqual([server.id],
                         [s.id for s in again.find_servers_by_metadata(
                             'q', '1')])
        self.assertEqual([], again.find_servers_by_metadata('q', '2'))
        self.assertEqual([], self.provider(
            tenant_name='other').find_servers_by_metadata('q', '1'))

    def test_delete(self):
        provider = self.provider()
        server = self.boot(provider)
        provider.delete_server(server.id)
        provider.delete_server(server.id)
        provider.delete_keypair('key')
        provider.delete_keypair('key')
        self.assertRaises(base.NotFound, provider.get, server.id)
        self.assertFalse(provider.has_keypair('key'))

    def test_servers_file(self):
        path = self.servers_file()
        provider = self.provider()
        first = self.boot(provider, name='one', metadata={'q': '1'})
        other = self.provider(tenant_name='other')
        second = self.boot(other, name='two')
        provider.delete_server(first.id)
        servers = simulated.read_servers_file(path)
        self.assertEqual([dict(
            id=second.id, name='two', key_name='key', metadata={},
            ip_addr='192.0.2.1', status='ACTIVE', ram=512, vcpus=1,
            auth_url='simulated://test?boot_seconds=0',
            tenant_name='other', region_name='RegionOne')], servers)
        # Nothing but the record is left in its directory.
        self.assertEqual(['servers.json'],
                         os.listdir(os.path.dirname(path)))

    def test_servers_file_appends_a_line_per_change(self):
        path = self.servers_file()
        provider = self.provider()
        first = self.boot(provider, name='one')
        with open(path) as record:
            self.assertEqual(1, len(record.readlines()))
        servers = [self.boot(provider, name='n%d' % i) for i in range(5)]
        provider.delete_server(first.id)
        provider.delete_server(first.id)  # gone already: nothing written
        with open(path) as record:
            lines = record.readlines()
        # One line each, whatever the number of servers already held.
        self.assertEqual(7, len(lines))
        self.assertEqual({'id': first.id, 'deleted': True},
                         json.loads(lines[-1]))
        self.assertEqual([s.id for s in servers], [
            item['id'] for item in simulated.read_servers_file(path)])
        # A line cut short by a crash while it was written is left out.
        with open(path, 'a') as record:
            record.write('{"id": "half')
        self.assertEqual(5, len(simulated.read_servers_file(path)))
        # A new process loads the servers, and its first record
        # replaces the file with one line per server.
        simulated.reset()
        again = self.provider()
        again.delete_server(servers[0].id)
        with open(path) as record:
            self.assertEqual(4, len(record.readlines()))
        self.assertEqual([s.id for s in servers[1:]], [
            item['id'] for item in simulated.read_servers_file(path)])

    def test_servers_file_of_an_earlier_release_is_read(self):
        # One JSON document, rewritten at each change, without a newline.
        path = self.servers_file()
        kept = dict(
            id='s1', name='kept', key_name='key', metadata={'q': '1'},
            ip_addr='192.0.2.7', status='ACTIVE', ram=512, vcpus=1,
            auth_url='simulated://test?boot_seconds=0',
            tenant_name='demo', region_name='RegionOne')
        with open(path, 'w') as record:
            json.dump({'servers': [kept]}, record, sort_keys=True)
        self.assertEqual([kept], simulated.read_servers_file(path))
        provider = self.provider()
        self.assertEqual('192.0.2.7', provider.get('s1').ip_addr)
        # The first record writes the file in today's form.
        self.boot(provider)
        self.assertEqual(2, len(simulated.read_servers_file(path)))
        with open(path) as record:
            self.assertNotIn('"servers"', record.read())

    def servers_file(self) -> str:
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'servers.json')
        self.useFixture(config_fixture.Config(conf.CONF)).config(
            group='simulated', servers_file=path)
        return path

    def test_servers_file_is_loaded_by_a_new_process(self):
        path = self.servers_file()
        url = 'simulated://test?boot_seconds=0&instances=3'
        kept = self.boot(self.provider(auth_url=url), name='kept',
                         metadata={'q': '1'})
        gone = self.boot(self.provider(auth_url=url), name='gone')
        failing = self.provider(tenant_name='error')
        broken = self.boot(failing)

        simulated.reset()
        provider = self.provider(auth_url=url)
        self.assertEqual(base.Server(
            id=kept.id, name='kept', status=base.ACTIVE,
            ip_addr='192.0.2.1', key_name='key', fault='',
            metadata={'q': '1'}), provider.get(kept.id))
        self.assertEqual([kept.id], [
            server.id for server in provider.find_servers_by_metadata(
                'q', '1')])
        self.assertEqual(base.ERROR, self.provider(
            tenant_name='error').get(broken.id).status)
        limits = provider.limits()
        self.assertEqual((2, 3, 1024), (limits.instances_used,
                                        limits.instances_max,
                                        limits.ram_used))
        # Deleting it deletes the server, in memory and in the record.
        provider.delete_server(gone.id)
        self.assertRaises(base.NotFound, provider.get, gone.id)
        self.assertEqual({kept.id, broken.id}, {
            server['id'] for server in simulated.read_servers_file(path)})
        # A new server takes an address none of the loaded ones has.
        self.assertEqual('192.0.2.3', self.boot(provider).ip_addr)

    def test_servers_file_directory_made_or_its_failure_a_warning(self):
        # As openmultistack-all's default, in a state directory that a
        # deployment on PostgreSQL never made.
        root = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(root, 'state', 'servers.json')
        self.useFixture(config_fixture.Config(conf.CONF)).config(
            group='simulated', servers_file=path)
        server = self.boot(self.provider())
        self.assertEqual([server.id], [
            item['id'] for item in simulated.read_servers_file(path)])
        # A place no file can be made: the boot still succeeds.
        blocker = os.path.join(root, 'a-file')
        open(blocker, 'w').close()
        self.useFixture(config_fixture.Config(conf.CONF)).config(
            group='simulated',
            servers_file=os.path.join(blocker, 'servers.json'))
        logger = self.useFixture(fixtures.FakeLogger())
        self.assertEqual(base.ACTIVE, self.boot(self.provider()).status)
        self.assertIn('Simulated servers not recorded in %s' % os.path.join(
            blocker, 'servers.json'), logger.output)

    def test_unreadable_servers_file(self):
        path = self.servers_file()
        with open(path, 'w') as record:
            record.write('{"id": "1"}\n')
        logger = self.useFixture(fixtures.FakeLogger())
        provider = self.provider()
        self.assertEqual(0, provider.limits().instances_used)
        self.assertIn('Simulated servers not loaded: %s is not a servers '
                      'record (KeyError' % path, logger.output)
        self.boot(provider)
        self.assertEqual(1, len(simulated.read_servers_file(path)))

    def test_boot_needs_the_key_pair(self):
        provider = self.provider()
        self.assertRaises(base.ProviderError, provider.boot, 'vm',
                          provider.find_image(None), '1', 'nokey', {})

    def test_failure_modes(self):
        for field in ('tenant_name', 'region_name'):
            self.assertRaises(base.ProviderError,
                              self.provider(**{field: 'fail'}).find_image,
                              None)
            self.assertRaises(
                base.ProviderUnreachable,
                self.provider(**{field: 'unreachable'}).find_flavor, None)
        self.assertRaises(base.QuotaExceeded, self.boot,
                          self.provider(tenant_name='quota'))
        lossy = self.provider(tenant_name='timeout')
        self.assertRaises(base.ProviderTimeout, self.boot, lossy,
                          metadata={'q': '1'})
        self.assertEqual(1, len(lossy.find_servers_by_metadata('q', '1')))
        failing = self.provider(tenant_name='error')
        server = failing.get(self.boot(failing).id)
        self.assertEqual(base.ERROR, server.status)
        self.assertIn('no valid host', server.fault)
        stuck = self.provider(tenant_name='stuck')
        self.assertEqual(base.BUILD, stuck.get(self.boot(stuck).id).status)


class TestSimulatedQuotas(test_base.BaseTestCase):

    def setUp(self):
        super().setUp()
        simulated.reset()
        self.addCleanup(simulated.reset)
        self.config = self.useFixture(config_fixture.Config(conf.CONF))

    def provider(self, query='', **fields):
        url = 'simulated://quota-test?boot_seconds=0' + query
        return providers.get_provider(Account(auth_url=url, **fields), 5)

    def boot(self, provider, flavor='m1.tiny'):
        provider.create_keypair('key')
        return provider.boot('vm', provider.find_image(None),
                             provider.find_flavor(flavor), 'key', {})

    def test_no_limit_by_default(self):
        provider = self.provider()
        self.boot(provider)
        self.assertEqual(base.Limits(instances_used=1, instances_max=-1,
                                     cores_used=1, cores_max=-1,
                                     ram_used=512, ram_max=-1),
                         provider.limits())

    def test_quotas_from_the_auth_url_count_every_server(self):
        provider = self.provider('&instances=3&cores=20&ram=4096')
        self.boot(provider, 'm1.small')
        erroring = self.provider('&instances=3&cores=20&ram=4096',
                                 region_name='error')
        self.boot(erroring)
        self.assertEqual(base.Limits(instances_used=1, instances_max=3,
                                     cores_used=1, cores_max=20,
                                     ram_used=2048, ram_max=4096),
                         provider.limits())
        # Another simulated cloud has its own.
        self.assertEqual(1, erroring.limits().instances_used)

    def test_boot_over_quota_is_refused(self):
        provider = self.provider('&instances=5&ram=2560')
        server = self.boot(provider, 'm1.small')
        exc = self.assertRaises(base.QuotaExceeded, self.boot, provider,
                                'm1.small')
        self.assertEqual('simulated quota exceeded: ram (2048 of 2560 '
                         'used, 2048 requested)', str(exc))
        self.boot(provider, 'm1.tiny')
        provider.delete_server(server.id)
        self.boot(provider, 'm1.small')
        self.assertEqual(2, provider.limits().instances_used)

    def test_defaults_from_the_options_and_bad_figures(self):
        self.config.config(group='simulated', instances_quota=1,
                           cores_quota=8, ram_quota=1024)
        provider = self.provider('&cores=many')
        limits = provider.limits()
        self.assertEqual((1, 8, 1024), (limits.instances_max,
                                        limits.cores_max, limits.ram_max))
        self.boot(provider)
        self.assertRaises(base.QuotaExceeded, self.boot, provider)
        self.assertEqual('instances 1 of 1 used',
                         provider.limits().shortage(simulated.FLAVORS[0]))

    def test_failure_modes_apply(self):
        self.assertRaises(base.ProviderUnreachable,
                          self.provider(tenant_name='unreachable').limits)
