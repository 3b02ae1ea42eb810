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

"""Failover between two REAL Nova processes (tools/stack/nova_provider.py).

They run in the Nova venv built by ``tools/stack/install-nova.sh``
(``OMS_NOVA_VENV`` names it, as the functional stack does; default
``.stack/venvs/nova`` in the repository); without it the test fails.
Without Keystone, they are reached through the stack's ``nova-noauth``
driver (``tools/stack/providers``, installed by tox).
"""

import os
import pathlib
import signal
import socket
import subprocess
import time

import fixtures

from openmultistack.db import models
from openmultistack.providers import base as provider_base
from openmultistack.tests.unit.worker import base

REPO = str(pathlib.Path(__file__).resolve().parents[4])
NOVA_VENV = os.environ.get('OMS_NOVA_VENV') or os.path.join(
    os.environ.get('OMS_STACK_DIR') or os.path.join(REPO, '.stack'),
    'venvs', 'nova')
NOVA_PROVIDER = os.path.join(REPO, 'tools', 'stack', 'nova_provider.py')
START_PATIENCE = 180.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class NovaProcess:
    """One nova_provider.py process on a free port."""

    def __init__(self, workdir: str, name: str):
        self.port = free_port()
        self.ready_file = os.path.join(workdir, name + '.ready')
        self.log = open(os.path.join(workdir, name + '.log'), 'w')
        self.process = subprocess.Popen(
            [os.path.join(NOVA_VENV, 'bin', 'python'), NOVA_PROVIDER,
             '--port', str(self.port), '--ready-file', self.ready_file],
            stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)

    @property
    def endpoint(self) -> str:
        return 'http://127.0.0.1:%d/v2.1' % self.port

    def wait_ready(self) -> bool:
        deadline = time.monotonic() + START_PATIENCE
        while time.monotonic() < deadline:
            if os.path.exists(self.ready_file):
                return True
            if self.process.poll() is not None:
                return False
            time.sleep(0.2)
        return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class TestNovaFailover(base.WorkerTestCase):

    def setUp(self):
        super().setUp()
        if not os.path.exists(os.path.join(NOVA_VENV, 'bin', 'python')):
            self.fail('no Nova venv at %s: build it with '
                      'tools/stack/install-nova.sh' % NOVA_VENV)
        workdir = self.useFixture(fixtures.TempDir()).path
        self.novas = [NovaProcess(workdir, name) for name in ('a', 'b')]
        for nova in self.novas:
            self.addCleanup(nova.stop)
        for nova, name in zip(self.novas, 'ab'):
            if not nova.wait_ready():
                with open(os.path.join(workdir, name + '.log')) as log:
                    self.fail('nova %s did not start:\n%s'
                              % (name, log.read()[-3000:]))
        self.accounts = [
            self.add_account(provider='nova-%s' % name, driver='nova-noauth',
                             auth_url=nova.endpoint, username='oms',
                             tenant_name='proj-%s' % name, version='2')
            for nova, name in zip(self.novas, 'ab')]
        self.config.config(group='worker', status_poll_interval=0.2,
                           provider_timeout=10, boot_timeout=120)

    def test_failover_when_a_provider_goes_down(self):
        self.start_worker()
        first = self.add_queue()
        entry = self.wait_for_status(first, models.RUN, models.FAILED)
        self.assertEqual(models.RUN, entry.status, entry.fault)
        self.assertEqual(self.accounts[0], entry.instance.account_id)
        nova_a = self.provider(self.accounts[0])
        server = nova_a.get(entry.instance.instance_id)
        self.assertEqual(provider_base.ACTIVE, server.status)
        self.assertEqual(str(first), server.metadata[
            provider_base.QUEUE_ID_METADATA_KEY])

        # Provider a goes down for real.
        self.novas[0].stop()
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
        self.assertEqual([], nova_b.nova.keypairs.list())
