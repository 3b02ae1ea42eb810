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

"""What an entry needs, and what the worker chose for it (expand).

A queue entry may ask for minimums (``min_ram`` in MB, ``min_vcpus``,
``min_disk`` in GB) and image properties instead of naming a flavor and
an image; ``skipped`` records why each provider was passed over. An
instance records the flavor and image chosen on its provider. Every new
column is nullable: the services of the previous release write rows
without them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from alembic import op
from oslo_db.sqlalchemy import types as db_types
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for name in ('min_ram', 'min_vcpus', 'min_disk'):
        op.add_column('queues', sa.Column(name, sa.Integer))
    op.add_column('queues', sa.Column('image_properties',
                                      db_types.JsonEncodedDict))
    op.add_column('queues', sa.Column('skipped', db_types.JsonEncodedList))
    for name in ('flavor_id', 'flavor_name', 'image_id', 'image_name'):
        op.add_column('instances', sa.Column(name, sa.String(255)))
