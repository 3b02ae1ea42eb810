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

"""Every stored secret names the key that encrypted it.

The tokens written by the contract migration 0005 (and by the services
on that revision) are bare Fernet tokens; from this revision on, every
token is stored as ``fernet:<key id>:<token>``
(:mod:`openmultistack.db.encryption`), so that a rotation knows which
keys are still in use and a start-up checks every key in one query.
The services of this release read both forms: this migration may run
while they serve. It needs the key repository that encrypted the
tokens, and stops, changing nothing, if a token is not readable with it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-09
"""

from alembic import op

from openmultistack.db import encryption

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    encryption.add_key_ids(op.get_bind())
