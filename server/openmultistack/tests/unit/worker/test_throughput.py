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

"""Many entries at once: the polling schedule, the claim loop, the locks.

Nothing here measures a speed (``tox -e bench`` does): the tests check
what the worker does, e.g. how long it pauses, not how fast it is.
"""

import itertools
import os
import threading
import time

from cryptography.hazmat.primitives import serialization
import fixtures
import sqlalchemy as sa

from openmultistack.db import api as db_api
from openmultistack.db import models
from openmultistack.providers import keys
from openmultistack.tests.unit import base as unit_base
from openmultistack.tests.unit.worker import base
from openmultistack.worker import backoff
from openmultistack.worker import claims
from openmultistack.worker import context as worker_context
from openmultistack.worker import service


def first(iterator, count):
    return list(itertools.islice(iterator, count))


class TestBackoff(unit_base.TestCase):

    def test_grows_by_half_up_to_the_longest(self):
        pauses = backoff.delays(0.5, 2.0, rand=lambda: 0.0)
        self.assertEqual([0.5, 0.75, 1.125, 1.6875, 2.0, 2.0, 2.0],
                         first(pauses, 7))

    def test_first_is_no_longer_than_the_longest(self):
        self.assertEqual([0.02, 0.02],
                         first(backoff.delays(0.5, 0.02, rand=lambda: 0.0),
                               2))

    def test_jitter_shortens_by_up_to_a_fifth(self):
        nominal = first(backoff.delays(0.5, 2.0, rand=lambda: 0.0), 6)
        shortest = first(backoff.delays(0.5, 2.0, rand=lambda: 1.0), 6)
        self.assertEqual([n * 0.8 for n in nominal], shortest)
        for pause, value in zip(backoff.delays(0.5, 2.0), nominal * 100):
            self.assertGreaterEqual(pause, value * 0.8)
            self.assertLessEqual(pause, value)
            if value == 2.0:
                break

    def test_pauses_of_entries_booted_together_differ(self):
        pauses = {next(backoff.delays(0.5, 2.0)) for _ in range(20)}
        self.assertGreater(len(pauses), 1)


class TestStatusPolling(base.WorkerTestCase):

    def test_a_building_server_is_looked_at_sooner_then_less_often(self):
        self.add_sim_account('sim-a', boot_seconds=0.5)
        queue_id = self.add_queue()
        pauses = []
        real_sleep = worker_context.Context.sleep

        def sleep(ctx, seconds):
            pauses.append(seconds)
            real_sleep(ctx, seconds)

        self.useFixture(fixtures.MockPatchObject(
            worker_context.Context, 'sleep', sleep))
        self.start_worker(status_poll_initial_interval=0.05,
                          status_poll_interval=0.2)
        self.wait_for_status(queue_id, models.RUN)

        nominal = first(backoff.delays(0.05, 0.2, rand=lambda: 0.0),
                        len(pauses))
        self.assertGreaterEqual(len(pauses), 3)
        for pause, value in zip(pauses, nominal):
            self.assertGreaterEqual(pause, value * 0.8)
            self.assertLessEqual(pause, value)

    def test_a_look_at_the_entry_does_not_wait_for_a_writer(self):
        queue_id = self.add_queue()
        ctx = worker_context.Context(
            sessionmaker=db_api.get_sessionmaker(), worker_id='w1',
            options=base.CONF.worker)
        with self.session() as writer:
            # An open write transaction: on SQLite it holds the write
            # lock until the end of the block.
            writer.execute(sa.update(models.Queue)
                           .where(models.Queue.id == queue_id)
                           .values(name='held'))
            done = threading.Event()

            def look():
                with ctx.reading() as session:
                    session.get(models.Queue, queue_id)
                done.set()

            thread = threading.Thread(target=look, daemon=True)
            thread.start()
            self.assertTrue(done.wait(base.PATIENCE / 4),
                            'the read waited for the write lock')


