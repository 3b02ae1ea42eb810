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


"""Secrets encrypted at rest (contract).

Encrypts every account password and private key stored in plain text
with the keys of ``[encryption] key_repository``; from this revision on,
every service encrypts the secrets it writes. A service of the previous
release would read the tokens as passwords: run it (``openmultistack-manage
db contract``) only once every service runs this release.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

from alembic import op

from openmultistack.db import encryption

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None
contract = True


def upgrade() -> None:
    encryption.encrypt_plain_rows(op.get_bind())
