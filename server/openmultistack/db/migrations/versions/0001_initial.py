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

"""Initial schema: accounts, queues, instances, events.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa

from openmultistack.db import types

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'accounts',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('provider', sa.String(255), nullable=False),
        sa.Column('driver', sa.String(64), nullable=False),
        sa.Column('username', sa.String(255), nullable=False),
        sa.Column('password', sa.String(255), nullable=False),
        sa.Column('auth_url', sa.String(255), nullable=False),
        sa.Column('tenant_name', sa.String(255), nullable=False),
        sa.Column('tenant_id', sa.String(255), nullable=False),
        sa.Column('region_name', sa.String(255), nullable=False),
        sa.Column('version', sa.String(32), nullable=False),
        sa.Column('user_domain_name', sa.String(255), nullable=False),
        sa.Column('project_domain_name', sa.String(255), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('regist_date', types.UTCDateTime, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        'queues',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('regist_datetime', types.UTCDateTime, nullable=False),
        sa.Column('updated_datetime', types.UTCDateTime, nullable=False),
        sa.Column('project_id', sa.String(64)),
        sa.Column('user_id', sa.String(64)),
        sa.Column('image', sa.String(255)),
        sa.Column('flavor', sa.String(255)),
        sa.Column('name', sa.String(255)),
        sa.Column('provider', sa.String(255)),
        sa.Column('fault', sa.Text),
        sa.Column('idempotency_key', sa.String(255)),
        sa.Column('request_hash', sa.String(64)),
        sa.Column('claimed_by', sa.String(255)),
        sa.Column('lease_expires', types.UTCDateTime),
        sa.UniqueConstraint('project_id', 'idempotency_key',
                            name='uniq_queues0project_id0idempotency_key'),
        sqlite_autoincrement=True,
    )
    op.create_index('queues_status_idx', 'queues', ['status'])
    op.create_index('queues_project_id_idx', 'queues', ['project_id'])
    op.create_table(
        'instances',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('queue_id', sa.Integer,
                  sa.ForeignKey('queues.id', ondelete='CASCADE'),
                  nullable=False, unique=True),
        sa.Column('account_id', sa.Integer, sa.ForeignKey('accounts.id'),
                  nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('instance_id', sa.String(255), nullable=False),
        sa.Column('ip_addr', sa.String(64), nullable=False),
        sa.Column('key_name', sa.String(255), nullable=False),
        sa.Column('key_raw', sa.Text, nullable=False),
        sa.Column('created_at', types.UTCDateTime, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        'events',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('time', types.UTCDateTime, nullable=False),
        sa.Column('desc', sa.Text, nullable=False),
        sa.Column('queue_id', sa.Integer),
        sa.Column('level', sa.String(16), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_events_queue_id', 'events', ['queue_id'])
