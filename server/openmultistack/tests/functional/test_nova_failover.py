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

"""Failover between the two REAL Nova providers of the functional stack.

Each is a Nova deployment of its own (API, conductor, scheduler, compute
on the fake virt driver) behind the stack's Keystone; ``OMS_STACK_FILE``
(``stack.json``, exported by ``tools/stack/with-stack.sh``) names them and
the command that stops one's API. Without it the test fails: it runs in
the functional suite only.
"""

import json
import os
import subprocess

from openmultistack.db import models
from openmultistack.providers import base as provider_base
from openmultistack.tests.unit.worker import base

# The fields of an account, from stack.json's providers.
ACCOUNT_FIELDS = ('provider', 'driver', 'auth_url', 'username', 'password',
                  'tenant_name', 'region_name', 'user_domain_name',
                  'project_domain_name', 'version')


class TestNovaFailover(base.WorkerTestCase):

    def setUp(self):
        super().setUp()
        path = os.environ.get('OMS_STACK_FILE')
        if not path:
            self.fail('OMS_STACK_FILE is not set: run the functional '
                      'suite inside the stack (tools/stack/with-stack.sh)')
        with open(path) as stack_file:
            self.stack = json.load(stack_file)
        self.novas = [self.stack['nova'][name]
                      for name in sorted(self.stack['nova'])]
        self.accounts = [
            self.add_account(**{field: nova[field]
                                for field in ACCOUNT_FIELDS})
            for nova in self.novas]
        self.config.config(group='worker', status_poll_interval=0.2,
                           provider_timeout=10, boot_timeout=120)

    def stackctl(self, *args: str) -> None:
        result = subprocess.run(self.stack['stackctl'] + list(args),
                                capture_output=True, text=True)
        self.assertEqual(0, result.returncode,
                         'stackctl %s: %s' % (' '.join(args), result.stderr))

    def test_failover_when_a_provider_goes_down(self):
        self.start_worker()
        first = self.add_queue()
        entry = self.wait_for_status(first, models.RUN, models.FAILED)
        self.assertEqual(models.RUN, entry.status, entry.fault)
        self.assertEqual(self.accounts[0], entry.instance.account_id)
        nova_a = self.provider(self.accounts[0])
        self.addCleanup(nova_a.delete_keypair, entry.instance.key_name)
        self.addCleanup(nova_a.delete_server, entry.instance.instance_id)
        server = nova_a.get(entry.instance.instance_id)
        self.assertEqual(provider_base.ACTIVE, server.status)
        self.assertEqual(str(first), server.metadata[
            provider_base.QUEUE_ID_METADATA_KEY])

        # Provider a's API goes down for real.
        api = self.novas[0]['services']['api']
        self.stackctl('stop', api)
        self.addCleanup(self.stackctl, 'restart', api)
        second = self.add_queue()
        entry = self.wait_for_status(second, models.RUN, models.FAILED)

        self.assertEqual(models.RUN, entry.status, entry.fault)
        self.assertEqual(self.accounts[1], entry.instance.account_id)
        refusals = [desc for _, desc in self.events_of(second)
                    if 'refused' in desc]
        self.assertEqual(1, len(refusals), refusals)
        self.assertIn('provider nova-a refused', refusals[0])
        self.assertIn('cannot connect', refusals[0])

        # Destroying deletes the server and key pair on provider b.
        nova_b = self.provider(self.accounts[1])
        with self.session() as session:
            session.get(models.Queue, second).status = models.DESTROY
        self.wait_until_gone(second)
        # The entry goes once the server is gone, not merely asked to go.
        self.assertRaises(provider_base.NotFound, nova_b.get,
                          entry.instance.instance_id)
        self.assertNotIn(entry.instance.key_name,
                         [k.name for k in nova_b.nova.keypairs.list()])
