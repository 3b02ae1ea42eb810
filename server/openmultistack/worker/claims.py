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

"""Claims on queue entries: which worker holds which entry, until when.

An entry is claimed by writing ``claimed_by`` and ``lease_expires`` with
a conditional ``UPDATE`` whose row count says who won; on PostgreSQL the
candidates are first selected ``FOR UPDATE SKIP LOCKED`` so that workers
do not queue up behind each other's locks (SQLite has one writer at a
time and no such clause; the conditional update alone is exact there).
The holder renews its leases while it works; the entries of a worker that
died become claimable again once their lease has expired. Leases are
stamped and compared with the database's clock
(:class:`~openmultistack.db.types.db_utcnow`), the one clock every host
shares: a worker whose own clock runs ahead cannot take live leases.

Every change a worker makes to an entry it holds goes through
:func:`update_held`, which checks that the claim is still its own: a
worker that lost its claim (the entry was deleted, or taken over after
an expired lease) finds out at its next step and stops.
"""

import dataclasses
import datetime
import typing

import sqlalchemy as sa
from sqlalchemy import orm

from openmultistack.db import events
from openmultistack.db import models
from openmultistack.db import types

Queue = models.Queue

#: Statuses in which an entry needs a worker.
CLAIMABLE = (models.REQUEST, models.RECIVE, models.BOOT, models.DESTROY)
#: Statuses of an entry being booted.
BOOTING = (models.RECIVE, models.BOOT)


class LeaseLost(Exception):
    """The entry is no longer held by this worker (or no longer exists)."""


@dataclasses.dataclass(frozen=True)
class Claim:
    """An entry this worker has just claimed, and its status before."""

    queue_id: int
    status: str
    previous_holder: typing.Optional[str] = None

    @property
    def taken_over(self) -> bool:
        """Whether another worker had been working on it (and died)."""
        return self.status in BOOTING


def _unclaimed():
    return sa.or_(Queue.claimed_by.is_(None),
                  Queue.lease_expires.is_(None),
                  Queue.lease_expires < types.db_utcnow())


def pending(session: orm.Session) -> bool:
    """Whether some entry needs a worker now.

    Meant for a transaction that only reads: on SQLite a worker with
    nothing to claim then takes no write lock to find it out.
    """
    return session.scalar(
        sa.select(Queue.id)
        .where(Queue.status.in_(CLAIMABLE), _unclaimed())
        .limit(1)) is not None


def claim(session: orm.Session, worker_id: str,
          lease: datetime.timedelta, limit: int) -> list[Claim]:
    """Claim up to ``limit`` entries that need a worker, oldest first.

    A new entry (``REQUEST``) becomes ``RECIVE``; the others keep their
    status. The caller commits.
    """
    candidates = session.execute(
        sa.select(Queue.id, Queue.status, Queue.claimed_by)
        .where(Queue.status.in_(CLAIMABLE), _unclaimed())
        .order_by(Queue.id)
        .limit(limit)
        .with_for_update(skip_locked=True)).all()
    claims = []
    for queue_id, status, holder in candidates:
        values = {'claimed_by': worker_id,
                  'lease_expires': types.db_utcnow(lease)}
        if status == models.REQUEST:
            values['status'] = models.RECIVE
        result = session.execute(
            sa.update(Queue)
            .where(Queue.id == queue_id, Queue.status == status,
                   _unclaimed())
            .values(**values)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            continue  # another worker was faster
        claims.append(Claim(queue_id, status, holder))
        if status == models.REQUEST:
            events.record(session, 'queue %d: RECIVE by worker %s'
                          % (queue_id, worker_id), queue_id)
        elif holder and holder != worker_id:
            events.record(session, 'queue %d: taken over by worker %s '
                          'from worker %s (lease expired)'
                          % (queue_id, worker_id, holder), queue_id,
                          events.WARNING)
    return claims


def renew(session: orm.Session, worker_id: str, queue_ids: typing.Iterable,
          lease: datetime.timedelta) -> set[int]:
    """Extend the leases of ``queue_ids``; return those still held."""
    queue_ids = list(queue_ids)
    if not queue_ids:
        return set()
    session.execute(
        sa.update(Queue)
        .where(Queue.id.in_(queue_ids), Queue.claimed_by == worker_id)
        .values(lease_expires=types.db_utcnow(lease))
        .execution_options(synchronize_session=False))
    return set(session.scalars(
        sa.select(Queue.id)
        .where(Queue.id.in_(queue_ids), Queue.claimed_by == worker_id)))


def taken(session: orm.Session, worker_id: str,
          queue_ids: typing.Iterable) -> set[int]:
    """Those of ``queue_ids`` that another worker holds now.

    An entry this worker released itself (it reached ``RUN``, say) is
    held by nobody, and one that was deleted since is gone: neither was
    taken away from it.
    """
    return set(session.scalars(
        sa.select(Queue.id)
        .where(Queue.id.in_(list(queue_ids)), Queue.claimed_by.isnot(None),
               Queue.claimed_by != worker_id)))


def update_held(session: orm.Session, queue_id: int, worker_id: str,
                expected: typing.Sequence[str], **values) -> None:
    """Change an entry this worker holds in one of ``expected`` statuses.

    :raises LeaseLost: the entry is gone, held by someone else, or its
        status changed (e.g. to ``DESTROY``) behind the worker's back.
    """
    values.setdefault('updated_datetime', types.db_utcnow())
    result = session.execute(
        sa.update(Queue)
        .where(Queue.id == queue_id, Queue.claimed_by == worker_id,
               Queue.status.in_(expected))
        .values(**values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise LeaseLost(queue_id)


def release(session: orm.Session, queue_id: int, worker_id: str,
            expected: typing.Sequence[str], **values) -> None:
    """Give up the claim on an entry, changing ``values`` with it."""
    update_held(session, queue_id, worker_id, expected, claimed_by=None,
                lease_expires=None, **values)


def postpone(session: orm.Session, queue_id: int, worker_id: str,
             expected: typing.Sequence[str],
             delay: datetime.timedelta) -> None:
    """Keep the claim without renewing it: retried once ``delay`` passed."""
    update_held(session, queue_id, worker_id, expected,
                lease_expires=types.db_utcnow(delay))
