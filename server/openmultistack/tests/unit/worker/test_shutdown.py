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

"""The worker service: stopping (finish, or hand back) and resilience."""

import json
import os
import signal
import subprocess
import sys

import fixtures
from oslo_config import cfg
from oslo_db import exception as db_exc
import sqlalchemy as sa

from openmultistack import conf
from openmultistack.conf import worker as worker_opts
from openmultistack.db import api as db_api
from openmultistack.db import models
from openmultistack.providers import base as provider_base
from openmultistack.tests.unit.worker import base
from openmultistack.worker import boot
from openmultistack.worker import claims
from openmultistack.worker import service

# A worker process as the console script runs it: SIGTERM stops it.
WORKER_PROCESS = '''
import json, signal, sys
from oslo_config import cfg
from sqlalchemy import orm
import fixtures
from oslo_config import cfg
import sqlalchemy as sa

from openmultistack import conf as oms_conf
from openmultistack.db import api as db_api
from openmultistack.conf import worker as opts
from openmultistack.providers import simulated
from openmultistack.worker import service
# The keys that decrypt the secrets are the service's, as in the test.
oms_conf.CONF([])
oms_conf.CONF.set_override('key_repository', sys.argv[3], 'encryption')
conf = cfg.ConfigOpts()
opts.register_opts(conf)
conf([])
for name, value in json.loads(sys.argv[2]).items():
    conf.set_override(name, value, 'worker')
sessionmaker = orm.sessionmaker(bind=db_api.create_engine(sys.argv[1]))
worker = service.WorkerService(conf, sessionmaker)
signal.signal(signal.SIGTERM, lambda signum, frame: worker.stop())
worker.start()
print('started', flush=True)
while not worker.wait(0.1):
    pass
clouds = simulated._clouds.values()
print(json.dumps({'servers': sum(len(c.servers) for c in clouds),
                  'keypairs': sum(len(c.keypairs) for c in clouds)}))
'''


class TestShutdown(base.WorkerTestCase):

    def assertHandedBack(self, queue_id):
        entry = self.queue(queue_id)
        self.assertEqual(models.REQUEST, entry.status)
        self.assertIsNone(entry.claimed_by)
        self.assertIsNone(entry.lease_expires)
        self.assertIsNone(entry.instance)
        self.assertIn('handed back to the queue',
                      self.events_of(queue_id)[-1][1])

    def test_entries_in_progress_are_handed_back(self):
        account_id = self.add_sim_account('stuck', tenant_name='stuck')
        queue_id = self.add_queue()
        worker = self.start_worker(boot_timeout=600)
        self.wait_for_status(queue_id, models.BOOT)

        self.stop_worker(worker)

        self.assertHandedBack(queue_id)
        provider = self.provider(account_id)
        self.assertEqual([], provider.find_servers_by_metadata(
            provider_base.QUEUE_ID_METADATA_KEY, str(queue_id)))
        self.assertFalse(provider.has_keypair('oms-%d' % queue_id))
        # Another worker boots it, elsewhere.
        with self.session() as session:
            session.get(models.Account, account_id).status = (
                models.ACCOUNT_UNAVAILABLE)
        self.add_sim_account('good')
        self.start_worker('worker-2')
        self.wait_for_status(queue_id, models.RUN)

    def test_entries_in_progress_finish_within_the_grace_period(self):
        self.add_sim_account('slow', boot_seconds=0.5)
        queue_id = self.add_queue()
        worker = self.start_worker(graceful_shutdown_timeout=120)
        self.wait_for_status(queue_id, models.BOOT)

        self.stop_worker(worker)

        self.assertEqual(models.RUN, self.queue(queue_id).status)

    def test_sigterm_hands_back(self):
        self.add_sim_account('stuck', tenant_name='stuck')
        queue_id = self.add_queue()
        options = {'worker_id': 'process-1', 'poll_interval': 0.02,
                   'status_poll_interval': 0.02, 'boot_timeout': 600,
                   'graceful_shutdown_timeout': 0}
        process = subprocess.Popen(
            [sys.executable, '-c', WORKER_PROCESS,
             str(db_api.get_engine().url), json.dumps(options),
             conf.key_repository()],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env=dict(os.environ, PYTHONDONTWRITEBYTECODE='1'))
        self.addCleanup(process.kill)
        self.assertEqual('started\n', process.stdout.readline())
        entry = self.wait_for_status(queue_id, models.BOOT)
        self.assertEqual('process-1', entry.claimed_by)

        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=base.PATIENCE)

        self.assertEqual(0, process.returncode)
        self.assertEqual({'servers': 0, 'keypairs': 0}, json.loads(output))
        self.assertHandedBack(queue_id)

    def test_database_errors_do_not_stop_the_worker(self):
        self.add_sim_account('sim-a')
        queue_id = self.add_queue()
        real_claim = claims.claim
        failures = []

        def flaky_claim(*args, **kwargs):
            if len(failures) < 2:
                failures.append(1)
                raise sa.exc.OperationalError('SELECT', {},
                                              Exception('database is down'))
            return real_claim(*args, **kwargs)

        self.useFixture(fixtures.MonkeyPatch(
            'openmultistack.worker.claims.claim', flaky_claim))
        self.start_worker()
        self.wait_for_status(queue_id, models.RUN)
        self.assertEqual(2, len(failures))

    def test_leases_are_renewed_while_working(self):
        self.add_sim_account('stuck', tenant_name='stuck')
        queue_id = self.add_queue()
        self.start_worker('worker-1', lease_duration=6, boot_timeout=600,
                          poll_interval=60)
        expiries = [self.wait_for_status(queue_id,
                                         models.BOOT).lease_expires]
        # A second, eager worker (configured apart) is ready to take over
        # anything expired.
        eager = cfg.ConfigOpts()
        worker_opts.register_opts(eager)
        eager([])
        for name, value in (('worker_id', 'worker-2'),
                            ('poll_interval', 0.02), ('lease_duration', 6)):
            eager.set_override(name, value, 'worker')
        other = service.WorkerService(eager, db_api.get_sessionmaker())
        other.start()
        self.addCleanup(self.stop_worker, other)

        def renewed():
            entry = self.queue(queue_id)
            return entry if entry.lease_expires > expiries[-1] else None
        for _ in range(3):
            entry = self.wait_for(renewed, 'the lease to be renewed')
            expiries.append(entry.lease_expires)
            self.assertEqual(('worker-1', models.BOOT),
                             (entry.claimed_by, entry.status))

    def test_database_lost_during_a_boot_leaves_it_to_the_lease(self):
        account_id = self.add_sim_account('sim-a')
        queue_id = self.add_queue()
        record_boot = boot.BootJob._record_boot
        failures = []

        def lost_once(job, *args):
            if not failures:
                failures.append(job.queue_id)
                raise db_exc.DBConnectionError('connection lost')
            return record_boot(job, *args)
        self.useFixture(fixtures.MonkeyPatch(
            'openmultistack.worker.boot.BootJob._record_boot', lost_once))
        self.start_worker(lease_duration=3)

        self.wait_for_status(queue_id, models.RUN)
        self.assertEqual([queue_id], failures)
        self.assertNotIn(models.FAILED,
                         ' '.join(desc for _, desc in
                                  self.events_of(queue_id)))
        servers = self.provider(account_id).find_servers_by_metadata(
            provider_base.QUEUE_ID_METADATA_KEY, str(queue_id))
        self.assertEqual([self.queue(queue_id).instance.instance_id],
                         [server.id for server in servers])
