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

"""Database models of the reference OpenMultiStack service.

The worker and the API share these. Every timestamp is timezone-aware
UTC (:class:`openmultistack.db.types.UTCDateTime`).
"""

import datetime
import typing

from oslo_db.sqlalchemy import types as db_types
import sqlalchemy as sa
from sqlalchemy import orm

from openmultistack.db import types

# Queue statuses, spelled exactly as the original service sends them.
REQUEST = 'REQUEST'
RECIVE = 'RECIVE'
BOOT = 'BOOT'
RUN = 'RUN'
FAILED = 'FAILED'
DESTROY = 'DESTROY'
QUEUE_STATUSES = (REQUEST, RECIVE, BOOT, RUN, FAILED, DESTROY)
# Entries that hold (or are about to hold) provider resources: they count
# against the per-project cap.
ACTIVE_STATUSES = (REQUEST, RECIVE, BOOT, RUN, DESTROY)

ACCOUNT_AVAILABLE = 'available'
ACCOUNT_UNAVAILABLE = 'unavailable'
ACCOUNT_STATUSES = (ACCOUNT_AVAILABLE, ACCOUNT_UNAVAILABLE)

DRIVER_NOVA = 'nova'
DRIVER_SIMULATED = 'simulated'


def idempotency_scope(project_id: typing.Optional[str]) -> str:
    """The scope of an ``Idempotency-Key``: the project, or ``''``.

    Anonymous requests (``noauth``) have no project; they share the
    empty scope, a value a unique index compares where NULL never is.
    """
    return project_id or ''


def _added(column_type: typing.Any) -> sa.types.TypeEngine:
    """The type of a column added after the previous release's schema.

    The ORM writes ``NULL`` into every column an object leaves unset,
    which fails on a schema without the column: a column whose type
    "evaluates None" is left out of the INSERT instead, so that an
    object that does not set it is written on the previous release's
    schema as well.
    """
    if isinstance(column_type, type):
        column_type = column_type()
    return column_type.evaluates_none()


class Base(orm.DeclarativeBase):
    pass


class Account(Base):
    """Credentials of one compute provider account."""

    __tablename__ = 'accounts'
    # Ids are never reused: a client that follows an id must not find a
    # different row behind it later.
    __table_args__ = {'sqlite_autoincrement': True}

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    provider: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    driver: orm.Mapped[str] = orm.mapped_column(
        sa.String(64), default=DRIVER_NOVA)
    username: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    # A secret: encrypted at rest, never rendered by the API nor logged.
    password: orm.Mapped[str] = orm.mapped_column(types.Secret)
    auth_url: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    tenant_name: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    tenant_id: orm.Mapped[str] = orm.mapped_column(
        sa.String(255), default='')
    region_name: orm.Mapped[str] = orm.mapped_column(
        sa.String(255), default='')
    version: orm.Mapped[str] = orm.mapped_column(sa.String(32), default='2')
    user_domain_name: orm.Mapped[str] = orm.mapped_column(
        sa.String(255), default='Default')
    project_domain_name: orm.Mapped[str] = orm.mapped_column(
        sa.String(255), default='Default')
    status: orm.Mapped[str] = orm.mapped_column(
        sa.String(16), default=ACCOUNT_AVAILABLE)
    regist_date: orm.Mapped[datetime.datetime] = orm.mapped_column(
        types.UTCDateTime, default=types.utcnow)

    instances: orm.Mapped[list['Instance']] = orm.relationship(
        back_populates='account')

    def __repr__(self) -> str:
        # Deliberately without the password.
        return '<Account %s %s/%s>' % (
            self.id, self.provider, self.region_name)


