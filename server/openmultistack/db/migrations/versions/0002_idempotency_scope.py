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


"""Idempotency keys unique for anonymous requests too.

The unique constraint of 0001 on ``(project_id, idempotency_key)`` let
two anonymous requests (``project_id`` NULL, as every request under
``noauth``) with the same key both create an entry: NULLs never compare
equal. ``idempotency_scope`` holds the project, or ``''`` without one,
and is never NULL when a key is set; a unique index on it and the key
makes the database itself refuse the second entry.

Entries such a race created before this revision keep their rows; all
but the first of them lose the key.

The 0001 constraint stays: it is implied by the new index, and dropping
it would recreate the queues table on SQLite.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

INDEX = 'uniq_queues0idempotency_scope0idempotency_key'


def upgrade() -> None:
    op.add_column('queues', sa.Column('idempotency_scope', sa.String(64)))
    queues = sa.table('queues', sa.column('id', sa.Integer),
                      sa.column('project_id', sa.String),
                      sa.column('idempotency_key', sa.String),
                      sa.column('idempotency_scope', sa.String),
                      sa.column('request_hash', sa.String))
    scope = sa.func.coalesce(queues.c.project_id, '')
    keyed = queues.c.idempotency_key.is_not(None)
    earlier = queues.alias('earlier')
    first = (sa.select(sa.func.min(earlier.c.id))
             .where(earlier.c.idempotency_key.is_not(None))
             .group_by(sa.func.coalesce(earlier.c.project_id, ''),
                       earlier.c.idempotency_key))
    op.execute(queues.update().where(keyed, queues.c.id.in_(first))
               .values(idempotency_scope=scope))
    op.execute(queues.update().where(keyed,
                                     queues.c.idempotency_scope.is_(None))
               .values(idempotency_key=None, request_hash=None))
    op.create_index(INDEX, 'queues', ['idempotency_scope',
                                      'idempotency_key'], unique=True)
