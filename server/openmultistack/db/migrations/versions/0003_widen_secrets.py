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


"""Room for encrypted secrets (expand).

Account passwords are to be stored as Fernet tokens, longer than the 255
characters of their column, which becomes TEXT. The services of the
previous release work on as before; the secrets stay in plain text until
the contract migration 0005 encrypts them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _widen_password() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    if sqlite:
        # Rebuilding the table must not let ids be used again.
        sequence = bind.exec_driver_sql(
            "SELECT seq FROM sqlite_sequence WHERE name = 'accounts'"
        ).scalar()
    with op.batch_alter_table(
            'accounts', table_kwargs={'sqlite_autoincrement': True}) as batch:
        batch.alter_column('password', type_=sa.Text,
                           existing_type=sa.String(255),
                           existing_nullable=False)
    if sqlite and sequence is not None:
        bind.exec_driver_sql(
            "UPDATE sqlite_sequence SET seq = MAX(seq, ?) "
            "WHERE name = 'accounts'", (sequence,))


def upgrade() -> None:
    _widen_password()