class Queue(Base):
    """One request for an instance and its progress."""

    __tablename__ = 'queues'
    __table_args__ = (
        # Implied by the index below; kept from the first revision.
        sa.UniqueConstraint('project_id', 'idempotency_key',
                            name='uniq_queues0project_id0idempotency_key'),
        sa.Index('uniq_queues0idempotency_scope0idempotency_key',
                 'idempotency_scope', 'idempotency_key', unique=True),
        sa.Index('queues_status_idx', 'status'),
        sa.Index('queues_project_id_idx', 'project_id'),
        {'sqlite_autoincrement': True},
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    status: orm.Mapped[str] = orm.mapped_column(
        sa.String(16), default=REQUEST)
    regist_datetime: orm.Mapped[datetime.datetime] = orm.mapped_column(
        types.UTCDateTime, default=types.utcnow)
    updated_datetime: orm.Mapped[datetime.datetime] = orm.mapped_column(
        types.UTCDateTime, default=types.utcnow, onupdate=types.utcnow)
    project_id: orm.Mapped[typing.Optional[str]] = orm.mapped_column(
        sa.String(64))
    user_id: orm.Mapped[typing.Optional[str]] = orm.mapped_column(
        sa.String(64))
    image: orm.Mapped[typing.Optional[str]] = orm.mapped_column(
        sa.String(255))
    flavor: orm.Mapped[typing.Optional[str]] = orm.mapped_column(
        sa.String(255))
    name: orm.Mapped[typing.Optional[str]] = orm.mapped_column(
        sa.String(255))
    # The provider the user asked for, if any.
    provider: orm.Mapped[typing.Optional[str]] = orm.mapped_column(
        sa.String(255))
    fault: orm.Mapped[typing.Optional[str]] = orm.mapped_column(sa.Text)
    # What the entry needs of a flavor and an image, besides (or instead
    # of) their names: minimums in MB, vCPUs and GB; image properties
    # (``{"os_distro": "ubuntu"}``).
    min_ram: orm.Mapped[typing.Optional[int]] = orm.mapped_column(
        _added(sa.Integer))
    min_vcpus: orm.Mapped[typing.Optional[int]] = orm.mapped_column(
        _added(sa.Integer))
    min_disk: orm.Mapped[typing.Optional[int]] = orm.mapped_column(
        _added(sa.Integer))
    image_properties: orm.Mapped[typing.Optional[dict]] = (
        orm.mapped_column(_added(db_types.JsonEncodedDict)))
    # The providers the latest boot attempt passed over, in order:
    # ``[{"provider", "reason", "detail"}, ...]``.
    skipped: orm.Mapped[typing.Optional[list]] = orm.mapped_column(
        _added(db_types.JsonEncodedList))
    idempotency_key: orm.Mapped[typing.Optional[str]] = orm.mapped_column(
        sa.String(255))
    request_hash: orm.Mapped[typing.Optional[str]] = orm.mapped_column(
        sa.String(64))
    # Whose idempotency key it is (see idempotency_scope()): never NULL
    # when idempotency_key is set, so that the unique index holds for
    # anonymous requests too.
    idempotency_scope: orm.Mapped[typing.Optional[str]] = (
        orm.mapped_column(sa.String(64)))
    # Worker lease: which worker holds the entry and until when.
    claimed_by: orm.Mapped[typing.Optional[str]] = orm.mapped_column(
        sa.String(255))
    lease_expires: orm.Mapped[typing.Optional[datetime.datetime]] = (
        orm.mapped_column(types.UTCDateTime))

    instance: orm.Mapped[typing.Optional['Instance']] = orm.relationship(
        back_populates='queue', uselist=False, lazy='joined',
        cascade='all, delete-orphan', passive_deletes=True)

    def __repr__(self) -> str:
        return '<Queue %s %s>' % (self.id, self.status)


class Instance(Base):
    """A server booted for a queue entry on one account."""

    __tablename__ = 'instances'
    __table_args__ = {'sqlite_autoincrement': True}

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    queue_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey('queues.id', ondelete='CASCADE'), unique=True)
    account_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey('accounts.id'))
    name: orm.Mapped[str] = orm.mapped_column(sa.String(255), default='')
    # The provider's server UUID.
    instance_id: orm.Mapped[str] = orm.mapped_column(
        sa.String(255), default='')
    ip_addr: orm.Mapped[str] = orm.mapped_column(sa.String(64), default='')
    key_name: orm.Mapped[str] = orm.mapped_column(sa.String(255), default='')
    # The generated private key: a secret, encrypted at rest.
    key_raw: orm.Mapped[str] = orm.mapped_column(types.Secret, default='')
    created_at: orm.Mapped[datetime.datetime] = orm.mapped_column(
        types.UTCDateTime, default=types.utcnow)
    # The flavor and image the worker chose on the provider.
    flavor_id: orm.Mapped[typing.Optional[str]] = orm.mapped_column(
        _added(sa.String(255)))
    flavor_name: orm.Mapped[typing.Optional[str]] = orm.mapped_column(
        _added(sa.String(255)))
    image_id: orm.Mapped[typing.Optional[str]] = orm.mapped_column(
        _added(sa.String(255)))
    image_name: orm.Mapped[typing.Optional[str]] = orm.mapped_column(
        _added(sa.String(255)))

    queue: orm.Mapped[Queue] = orm.relationship(back_populates='instance')
    account: orm.Mapped[Account] = orm.relationship(
        back_populates='instances', lazy='joined')

    def __repr__(self) -> str:
        return '<Instance %s %s>' % (self.id, self.instance_id)


class Event(Base):
    """One line of the system log (``GET /v2/logs``)."""

    __tablename__ = 'events'
    __table_args__ = {'sqlite_autoincrement': True}

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    # Indexed for the purges of the old events.
    time: orm.Mapped[datetime.datetime] = orm.mapped_column(
        types.UTCDateTime, default=types.utcnow, index=True)
    desc: orm.Mapped[str] = orm.mapped_column(sa.Text)
    # No foreign key: the log outlives the entries it speaks of.
    queue_id: orm.Mapped[typing.Optional[int]] = orm.mapped_column(
        sa.Integer, index=True)
    level: orm.Mapped[str] = orm.mapped_column(sa.String(16), default='INFO')


class ProviderState(Base):
    """What a worker last found of a provider account: one row each.

    Written by the workers whenever they read an account's limits;
    ``GET /api/providers/`` reads it.
    """

    __tablename__ = 'provider_state'

    account_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey('accounts.id', ondelete='CASCADE'), primary_key=True)
    # NULL: the driver cannot tell (it reports no limits).
    reachable: orm.Mapped[typing.Optional[bool]] = orm.mapped_column(
        sa.Boolean)
    # Why not reachable, in one line.
    reason: orm.Mapped[typing.Optional[str]] = orm.mapped_column(sa.Text)
    # The absolute limits read (-1: no limit); NULL when not read.
    instances_used: orm.Mapped[typing.Optional[int]] = orm.mapped_column()
    instances_max: orm.Mapped[typing.Optional[int]] = orm.mapped_column()
    cores_used: orm.Mapped[typing.Optional[int]] = orm.mapped_column()
    cores_max: orm.Mapped[typing.Optional[int]] = orm.mapped_column()
    ram_used: orm.Mapped[typing.Optional[int]] = orm.mapped_column()
    ram_max: orm.Mapped[typing.Optional[int]] = orm.mapped_column()
    checked_at: orm.Mapped[datetime.datetime] = orm.mapped_column(
        types.UTCDateTime, default=types.utcnow)
