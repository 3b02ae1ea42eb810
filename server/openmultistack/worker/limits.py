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

"""The limits of the provider accounts, as a worker reads and keeps them.

A worker reads an account's absolute limits (quota used and allowed)
before it boots there and every ``[worker] provider_check_interval``
seconds, keeps them ``[worker] limits_cache_seconds`` for the entries
that follow, and records what it found (limits, or why the account did
not answer) in the ``provider_state`` table that ``GET /api/providers/``
shows.
"""

import typing

from oslo_db import exception as db_exc
from oslo_log import log as logging
import sqlalchemy as sa

from openmultistack.db import models
from openmultistack.db import types
from openmultistack.providers import base
from openmultistack.worker import cleanup

LOG = logging.getLogger(__name__)


def _state(limits: typing.Optional[base.Limits],
           reachable: typing.Optional[bool],
           reason: typing.Optional[str]) -> dict:
    values = {'reachable': reachable, 'reason': reason,
              'checked_at': types.utcnow()}
    for name in ('instances_used', 'instances_max', 'cores_used',
                 'cores_max', 'ram_used', 'ram_max'):
        values[name] = getattr(limits, name) if limits else None
    return values


def record(ctx, account_id: int, limits: typing.Optional[base.Limits],
           reachable: typing.Optional[bool],
           reason: typing.Optional[str] = None) -> None:
    """Write the account's row of ``provider_state``.

    Every worker writes the rows; the last check wins. Errors are
    logged, never raised: the state is a report, booting goes on
    without it (for instance on a schema older than the table).
    """
    values = _state(limits, reachable, reason)
    table = models.ProviderState.__table__
    update = sa.update(table).where(table.c.account_id == account_id)
    try:
        for _attempt in range(2):
            try:
                with ctx.session() as session:
                    if session.execute(update.values(values)).rowcount:
                        return
                    session.execute(sa.insert(table).values(
                        dict(values, account_id=account_id)))
                return
            except db_exc.DBDuplicateEntry:
                # Another worker inserted it meanwhile: update it.
                continue
    except db_exc.DBReferenceError:
        # The account was removed meanwhile.
        pass
    except Exception as exc:
        # One line: on a schema without the table, this comes with every
        # read of limits until the migration has run.
        LOG.warning('Could not record the state of provider account %d: '
                    '%s', account_id, cleanup.short(exc))


def read(ctx, account, provider: typing.Optional[base.Provider] = None
         ) -> typing.Optional[base.Limits]:
    """The account's limits, read anew unless cached; None if unknown.

    Reading them records the account's state, whatever the outcome.

    :param provider: a driver for the account, if the caller has one.
    """
    found, limits = ctx.limits.get(account.id,
                                   ctx.options.limits_cache_seconds)
    if found:
        return limits
    return check(ctx, account, provider)


def check(ctx, account, provider: typing.Optional[base.Provider] = None
          ) -> typing.Optional[base.Limits]:
    """Read the account's limits now, cache them and record the state."""
    own = provider is None
    limits = reachable = reason = None
    try:
        if own:
            provider = ctx.provider(account)
        limits = provider.limits()
        reachable = True
    except NotImplementedError:
        # The driver cannot tell: neither limits nor reachability known.
        pass
    except base.ProviderError as exc:
        reachable = False
        reason = cleanup.short(exc)
        LOG.info('Provider %s: limits not read: %s', account.provider,
                 reason)
    finally:
        if own and provider is not None:
            provider.close()
    ctx.limits.put(account.id, limits)
    record(ctx, account.id, limits, reachable, reason)
    return limits
