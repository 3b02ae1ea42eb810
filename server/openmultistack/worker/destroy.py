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

"""Destroying one queue entry: its server and key pair, then the entry.

The API marks an entry ``DESTROY``; the worker deletes the server and key
pair on the account that holds them, waits until the server is gone, and
then deletes the entry itself. When the provider cannot be reached, or
the server outlives ``[worker] delete_timeout``, the entry stays
``DESTROY`` and the deletion is tried again later, so that nothing is
left behind on the provider.
"""

import datetime
import time

from oslo_log import log as logging
import sqlalchemy as sa

from openmultistack.db import events
from openmultistack.db import models
from openmultistack.providers import base
from openmultistack.worker import claims
from openmultistack.worker import cleanup
from openmultistack.worker import context as worker_context
from openmultistack.worker import job

LOG = logging.getLogger(__name__)
DESTROYING = (models.DESTROY,)


class DestroyJob(job.Job):
    """Delete what an entry holds on its provider, then the entry."""

    def run(self) -> None:
        try:
            self._destroy()
        except claims.LeaseLost:
            LOG.info('queue %d: no longer held by this worker', self.queue_id)
        except worker_context.Aborted:
            self._release()
        except job.DATABASE_UNAVAILABLE as exc:
            self.leave_to_lease(exc)
        except Exception:
            LOG.exception('queue %d: unexpected error while destroying',
                          self.queue_id)
            self._retry_later('internal error of the worker')

    def _destroy(self) -> None:
        entry, accounts = self.load(available_only=False)
        instance = entry.instance
        if instance is None or not instance.instance_id:
            # The entry may have been destroyed while a worker that died
            # was booting it: look for a server tagged with it.
            cleanup.sweep(self.ctx, self.queue_id, self.key_name, accounts)
            where = 'no server'
        else:
            account = instance.account
            try:
                provider = self.ctx.provider(account)
            except base.ProviderError as exc:
                self._retry_later('%s: %s' % (account.provider,
                                              cleanup.short(exc)))
                return
            try:
                failures = cleanup.delete_resources(
                    provider, instance.key_name or self.key_name,
                    instance.instance_id)
                if not failures:
                    failures = self._wait_gone(provider,
                                               instance.instance_id)
            finally:
                provider.close()
            if failures:
                self._retry_later('%s: %s' % (account.provider,
                                              '; '.join(failures)))
                return
            where = 'server %s on provider %s' % (
                instance.instance_id, account.provider)
        with self.ctx.session() as session:
            session.execute(sa.delete(models.Instance).where(
                models.Instance.queue_id == self.queue_id))
            result = session.execute(
                sa.delete(models.Queue)
                .where(models.Queue.id == self.queue_id,
                       models.Queue.claimed_by == self.ctx.worker_id,
                       models.Queue.status == models.DESTROY)
                .execution_options(synchronize_session=False))
            if result.rowcount != 1:
                raise claims.LeaseLost(self.queue_id)
            events.record(session, 'queue %d: destroyed (%s deleted)'
                          % (self.queue_id, where), self.queue_id)

    def _wait_gone(self, provider: base.Provider, server_id: str) -> list:
        """Wait until a deleted server is gone; return what failed."""
        options = self.ctx.options
        deadline = time.monotonic() + options.delete_timeout
        while True:
            try:
                provider.get(server_id)
            except base.NotFound:
                return []
            except base.ProviderError as exc:
                return ['server %s: %s' % (server_id, cleanup.short(exc))]
            if time.monotonic() >= deadline:
                return ['server %s still exists %d s after its deletion'
                        % (server_id, options.delete_timeout)]
            self.ctx.sleep(options.status_poll_interval)

    def _retry_later(self, reason: str) -> None:
        delay = self.ctx.options.destroy_retry_interval
        try:
            with self.ctx.session() as session:
                claims.postpone(session, self.queue_id, self.ctx.worker_id,
                                DESTROYING, datetime.timedelta(seconds=delay))
                events.record(session, 'queue %d: could not destroy (%s); '
                              'trying again in %d s'
                              % (self.queue_id, reason, delay),
                              self.queue_id, events.WARNING)
        except claims.LeaseLost:
            pass

    def _release(self) -> None:
        try:
            with self.ctx.session() as session:
                claims.release(session, self.queue_id, self.ctx.worker_id,
                               DESTROYING)
        except claims.LeaseLost:
            pass
