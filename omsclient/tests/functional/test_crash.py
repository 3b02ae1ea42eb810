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

from omsclient.tests.functional import base
from omsclient.tests.functional import compute

END_STATES = ('RUN', 'FAILED')


class WorkerCrashTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.require_providers()
        self.worker = self.stack['oms']['services']['worker']
        self.novas = {name: compute.client(self.stack, name)
                      for name in self.stack['nova']}

    def _servers(self, queue_id):
        return {name: compute.servers_of_queue(nova, queue_id)
                for name, nova in self.novas.items()}

    def test_sigkill_mid_boot(self):
        oms = self.python_client('member')
        entry = oms.queues.create()
        self.delete_at_cleanup(entry.id, 'oms-member')

        # Mid-boot: Nova has the server, the service has not seen it
        # ACTIVE yet (the stack's worker looks every two seconds).
        base.wait_for(lambda: any(self._servers(entry.id).values()),
                      120, 'a server tagged with entry %s' % entry.id,
                      interval=0.05)
        self.stackctl('kill', self.worker, '--signal', 'KILL')
        killed_at = oms.queues.get(entry.id).status
        self.stackctl('restart', self.worker)
        self.assertIn(killed_at, ('RECIVE', 'BOOT'),
                      'the worker ended the boot before it was killed')

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
