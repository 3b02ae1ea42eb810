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

"""The unit tests whose subject is the database, on PostgreSQL.

SQLite serializes every writer, so that only PostgreSQL shows whether
claims (``FOR UPDATE SKIP LOCKED``), the per-project cap (an advisory
lock), the unique index that settles a race on an Idempotency-Key and
the migrations hold with concurrent transactions. Each test
works in a schema of its own in the database ``OMS_TEST_POSTGRESQL_URL``
names, which the functional stack sets.
"""

from openmultistack.db import api as db_api
from openmultistack.tests.unit.api import test_queues
from openmultistack.tests.unit import base
from openmultistack.tests.unit.db import test_migrations
from openmultistack.tests.unit.worker import test_claims


class TestClaims(test_claims.TestClaims):
    postgresql = True


class TestClaimExclusivity(test_claims.TestClaimExclusivity):
    postgresql = True


class TestCapRace(test_queues.TestCapRace):
    postgresql = True


class TestIdempotencyRace(test_queues.TestIdempotencyRace):
    postgresql = True


class TestMigrations(test_migrations.MigrationChecks, base.BaseTestCase):

    def make_engine(self):
        schema = self.useFixture(base.PostgreSQLSchema(base.postgresql_url()))
        return db_api.create_engine(schema.url)