class TestClaimLoop(base.WorkerTestCase):

    def spy_on_claims(self):
        calls = []
        real_claim = claims.claim

        def claim(session, worker_id, lease, limit):
            new = real_claim(session, worker_id, lease, limit)
            calls.append((limit, len(new)))
            return new

        self.useFixture(fixtures.MockPatch(
            'openmultistack.worker.claims.claim', side_effect=claim))
        return calls

    def test_claims_every_free_slot_in_one_look(self):
        self.add_sim_account('stuck', tenant_name='stuck')
        queue_ids = [self.add_queue() for _ in range(5)]
        calls = self.spy_on_claims()
        worker = self.start_worker(max_concurrent_boots=8, boot_timeout=600)

        self.wait_for(lambda: worker.in_progress() == set(queue_ids),
                      'every entry claimed')
        self.assertEqual((8, 5), calls[0])

    def test_a_freed_slot_is_filled_without_waiting_for_the_poll(self):
        self.add_sim_account('sim-a', boot_seconds=0.05)
        queue_ids = [self.add_queue() for _ in range(3)]
        # Looks for new entries only every 30 s (the longest pause): each
        # entry after the first is claimed when the one before ends.
        self.start_worker(max_concurrent_boots=1, poll_interval=600,
                          lease_duration=3600)
        start = time.monotonic()
        for queue_id in queue_ids:
            self.wait_for_status(queue_id, models.RUN)
        self.assertLess(time.monotonic() - start, service.MAX_BACKOFF / 2)

    def test_nothing_to_claim_takes_no_write_transaction(self):
        calls = self.spy_on_claims()
        looks = []
        real_pending = claims.pending

        def pending(session):
            looks.append(1)
            return real_pending(session)

        self.useFixture(fixtures.MockPatch(
            'openmultistack.worker.claims.pending', side_effect=pending))
        self.start_worker()
        self.wait_for(lambda: len(looks) >= 5, 'five looks for entries')
        self.assertEqual([], calls)

        queue_id = self.add_queue()
        self.wait_for(lambda: calls, 'a claim')
        self.assertEqual(queue_id, self.wait_for_status(
            queue_id, models.RECIVE, models.BOOT, models.FAILED).id)


class TestKeyGeneration(unit_base.TestCase):

    def test_no_more_keys_at_once_than_cpus(self):
        running = []
        most = []
        lock = threading.Lock()
        real = keys.rsa.generate_private_key

        def generate(**kwargs):
            with lock:
                running.append(1)
                most.append(len(running))
            time.sleep(0.02)
            with lock:
                running.pop()
            return real(**dict(kwargs, key_size=1024))

        self.useFixture(fixtures.MockPatchObject(
            keys.rsa, 'generate_private_key', side_effect=generate))
        threads = [threading.Thread(target=keys.generate_keypair,
                                    args=(keys.RSA,))
                   for _ in range(3 * (os.cpu_count() or 1))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(len(threads), len(most))
        self.assertLessEqual(max(most), os.cpu_count() or 1)

    def test_keys_are_still_generated_whole(self):
        private_key, public_key = keys.generate_keypair(keys.RSA,
                                                        key_size=1024)
        self.assertTrue(private_key.startswith(
            '-----BEGIN RSA PRIVATE KEY-----'))
        self.assertTrue(public_key.startswith('ssh-rsa '))

    def test_ed25519_key_pair_in_the_openssh_forms(self):
        private_key, public_key = keys.generate_keypair(keys.ED25519)
        loaded = serialization.load_ssh_private_key(
            private_key.encode('ascii'), password=None)
        self.assertTrue(private_key.startswith(
            '-----BEGIN OPENSSH PRIVATE KEY-----'))
        self.assertEqual(public_key, loaded.public_key().public_bytes(
            serialization.Encoding.OpenSSH,
            serialization.PublicFormat.OpenSSH).decode('ascii'))
        self.assertTrue(public_key.startswith('ssh-ed25519 '))

    def test_unknown_key_type(self):
        self.assertRaises(ValueError, keys.generate_keypair, 'dsa')


class TestKeyTypeOption(base.WorkerTestCase):

    def test_worker_registers_and_hands_out_ed25519_by_default(self):
        account_id = self.add_sim_account('sim-a')
        queue_id = self.add_queue()
        self.start_worker()
        entry = self.wait_for_status(queue_id, models.RUN)

        private_key = serialization.load_ssh_private_key(
            entry.instance.key_raw.encode('ascii'), password=None)
        registered = self.provider(account_id)._cloud.keypairs[
            entry.instance.key_name]
        self.assertEqual(registered, private_key.public_key().public_bytes(
            serialization.Encoding.OpenSSH,
            serialization.PublicFormat.OpenSSH).decode('ascii'))
        self.assertTrue(registered.startswith('ssh-ed25519 '))

    def test_rsa_when_configured(self):
        account_id = self.add_sim_account('sim-a')
        queue_id = self.add_queue()
        self.start_worker(key_type='rsa')
        entry = self.wait_for_status(queue_id, models.RUN)
        self.assertTrue(entry.instance.key_raw.startswith(
            '-----BEGIN RSA PRIVATE KEY-----'))
        private_key = serialization.load_pem_private_key(
            entry.instance.key_raw.encode('ascii'), password=None)
        self.assertEqual(self.provider(account_id)._cloud.keypairs[
            entry.instance.key_name], private_key.public_key().public_bytes(
                serialization.Encoding.OpenSSH,
                serialization.PublicFormat.OpenSSH).decode('ascii'))

    def test_other_types_are_refused_by_the_option(self):
        self.assertRaises(ValueError, self.config.config, group='worker',
                          key_type='dsa')
