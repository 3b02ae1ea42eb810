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

"""Password auth through Keystone's catalog, a real server booted in Nova."""

import json
import os
import stat

from cryptography.hazmat.primitives import serialization
import fixtures

from omsclient.tests.functional import base
from omsclient.tests.functional import compute


class QueueLifecycleTest(base.TestCase):
    """create --wait, list, show, instance show, key save, delete --wait."""

    cloud = 'oms-member'

    def setUp(self):
        super().setUp()
        self.require_http(self.stack['oms']['api'] + '/api/',
                          'the multistack API')
        self.require_providers()

    def _create(self):
        entry = self.openstack_json(
            'multistack queue create --wait --timeout 300', cloud=self.cloud)
        self.delete_at_cleanup(entry['ID'], self.cloud)
        return entry

    def test_lifecycle(self):
        entry = self._create()
        self.assertEqual('RUN', entry['Status'])
        instance = entry['Instance']
        self.assertIsInstance(instance, dict)
        self.assertNotIn('key_raw', instance)
        provider = instance['account']['provider']
        self.assertIn(provider, self.stack['nova'])
        self.assertEqual(provider, entry['Provider'])

        # Nova itself has the server, ACTIVE, tagged with the entry.
        nova = compute.client(self.stack, provider)
        server = nova.servers.get(instance['instance_id'])
        self.assertEqual('ACTIVE', server.status)
        self.assertEqual(str(entry['ID']),
                         server.metadata[compute.QUEUE_METADATA_KEY])
        self.assertEqual(instance['key_name'], server.key_name)

        # list and show agree with create.
        listed = self.openstack_json('multistack queue list --long',
                                     cloud=self.cloud)
        row = [r for r in listed if r['ID'] == entry['ID']]
        self.assertEqual(1, len(row), listed)
        self.assertEqual('RUN', row[0]['Status'])
        self.assertEqual(instance['instance_id'], row[0]['Instance ID'])
        shown = self.openstack_json('multistack queue show %s' % entry['ID'],
                                    cloud=self.cloud)
        self.assertEqual(entry['Instance'], shown['Instance'])
        self.assertEqual(instance['ip_addr'], shown['IP Address'])

        shown_instance = self.openstack_json(
            'multistack instance show %s' % instance['id'], cloud=self.cloud)
        self.assertEqual(instance['instance_id'],
                         shown_instance['Instance ID'])
        self.assertEqual(entry['ID'], shown_instance['Queue ID'])
        self.assertEqual(provider, shown_instance['Account']['provider'])

        # Nothing printed so far carried the private key.
        for text in (json.dumps(entry), json.dumps(listed),
                     json.dumps(shown), json.dumps(shown_instance)):
            self.assertNotIn('PRIVATE KEY', text)

        self._check_private_key(instance, nova)

        # delete --wait: the entry, the server and the key pair are gone.
        self.openstack('multistack queue delete --wait --timeout 300 %s'
                       % entry['ID'], cloud=self.cloud)
        result = self.openstack('multistack queue show %s' % entry['ID'],
                                cloud=self.cloud, fail_ok=True)
        self.assertNotEqual(0, result.returncode)
        self.assertEqual([], compute.servers_of_queue(nova, entry['ID']))
        self.assertNotIn(instance['key_name'], compute.keypair_names(nova))

    def _check_private_key(self, instance, nova):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'key.pem')
        result = self.openstack(
            'multistack instance key save %s --file %s'
            % (instance['id'], path), cloud=self.cloud)
        self.assertNotIn('PRIVATE KEY', result.stdout + result.stderr)
        self.assertEqual(0o600, stat.S_IMODE(os.stat(path).st_mode))
        # The key is valid and belongs to the key pair Nova holds.
        with open(path, 'rb') as key_file:
            # Ed25519 in OpenSSH's form, the worker's default.
            private = serialization.load_ssh_private_key(
                key_file.read(), password=None)
        public = private.public_key().public_bytes(
            serialization.Encoding.OpenSSH,
            serialization.PublicFormat.OpenSSH).decode()
        keypair = nova.keypairs.get(instance['key_name'])
        self.assertEqual(keypair.public_key.split()[:2], public.split())
