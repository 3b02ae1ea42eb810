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

"""The worker service: claims queue entries and works on them in threads.

One claiming thread looks for entries that need a worker whenever the
pool has a free slot (at most ``[worker] max_concurrent_boots`` entries
at a time), renews the leases of the entries in progress, and on
:meth:`WorkerService.stop` stops claiming, lets the entries in progress
finish for ``[worker] graceful_shutdown_timeout`` seconds and then hands
the others back to the queue. Another thread checks every provider
account every ``[worker] provider_check_interval`` seconds (see
:mod:`openmultistack.worker.limits`).
"""

from concurrent import futures
import datetime
import os
import socket
import threading
import time
import typing

from oslo_log import log as logging
import sqlalchemy as sa
from sqlalchemy import orm

from openmultistack.conf import worker as worker_opts
from openmultistack.db import events
from openmultistack.db import models
from openmultistack.db import types
from openmultistack.worker import boot
from openmultistack.worker import claims
from openmultistack.worker import context as worker_context
from openmultistack.worker import destroy
from openmultistack.worker import limits

LOG = logging.getLogger(__name__)
# The longest pause between two attempts while the database fails.
MAX_BACKOFF = 30.0
# Seconds between two purges of the old events ([worker]
# event_max_age_days).
PURGE_INTERVAL = 3600.0


def default_worker_id() -> str:
    return '%s:%d' % (socket.gethostname(), os.getpid())


