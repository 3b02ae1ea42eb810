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

"""The claiming thread renews the leases of the entries in progress."""

from concurrent import futures

from openmultistack.db import api as db_api
from openmultistack.db import models
from openmultistack.tests.unit.worker import base
from openmultistack.worker import service

WARNING = 'claim lost by worker'


class TestRenewal(base.WorkerTestCase):

    def renew(self, queue_id: int) -> None:
        """Renew while the job of ``queue_id`` has not ended yet."""
        self.config.config(group='worker', worker_id='w1')
        worker = service.WorkerService(base.CONF, db_api.get_sessionmaker())
        worker._jobs[queue_id] = futures.Future()
        worker._renew_if_due()

    def test_entry_released_by_its_job_is_not_lost(self):
        # The job set RUN and released the entry, and is about to end.
        self.renew(self.add_queue(status=models.RUN))
        self.assertNotIn(WARNING, self.logs.output)

    def test_deleted_entry_is_not_lost(self):
        self.renew(12345)
        self.assertNotIn(WARNING, self.logs.output)

    def test_entry_taken_by_another_worker_is_lost(self):
        queue_id = self.add_queue(status=models.BOOT, claimed_by='w2')
        self.renew(queue_id)
        self.assertIn('queue %d: %s w1' % (queue_id, WARNING),
                      self.logs.output)
