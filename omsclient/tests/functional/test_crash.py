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

"""The worker killed in the middle of a boot leaves nothing behind."""

import os
import signal

import fixtures

from omsclient.tests.functional import base
from omsclient.tests.functional import compute
from omsclient.tests.functional import deployment

END_STATES = ('RUN', 'FAILED')


class WorkerCrashTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.require_providers()
        self.worker = self.stack['oms']['services']['worker']
        self.novas = {name: compute.client(self.stack, name)
                      for name in self.stack['nova']}
        self.markers = self.useFixture(fixtures.TempDir()).path
        self.held: list[tuple] = []

    def _hold_boots(self) -> deployment.Process:
        """Replace the stack's worker by one that stops mid-boot.

        The same service (its configuration, Keystone, PostgreSQL), its
        Nova accounts served through the tests' ``held`` driver (fault
        injection, ``tools/stack/providers``) until :meth:`_release`:
        its first look at each booted server holds, once the server is
        recorded on the entry (``BOOT``) and Nova builds it, for the
        provider timeout. The kill lands mid-boot however slow the
        machine is.
        """
        admin = self.python_client('admin')
        drivers = set()
        for account in admin.accounts.list():
            if account.provider in self.stack['nova']:
                drivers.add(account.driver)
                admin.accounts.update(account.id,
                                      driver=deployment.HELD_DRIVER)
                self.addCleanup(admin.accounts.update, account.id,
                                driver=account.driver)
                self.held.append((account.id, account.driver))
        [driver] = drivers
        hold = os.path.join(self.markers, 'hold.conf')
        with open(hold, 'w') as conf:
            conf.write(deployment.hold_conf(driver, ['first-get'],
                                            self.markers))
        self.stackctl('stop', self.worker)
        self.restart_at_cleanup(self.worker)
        worker = deployment.Process('held-worker', [
            base.executable('openmultistack-worker'),
            '--config-file', self.stack['oms']['config'],
            '--config-file', hold], os.path.join(self.markers, 'worker.log'))
        self.addCleanup(worker.stop)
        return worker

    def _release(self) -> None:
        """The Nova accounts back to their own driver."""
        admin = self.python_client('admin')
        for account_id, driver in self.held:
            admin.accounts.update(account_id, driver=driver)

    def _servers(self, queue_id):
        return {name: compute.servers_of_queue(nova, queue_id)
                for name, nova in self.novas.items()}

    def test_sigkill_mid_boot(self):
        worker = self._hold_boots()
        oms = self.python_client('member')
        entry = oms.queues.create()
        self.delete_at_cleanup(entry.id, 'oms-member')

        held = os.path.join(self.markers, 'first-get-%d.json' % entry.id)
        base.wait_for(lambda: os.path.exists(held), 120,
                      'the worker to hold entry %s mid-boot' % entry.id,
                      interval=0.1)
        worker.kill(signal.SIGKILL)
        worker.wait(60)
        self.assertEqual('BOOT', oms.queues.get(entry.id).status)
        self.assertTrue(any(self._servers(entry.id).values()))
        # The stack's own worker, with the accounts' own driver, takes the
        # entry over once the dead worker's lease has expired.
        self._release()
        self.stackctl('restart', self.worker)

        # No entry stuck: it reaches an end state once its lease expires.
        def ended():
            current = oms.queues.get(entry.id)
            return current if current.status in END_STATES else None

        final = base.wait_for(ended, 300,
                              'entry %s to reach RUN or FAILED' % entry.id)
        shown = self.openstack_json('multistack queue show %s' % entry.id,
                                    cloud='oms-member')
        self.assertEqual(final.status, shown['Status'])

        # No orphan: exactly the recorded server exists, on one provider.
        servers = self._servers(entry.id)
        tagged = [s for found in servers.values() for s in found]
        if final.status == 'RUN':
            self.assertEqual([shown['Instance']['instance_id']],
                             [s.id for s in tagged])
        else:
            self.assertEqual([], tagged)

        self.openstack('multistack queue delete --wait --timeout 300 %s'
                       % entry.id, cloud='oms-member')
        self.assertEqual([], [s for found in self._servers(entry.id).values()
                              for s in found])
