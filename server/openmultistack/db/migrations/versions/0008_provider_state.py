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


"""What the workers last found of each provider account.

An expand migration: a new table, which the services of the previous
release do not know of.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10
"""

from alembic import op
import sqlalchemy as sa

from openmultistack.db import types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database stamped back to an earlier revision (to run that
    # revision's data migration again) already has the table.
    if sa.inspect(op.get_bind()).has_table('provider_state'):
        return
    op.create_table(
        'provider_state',
        sa.Column('account_id', sa.Integer(),
                  sa.ForeignKey('accounts.id', ondelete='CASCADE'),
                  primary_key=True),
        sa.Column('reachable', sa.Boolean(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('instances_used', sa.Integer(), nullable=True),
        sa.Column('instances_max', sa.Integer(), nullable=True),
        sa.Column('cores_used', sa.Integer(), nullable=True),
        sa.Column('cores_max', sa.Integer(), nullable=True),
        sa.Column('ram_used', sa.Integer(), nullable=True),
        sa.Column('ram_max', sa.Integer(), nullable=True),
        sa.Column('checked_at', types.UTCDateTime(), nullable=False),
    )
