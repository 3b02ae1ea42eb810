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

"""Booting one queue entry, trying provider accounts in turn.

For each available account (the requested provider's first): find the
image and flavor, create a key pair, boot a server tagged with the queue
id, wait until it leaves ``BUILD``, record it and set ``RUN``. A provider
that fails in any way is cleaned up after (its server and key pair
deleted), its reason written to the event log, and the next one tried;
``FAILED`` comes only when every one refused.
"""

import time

from oslo_log import log as logging
import sqlalchemy as sa

from openmultistack.db import events
from openmultistack.db import models
from openmultistack.providers import base
from openmultistack.worker import backoff
from openmultistack.worker import claims
from openmultistack.worker import cleanup
from openmultistack.worker import context as worker_context
from openmultistack.worker import job

LOG = logging.getLogger(__name__)

# Failed looks at a building server in a row before the provider counts
# as failed (one lost request must not throw a good server away).
MAX_POLL_ERRORS = 3


class BootJob(job.Job):
    """Boot the server of a new entry, or take over a dead worker's."""

    def run(self) -> None:
        try:
            if self.claim.taken_over and self._take_over():
                return
            self._boot()
        except claims.LeaseLost:
            LOG.info('queue %d: no longer held by this worker', self.queue_id)
            self._pass_on_destroy()
        except worker_context.Aborted:
            self._hand_back()
        except job.DATABASE_UNAVAILABLE as exc:
            self.leave_to_lease(exc)
        except Exception:
            LOG.exception('queue %d: unexpected error while booting',
                          self.queue_id)
            self._fail('internal error of the worker (see its log)')

    # -- the steps -------------------------------------------------------

    def _boot(self) -> None:
        entry, accounts = self.load()
        # The requested provider first, then the others in id order.
        accounts.sort(key=lambda a: a.provider != entry.provider)
        if entry.provider and not any(a.provider == entry.provider
                                      for a in accounts):
            self.ctx.record('queue %d: requested provider %s has no '
                            'available account; trying the others'
                            % (self.queue_id, entry.provider),
                            self.queue_id, events.WARNING)
        reasons = []
        for account in accounts:
            self.ctx.check_abort()
            try:
                self._attempt(entry, account)
                return
            except base.ProviderError as exc:
                reason = cleanup.short(exc)
                reasons.append('%s: %s' % (account.provider, reason))
                self.ctx.record('queue %d: provider %s refused: %s'
                                % (self.queue_id, account.provider, reason),
                                self.queue_id, events.WARNING)
                self._forget_instance()
        if reasons:
            self._fail('every provider refused: ' + '; '.join(reasons))
        else:
            self._fail('no provider account is available')

    def _attempt(self, entry: models.Queue, account: models.Account) -> None:
        provider = self.ctx.provider(account)
        server_id = None
        keypair_asked = boot_asked = False
        try:
            options = self.ctx.options
            image = provider.find_image(entry.image or options.default_image)
            flavor = provider.find_flavor(
                entry.flavor or options.default_flavor)
            self.ctx.check_abort()
            keypair_asked = True
            private_key = provider.create_keypair(self.key_name,
                                                  options.key_type)
            boot_asked = True
            LOG.info('queue %d: asking provider %s for a server',
                     self.queue_id, account.provider)
            server = provider.boot(
                entry.name or self.key_name, image, flavor, self.key_name,
                {base.QUEUE_ID_METADATA_KEY: str(self.queue_id)})
            server_id = server.id
            self._record_boot(account, server, private_key)
            self._follow(provider, account, server_id)
        except BaseException:
            if keypair_asked:
                # A boot request that failed (e.g. timed out) may still
                # have created a server: look for it by its tag.
                self._undo(provider, account, server_id,
                           search=boot_asked and server_id is None)
            raise
        finally:
            provider.close()

    def _follow(self, provider: base.Provider, account: models.Account,
                server_id: str) -> None:
        """Wait for a booted server to become ``ACTIVE``, then ``RUN``."""
        server = self._wait_active(provider, server_id)
        with self.ctx.session() as session:
            claims.release(session, self.queue_id, self.ctx.worker_id,
                           claims.BOOTING, status=models.RUN, fault=None)
            session.execute(
                sa.update(models.Instance)
                .where(models.Instance.queue_id == self.queue_id)
                .values(ip_addr=server.ip_addr)
                .execution_options(synchronize_session=False))
            events.record(session, 'queue %d: RUN server %s (%s) on '
                          'provider %s' % (self.queue_id, server.id,
                                           server.ip_addr or 'no address',
                                           account.provider),
                          self.queue_id)

    def _wait_active(self, provider: base.Provider,
                     server_id: str) -> base.Server:
        options = self.ctx.options
        deadline = time.monotonic() + options.boot_timeout
        pauses = backoff.delays(options.status_poll_initial_interval,
                                options.status_poll_interval)
        errors = 0
        while True:
            try:
                server = provider.get(server_id)
                errors = 0
            except base.NotFound:
                raise base.ProviderError('server %s vanished while building'
                                         % server_id)
            except base.ProviderError:
                errors += 1
                if errors >= MAX_POLL_ERRORS:
                    raise
                server = None
            if server is not None and server.status == base.ACTIVE:
                return server
            if server is not None and server.status != base.BUILD:
                raise base.ProviderError(
                    'server %s went %s%s' % (
                        server_id, server.status,
                        ': %s' % server.fault if server.fault else ''))
            if time.monotonic() >= deadline:
                raise base.ProviderTimeout(
                    'server %s still in BUILD after %d s'
                    % (server_id, options.boot_timeout))
            self.ctx.sleep(next(pauses))
            self._check_held()

    def _take_over(self) -> bool:
        """Reconcile an entry whose worker died; True if it is settled.

        The server the entry's instance names is adopted if it is fine;
        otherwise it, or any server tagged with the queue id when none was
        written down, is deleted and the entry booted again.
        """
        entry, accounts = self.load(available_only=False)
        instance = entry.instance
        if instance is None or not instance.instance_id:
            cleanup.sweep(self.ctx, self.queue_id, self.key_name, accounts)
            self._forget_instance()
            return False
        account = instance.account
        provider = None
        undo = False
        try:
            provider = self.ctx.provider(account)
            server = provider.get(instance.instance_id)
            if server.status not in (base.ACTIVE, base.BUILD):
                raise base.ProviderError('server %s is %s'
                                         % (server.id, server.status))
            self.ctx.record('queue %d: adopting server %s on provider %s'
                            % (self.queue_id, server.id, account.provider),
                            self.queue_id)
            self._follow(provider, account, server.id)
            return True
        except base.ProviderError as exc:
            self.ctx.record('queue %d: not adopting server %s on provider '
                            '%s: %s; booting again'
                            % (self.queue_id, instance.instance_id,
                               account.provider, cleanup.short(exc)),
                            self.queue_id, events.WARNING)
            undo = True
        except BaseException:
            undo = True
            raise
        finally:
            if provider is not None:
                if undo:
                    self._undo(provider, account, instance.instance_id,
                               instance.key_name or self.key_name)
                provider.close()
        self._forget_instance()
        return False

    # -- database changes --------------------------------------------------

    def _record_boot(self, account: models.Account, server: base.Server,
                     private_key: str) -> None:
        with self.ctx.session() as session:
            claims.update_held(session, self.queue_id, self.ctx.worker_id,
                               claims.BOOTING, status=models.BOOT)
            session.execute(sa.delete(models.Instance).where(
                models.Instance.queue_id == self.queue_id))
            session.add(models.Instance(
                queue_id=self.queue_id, account_id=account.id,
                name=server.name, instance_id=server.id,
                key_name=self.key_name, key_raw=private_key))
            events.record(session, 'queue %d: BOOT server %s on provider %s'
                          % (self.queue_id, server.id, account.provider),
                          self.queue_id)

    def _forget_instance(self) -> None:
        """Back to ``RECIVE`` without an instance, for the next attempt."""
        with self.ctx.session() as session:
            claims.update_held(session, self.queue_id, self.ctx.worker_id,
                               claims.BOOTING, status=models.RECIVE)
            session.execute(sa.delete(models.Instance).where(
                models.Instance.queue_id == self.queue_id))

    def _check_held(self) -> None:
        with self.ctx.reading() as session:
            held = session.scalar(
                sa.select(models.Queue.id).where(
                    models.Queue.id == self.queue_id,
                    models.Queue.claimed_by == self.ctx.worker_id,
                    models.Queue.status.in_(claims.BOOTING)))
        if held is None:
            raise claims.LeaseLost(self.queue_id)

    def _settle(self, status: str, desc: str, level: str = events.INFO,
                **values) -> None:
        """Release the entry in ``status``, without an instance."""
        try:
            with self.ctx.session() as session:
                claims.release(session, self.queue_id, self.ctx.worker_id,
                               claims.BOOTING, status=status, **values)
                session.execute(sa.delete(models.Instance).where(
                    models.Instance.queue_id == self.queue_id))
                events.record(session, 'queue %d: %s' % (self.queue_id, desc),
                              self.queue_id, level)
        except claims.LeaseLost:
            self._pass_on_destroy()

    def _fail(self, fault: str) -> None:
        self._settle(models.FAILED, 'FAILED: %s' % fault, events.ERROR,
                     fault=fault)

    def _hand_back(self) -> None:
        """The worker stops: the entry goes back to ``REQUEST``."""
        self._settle(models.REQUEST, 'handed back to the queue (worker %s '
                     'stopping)' % self.ctx.worker_id)

    def _pass_on_destroy(self) -> None:
        """If the entry is to be destroyed, let a destroy job claim it."""
        try:
            with self.ctx.session() as session:
                claims.release(session, self.queue_id, self.ctx.worker_id,
                               (models.DESTROY,))
        except claims.LeaseLost:
            pass

    def _held_by_another(self) -> bool:
        """Whether another worker holds the entry now."""
        try:
            with self.ctx.session() as session:
                holder = session.scalar(
                    sa.select(models.Queue.claimed_by)
                    .where(models.Queue.id == self.queue_id))
        except Exception:
            LOG.exception('queue %d: could not read who holds the entry',
                          self.queue_id)
            return False
        return holder is not None and holder != self.ctx.worker_id

    def _undo(self, provider: base.Provider, account: models.Account,
              server_id, key_name=None, search: bool = False) -> None:
        """Delete what this entry got on a provider that failed it."""
        key_name = key_name or self.key_name
        if self._held_by_another():
            # This worker's lease expired and another took the entry
            # over: the key pair, and servers tagged with the entry, may
            # be that worker's now. Only the server this one booted goes.
            failures = (cleanup.delete_server(provider, server_id)
                        if server_id else [])
        elif search:
            _, failures = cleanup.delete_tagged(provider, self.queue_id,
                                                key_name)
        else:
            failures = cleanup.delete_resources(provider, key_name,
                                                server_id)
        for failure in failures:
            self.ctx.record('queue %d: could not clean up on provider %s: %s'
                            % (self.queue_id, account.provider, failure),
                            self.queue_id, events.WARNING)