class WorkerService:
    """The boot worker, as threads of the calling process.

    :param conf: the configuration (default: ``openmultistack.conf.CONF``,
        already parsed).
    :param sessionmaker: database sessions (default: the service's own,
        from ``[database] connection``).
    """

    def __init__(self, conf=None,
                 sessionmaker: typing.Optional[orm.sessionmaker] = None):
        if conf is None:
            from openmultistack import conf as oms_conf
            conf = oms_conf.CONF
        if sessionmaker is None:
            from openmultistack.db import api as db_api
            sessionmaker = db_api.get_sessionmaker()
        # Idempotent: lets any ConfigOpts carry the worker's options.
        worker_opts.register_opts(conf)
        options = conf.worker
        self.options = options
        self.ctx = worker_context.Context(
            sessionmaker=sessionmaker,
            worker_id=options.worker_id or default_worker_id(),
            options=options)
        self._stopping = threading.Event()
        self._wakeup = threading.Event()
        self._lock = threading.Lock()
        self._jobs: dict[int, futures.Future] = {}
        self._executor: typing.Optional[futures.ThreadPoolExecutor] = None
        self._thread: typing.Optional[threading.Thread] = None
        self._checker: typing.Optional[threading.Thread] = None
        self._next_renewal = 0.0
        self._next_purge = 0.0

    @property
    def worker_id(self) -> str:
        return self.ctx.worker_id

    @property
    def lease(self) -> datetime.timedelta:
        return datetime.timedelta(seconds=self.options.lease_duration)

    def in_progress(self) -> set[int]:
        """The ids of the entries this worker is working on."""
        with self._lock:
            return set(self._jobs)

    def start(self) -> None:
        """Start the worker threads and return at once."""
        if self._thread is not None:
            raise RuntimeError('the worker was already started')
        self._executor = futures.ThreadPoolExecutor(
            max_workers=self.options.max_concurrent_boots,
            thread_name_prefix='oms-worker-job')
        self._thread = threading.Thread(target=self._loop,
                                        name='oms-worker', daemon=True)
        self._thread.start()
        if self.options.provider_check_interval:
            self._checker = threading.Thread(
                target=self._check_providers, name='oms-worker-providers',
                daemon=True)
            self._checker.start()

    def stop(self) -> None:
        """Ask the worker to stop; returns at once. Safe from signals."""
        self._stopping.set()
        self._wakeup.set()

    def wait(self, timeout: typing.Optional[float] = None) -> bool:
        """Wait for the worker to stop; return whether it has."""
        if self._thread is None:
            return True
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in (self._thread, self._checker):
            if thread is not None:
                thread.join(None if deadline is None
                            else max(deadline - time.monotonic(), 0))
        return not any(thread is not None and thread.is_alive()
                       for thread in (self._thread, self._checker))

    # -- the claiming thread -----------------------------------------------

    def _loop(self) -> None:
        LOG.info('Worker %s started (up to %d entries at a time)',
                 self.worker_id, self.options.max_concurrent_boots)
        failures = 0
        while not self._stopping.is_set():
            try:
                self._renew_if_due()
                self._claim()
                self._purge_if_due()
                failures = 0
            except Exception:
                # Most likely the database is unreachable: try again, less
                # and less often.
                failures += 1
                LOG.exception('Worker %s: claiming failed', self.worker_id)
            pause = min(MAX_BACKOFF, self.options.poll_interval *
                        2 ** min(failures, 10))
            # Wake up in time to renew the leases, whatever the interval.
            self._wakeup.wait(min(pause, self.options.lease_duration / 3.0))
            self._wakeup.clear()
        try:
            self._drain()
        finally:
            self._executor.shutdown(wait=True)
            LOG.info('Worker %s stopped', self.worker_id)

    def _claim(self) -> None:
        free = self.options.max_concurrent_boots - len(self.in_progress())
        if free <= 0:
            return
        with self.ctx.reading() as session:
            if not claims.pending(session):
                return
        with self.ctx.session() as session:
            new = claims.claim(session, self.worker_id, self.lease, free)
        for claim in new:
            job_class = (destroy.DestroyJob if claim.status == models.DESTROY
                         else boot.BootJob)
            job = job_class(self.ctx, claim)
            future = self._executor.submit(self._run_job, job)
            with self._lock:
                self._jobs[claim.queue_id] = future
            future.add_done_callback(
                lambda _f, queue_id=claim.queue_id: self._done(queue_id))

    @staticmethod
    def _run_job(job) -> None:
        try:
            job.run()
        except Exception:
            LOG.exception('queue %d: job failed', job.queue_id)

    def _done(self, queue_id: int) -> None:
        with self._lock:
            self._jobs.pop(queue_id, None)
        self._wakeup.set()

    def _renew_if_due(self) -> None:
        if time.monotonic() < self._next_renewal:
            return
        held = self.in_progress()
        if held:
            with self.ctx.session() as session:
                still = claims.renew(session, self.worker_id, held,
                                     self.lease)
                # The others were mostly released by their job, which has
                # not ended yet: only those another worker took are lost.
                lost = claims.taken(session, self.worker_id, held - still)
            for queue_id in sorted(lost):
                LOG.warning('queue %d: claim lost by worker %s',
                            queue_id, self.worker_id)
        self._next_renewal = (time.monotonic() +
                              self.options.lease_duration / 3.0)

    def _purge_if_due(self) -> None:
        """Delete the events older than ``event_max_age_days``, hourly.

        Their age is measured with the database's clock, which every
        worker shares: two workers purge the same events, never more.
        """
        days = self.options.event_max_age_days
        if not days or time.monotonic() < self._next_purge:
            return
        before = types.db_utcnow(-datetime.timedelta(days=days))
        purged = events.purge(before, self.ctx.sessionmaker)
        if purged:
            LOG.info('Worker %s: purged %d events older than %d days',
                     self.worker_id, purged, days)
        self._next_purge = time.monotonic() + PURGE_INTERVAL

    # -- the provider checking thread ----------------------------------------

    def _check_providers(self) -> None:
        """Check every account now and then, until the worker stops.

        A provider that does not answer holds this thread only, for the
        provider timeout: never the claiming nor the jobs.
        """
        while not self._stopping.is_set():
            try:
                with self.ctx.session() as session:
                    accounts = list(session.scalars(
                        sa.select(models.Account)
                        .order_by(models.Account.id)))
                for account in accounts:
                    if self._stopping.is_set():
                        break
                    limits.check(self.ctx, account)
            except Exception:
                LOG.exception('Worker %s: checking the providers failed',
                              self.worker_id)
            self._stopping.wait(self.options.provider_check_interval)

    def _drain(self) -> None:
        """Let jobs finish, then hand back the ones still running."""
        deadline = time.monotonic() + self.options.graceful_shutdown_timeout
        period = self.options.lease_duration / 3.0
        while True:
            with self._lock:
                running = list(self._jobs.values())
            if not running:
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0 and not self.ctx.abort.is_set():
                LOG.info('Worker %s: handing back %d entries in progress',
                         self.worker_id, len(running))
                self.ctx.abort.set()
            try:
                self._renew_if_due()
            except Exception:
                LOG.exception('Worker %s: renewing leases failed',
                              self.worker_id)
            timeout = period if remaining <= 0 else min(remaining, period)
            futures.wait(running, timeout=timeout)
