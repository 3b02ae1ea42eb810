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

"""Test base of the worker: fast options, simulated providers."""

import time
import typing

from omsstack_providers import hold

from openmultistack.conf import worker as worker_opts
from openmultistack.db import api as db_api
from openmultistack.db import models
from openmultistack import providers
from openmultistack.providers import simulated
from openmultistack.tests.unit import base
from openmultistack.worker import service

CONF = base.CONF
# How long a test waits for the worker to reach a state before it fails.
PATIENCE = 60.0


class WorkerTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        worker_opts.register_opts(CONF)
        self.config.config(group='worker', poll_interval=0.02,
                           status_poll_interval=0.02, lease_duration=30,
                           boot_timeout=30, graceful_shutdown_timeout=0,
                           provider_timeout=5, destroy_retry_interval=60)
        simulated.reset()
        self.addCleanup(simulated.reset)

    def add_sim_account(self, provider: str, tenant_name: str = 'demo',
                        boot_seconds: float = 0.05, **fields) -> int:
        """A simulated account; each provider name is its own cloud."""
        values = {'driver': models.DRIVER_SIMULATED,
                  'auth_url': 'simulated://%s?boot_seconds=%s'
                  % (provider, boot_seconds),
                  'tenant_name': tenant_name}
        values.update(fields)
        return self.add_account(provider=provider, **values)

    def provider(self, account_id: int):
        """A driver on the same (simulated) cloud as the account."""
        account = self.get_row(models.Account, account_id)
        return providers.get_provider(account, 5)

    def hold_at(self, *points: str, directory: str,
                seconds: typing.Optional[float] = None) -> None:
        """Hold these calls to the accounts of driver ``held``.

        See :mod:`omsstack_providers.hold`; the markers go to
        ``directory``.
        """
        hold.register_opts(CONF)
        self.config.config(group=hold.GROUP, hold_at=list(points),
                           marker_dir=directory, hold_seconds=seconds)

    def start_worker(self, worker_id: str = 'worker-1', **options):
        if options:
            self.config.config(group='worker', **options)
        self.config.config(group='worker', worker_id=worker_id)
        worker = service.WorkerService(CONF, db_api.get_sessionmaker())
        worker.start()
        self.addCleanup(self.stop_worker, worker)
        return worker

    def stop_worker(self, worker) -> None:
        worker.stop()
        self.assertTrue(worker.wait(PATIENCE), 'the worker did not stop')

    def queue(self, queue_id: int) -> typing.Optional[models.Queue]:
        return self.get_row(models.Queue, queue_id)

    def wait_for(self, predicate, what: str):
        """Poll ``predicate`` until it returns something true."""
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            time.sleep(0.02)
        self.fail('gave up waiting for %s' % what)

    def wait_for_status(self, queue_id: int, *statuses: str):
        def reached():
            entry = self.queue(queue_id)
            return entry if entry and entry.status in statuses else None
        return self.wait_for(reached, 'queue %d to reach %s'
                             % (queue_id, '/'.join(statuses)))

    def wait_until_gone(self, queue_id: int) -> None:
        self.wait_for(lambda: self.queue(queue_id) is None,
                      'queue %d to be deleted' % queue_id)

    def events_of(self, queue_id: int) -> list:
        with self.session() as session:
            return [(e.level, e.desc) for e in session.query(models.Event)
                    .filter_by(queue_id=queue_id).order_by(models.Event.id)]
