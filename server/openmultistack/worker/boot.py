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

For each available account, in the order ``[worker] provider_order``
says (the requested provider's first): choose the flavor and image that
meet the entry's requirements (:mod:`openmultistack.worker.choice`),
pass the account over if its quota cannot hold the flavor
(:mod:`openmultistack.worker.limits`), create a key pair, boot a server
tagged with the queue id, wait until it leaves ``BUILD``, record it with
the flavor and image chosen and set ``RUN``. A provider that fails in
any way is cleaned up after (its server and key pair deleted), and
skipped: its reason is written to the event log and to the entry's
``skipped`` list, and the next one tried. ``FAILED`` comes only when
every one refused; its fault names each provider and why.
"""

import datetime
import time
import typing

from oslo_log import log as logging
import sqlalchemy as sa

from openmultistack.db import events
from openmultistack.db import models
from openmultistack.db import types as db_types
from openmultistack.providers import base
from openmultistack.worker import backoff
from openmultistack.worker import choice
from openmultistack.worker import claims
from openmultistack.worker import cleanup
from openmultistack.worker import context as worker_context
from openmultistack.worker import job
from openmultistack.worker import limits
from openmultistack.worker import ordering

LOG = logging.getLogger(__name__)

# Failed looks at a building server in a row before the provider counts
# as failed (one lost request must not throw a good server away).
MAX_POLL_ERRORS = 3

#: The reason a provider was skipped, by the class of its refusal: the
#: first that matches; ``failed`` for any other.
REASONS = ((base.NoFlavor, 'no_flavor'), (base.NoImage, 'no_image'),
           (base.QuotaExceeded, 'quota'),
           (base.ProviderUnreachable, 'unreachable'),
           (base.ProviderTimeout, 'timeout'), (base.Refused, 'refused'))
FAILED = 'failed'


def reason_of(error: base.ProviderError) -> str:
    """The ``reason`` code of a refusal (see :data:`REASONS`)."""
    return next((reason for kind, reason in REASONS
                 if isinstance(error, kind)), FAILED)


class BootJob(job.Job):
    """Boot the server of a new entry, or take over a dead worker's."""

    def __init__(self, ctx: worker_context.Context, claim: claims.Claim):
        super().__init__(ctx, claim)
        self.wanted = choice.Requirements()
        # The providers passed over by this attempt, in order: the
        # entry's ``skipped``.
        self.skipped: list[dict] = []
        # Events noted and not yet written (see _note).
        self.notes: list[tuple[str, str, datetime.datetime]] = []

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
        self.wanted = choice.Requirements.of_entry(entry)
        self.skipped = []
        accounts = self._order(entry, accounts)
        if entry.provider and not any(a.provider == entry.provider
                                      for a in accounts):
            self.ctx.record('queue %d: requested provider %s has no '
                            'available account; trying the others'
                            % (self.queue_id, entry.provider),
                            self.queue_id, events.WARNING)
        for account in accounts:
            self.ctx.check_abort()
            try:
                self._attempt(entry, account)
                return
            except base.ProviderError as exc:
                self._skip(account, reason_of(exc), cleanup.short(exc))
                self._forget_instance()
        if self.skipped:
            self._fail('every provider refused: ' + '; '.join(
                '%(provider)s: %(detail)s' % skip for skip in self.skipped))
        else:
            self._fail('no provider account is available')

    def _skip(self, account: models.Account, reason: str,
              detail: str) -> None:
        """Pass over a provider for ``reason`` (see :data:`REASONS`)."""
        self.skipped.append({'provider': account.provider, 'reason': reason,
                             'detail': detail})
        self._note('queue %d: provider %s refused (%s): %s'
                   % (self.queue_id, account.provider, reason, detail),
                   events.WARNING)

    def _note(self, desc: str, level: str = events.INFO) -> None:
        """An event, written at its time with the entry's next change.

        Each write is a transaction, and on SQLite the writers of the
        whole service take turns: an event of its own per step cost
        every entry one more of them.
        """
        self.notes.append((desc, level, db_types.utcnow()))

    def _write_notes(self, session) -> None:
        for desc, level, when in self.notes:
            events.record(session, desc, self.queue_id, level, when)
        self.notes = []

    def _choose(self, provider: base.Provider) -> tuple:
        """The flavor and image to boot on ``provider``."""
        options = self.ctx.options
        flavor = choice.choose_flavor(provider.list_flavors(), self.wanted,
                                      options.default_flavor)
        image = choice.choose_image(provider.list_images(), self.wanted,
                                    options.default_image)
        return flavor, image

    def _attempt(self, entry: models.Queue, account: models.Account) -> None:
        provider = self.ctx.provider(account)
        server_id = None
        keypair_asked = boot_asked = False
        try:
            flavor, image = self._choose(provider)
            shortage = self._shortage(account, provider, flavor)
            if shortage:
                raise base.QuotaExceeded(shortage)
            self.ctx.check_abort()
            keypair_asked = True
            private_key = provider.create_keypair(
                self.key_name, self.ctx.options.key_type)
            boot_asked = True
            LOG.info('queue %d: asking provider %s for a server',
                     self.queue_id, account.provider)
            server = provider.boot(
                entry.name or self.key_name, image.id, flavor.id,
                self.key_name,
                {base.QUEUE_ID_METADATA_KEY: str(self.queue_id)})
            server_id = server.id
            self._record_boot(account, server, private_key, flavor, image)
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

    def _order(self, entry: models.Queue,
               accounts: list[models.Account]) -> list[models.Account]:
        """The accounts in the order to try them; said in the event log."""
        policy = self.ctx.options.provider_order
        known = {}
        if policy == ordering.MOST_FREE:
            known = {account.id: limits.read(self.ctx, account)
                     for account in accounts}
        turn = self.ctx.next_turn() if policy == ordering.SPREAD else 0
        accounts = ordering.order(accounts, policy, known, entry.provider,
                                  turn)
        self._note(ordering.describe(self.queue_id, policy, accounts))
        return accounts

    def _shortage(self, account: models.Account, provider: base.Provider,
                  flavor: base.Flavor) -> typing.Optional[str]:
        """Why the account's quota cannot hold one more of the flavor.

        None when it can, or when its limits are unknown: the provider
        itself then refuses what is over quota. When it can, the server
        is counted in the cached limits at once, for the entries that
        follow (a failed boot is forgotten when the limits are read
        again).
        """
        known = limits.read(self.ctx, account, provider)
        if known is None:
            return None
        shortage = ordering.check_room(known, flavor)
        if shortage is None:
            self.ctx.limits.count_server(account.id, flavor)
        return shortage

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
                     private_key: str, flavor: base.Flavor,
                     image: base.Image) -> None:
        with self.ctx.session() as session:
            claims.update_held(session, self.queue_id, self.ctx.worker_id,
                               claims.BOOTING, status=models.BOOT,
                               skipped=self.skipped)
            self._write_notes(session)
            session.execute(sa.delete(models.Instance).where(
                models.Instance.queue_id == self.queue_id))
            session.add(models.Instance(
                queue_id=self.queue_id, account_id=account.id,
                name=server.name, instance_id=server.id,
                key_name=self.key_name, key_raw=private_key,
                flavor_id=flavor.id, flavor_name=flavor.name,
                image_id=image.id, image_name=image.name))
            events.record(session, 'queue %d: BOOT server %s on provider %s '
                          '(flavor %s, image %s)'
                          % (self.queue_id, server.id, account.provider,
                             flavor.name, image.name),
                          self.queue_id)

    def _forget_instance(self) -> None:
        """Back to ``RECIVE`` without an instance, for the next attempt."""
        with self.ctx.session() as session:
            claims.update_held(session, self.queue_id, self.ctx.worker_id,
                               claims.BOOTING, status=models.RECIVE)
            self._write_notes(session)
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
                self._write_notes(session)
                session.execute(sa.delete(models.Instance).where(
                    models.Instance.queue_id == self.queue_id))
                events.record(session, 'queue %d: %s' % (self.queue_id, desc),
                              self.queue_id, level)
        except claims.LeaseLost:
            self._pass_on_destroy()

    def _fail(self, fault: str) -> None:
        self._settle(models.FAILED, 'FAILED: %s' % fault, events.ERROR,
                     fault=fault, skipped=self.skipped)

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
                self._write_notes(session)
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
