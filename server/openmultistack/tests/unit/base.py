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


"""Test bases of the reference service: configuration and database."""

import faulthandler
import json
import os
import typing
import uuid

import fixtures
from oslo_config import fixture as config_fixture
import sqlalchemy as sa
import testtools
from werkzeug import test as wz_test

from openmultistack.common import policy
from openmultistack import conf
from openmultistack.db import api as db_api
from openmultistack.db import encryption
from openmultistack.db import migration
from openmultistack.db import models

CONF = conf.CONF


# Seconds a test may run (set by tox); 0 turns the limit off.
TIMEOUT_ENV = 'OS_TEST_TIMEOUT'
DEFAULT_TIMEOUT = 120
# After the gentle timeout, this much longer before the hard one.
HARD_TIMEOUT_GRACE = 60


def test_timeout() -> int:
    """The time limit of one test, from ``OS_TEST_TIMEOUT``."""
    value = os.environ.get(TIMEOUT_ENV, '')
    try:
        return max(0, int(value))
    except ValueError:
        return DEFAULT_TIMEOUT


class BaseTestCase(testtools.TestCase):
    """Every test of the service runs for a bounded time.

    As in OpenStack projects, ``OS_TEST_TIMEOUT`` seconds (120 by
    default) after it started, a test is interrupted with
    ``fixtures.TimeoutException`` in the main thread; the limit covers
    its cleanups too. Should that not end it (a C call that never
    returns, a cleanup stuck in turn), a hard limit a minute later dumps
    the stack of every thread and ends the test process: a run never
    hangs.
    """

    def setUp(self):
        super().setUp()
        timeout = test_timeout()
        if timeout:
            # First, so that it is cancelled after every other cleanup.
            faulthandler.dump_traceback_later(
                timeout + HARD_TIMEOUT_GRACE, exit=True)
            self.addCleanup(faulthandler.cancel_dump_traceback_later)
            self.useFixture(fixtures.Timeout(timeout, gentle=True))


POSTGRESQL_URL_ENV = 'OMS_TEST_POSTGRESQL_URL'


def postgresql_url() -> str:
    """The PostgreSQL database the tests may use, or fail saying how.

    The tests that need it are in the functional suite of the service,
    which runs inside the functional stack (its PostgreSQL): there a
    missing database is an error, never a reason to skip.
    """
    url = os.environ.get(POSTGRESQL_URL_ENV)
    if not url:
        raise AssertionError(
            '%s is not set: run these tests under tools/stack/with-stack.sh'
            ' (tox -e functional) or point it at an empty database'
            % POSTGRESQL_URL_ENV)
    return url


class PostgreSQLSchema(fixtures.Fixture):
    """A schema of its own in the PostgreSQL database at ``url``.

    :attr:`url` reaches the database with that schema first on the search
    path, from any process; the schema is dropped afterwards.
    """

    def __init__(self, url: str):
        super().__init__()
        self.admin_url = url

    def _setUp(self):
        url = self.admin_url
        schema = 'oms_test_%s' % uuid.uuid4().hex[:12]
        admin = sa.create_engine(url)
        self.addCleanup(admin.dispose)
        with admin.begin() as connection:
            connection.execute(sa.text('CREATE SCHEMA %s' % schema))
        self.addCleanup(self._drop, admin, schema)
        self.url = sa.engine.make_url(url).update_query_dict(
            {'options': '-c search_path=%s' % schema}).render_as_string(
                hide_password=False)

    @staticmethod
    def _drop(admin, schema):
        with admin.begin() as connection:
            connection.execute(sa.text('DROP SCHEMA %s CASCADE' % schema))


class KeyRepository(fixtures.Fixture):
    """A key repository of its own, with its first keys, in ``CONF``."""

    def _setUp(self):
        self.path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                                 'keys')
        self.useFixture(config_fixture.Config(CONF)).config(
            group='encryption', key_repository=self.path)
        encryption.reset()
        self.addCleanup(encryption.reset)
        encryption.forget_contract()
        self.addCleanup(encryption.forget_contract)
        encryption.KeyRepository(self.path).setup()


class TestCase(BaseTestCase):
    """Fresh configuration and a migrated database per test.

    A SQLite file, or with :attr:`postgresql` a schema of its own in the
    PostgreSQL database ``OMS_TEST_POSTGRESQL_URL`` names (see
    :func:`postgresql_url`).
    """

    postgresql = False

    def setUp(self):
        super().setUp()
        # Captured, and searched by the tests that check no secret leaks.
        self.logs = self.useFixture(fixtures.FakeLogger(level='DEBUG'))
        self.config = self.useFixture(config_fixture.Config(CONF))
        # Parsed without files: nothing of the machine leaks in.
        CONF([], project='openmultistack', default_config_files=[],
             default_config_dirs=[])
        self.state_dir = self.useFixture(fixtures.TempDir()).path
        self.config.config(state_dir=self.state_dir)
        db_api.dispose()
        self.addCleanup(db_api.dispose)
        if self.postgresql:
            self.config.config(group='database', connection=self.useFixture(
                PostgreSQLSchema(postgresql_url())).url)
        policy.reset()
        self.addCleanup(policy.reset)
        self.useFixture(KeyRepository())
        migration.upgrade()

    def session(self):
        return db_api.session_scope()

    def add(self, row):
        with self.session() as session:
            session.add(row)
            session.flush()
            return row.id

    def add_account(self, **fields) -> int:
        values = {'provider': 'prov-a', 'driver': models.DRIVER_NOVA,
                  'username': 'user', 'password': 'Secret-Pass-1',
                  'auth_url': 'http://keystone.test:5000/v3',
                  'tenant_name': 'tenant', 'region_name': 'RegionOne'}
        values.update(fields)
        return self.add(models.Account(**values))

    def add_queue(self, **fields) -> int:
        return self.add(models.Queue(**fields))

    def add_instance(self, queue_id, account_id, **fields) -> int:
        values = {'name': 'vm-%d' % queue_id, 'instance_id': 'uuid-%d'
                  % queue_id, 'ip_addr': '192.0.2.%d' % queue_id,
                  'key_name': 'key-%d' % queue_id,
                  'key_raw': '-----BEGIN RSA PRIVATE KEY-----\nsecret%d'
                  % queue_id}
        values.update(fields)
        return self.add(models.Instance(queue_id=queue_id,
                                        account_id=account_id, **values))

    def get_row(self, model, row_id):
        with self.session() as session:
            return session.get(model, row_id)

    def event_descs(self) -> list:
        with self.session() as session:
            return [event.desc for event in session.query(models.Event)
                    .order_by(models.Event.id)]


class AppTestCase(TestCase):
    """Talks HTTP (in-process WSGI) to one application.

    The application is built with ``auth_strategy`` set to
    :attr:`auth_strategy` (``noauth``: the tests of what the APIs do
    send no token); ``None`` keeps the service's default.
    """

    auth_strategy: typing.Optional[str] = conf.default.NOAUTH

    def make_app(self):
        raise NotImplementedError

    def setUp(self):
        super().setUp()
        if self.auth_strategy is not None:
            self.config.config(auth_strategy=self.auth_strategy)
        self.client = wz_test.Client(self.make_app())

    def request(self, method, path, body=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if body is not None:
            kwargs['data'] = (body if isinstance(body, (str, bytes))
                              else json.dumps(body))
            headers.setdefault('Content-Type', 'application/json')
        return self.client.open(path, method=method, headers=headers,
                                **kwargs)

    def assertJSON(self, response, status, expected=None):
        """Check status and JSON type; return the parsed body."""
        text = response.get_data(as_text=True)
        self.assertEqual(status, response.status_code, text)
        self.assertEqual('application/json', response.mimetype)
        self.assertTrue(
            response.headers['x-openstack-request-id'].startswith('req-'))
        data = json.loads(text)
        if expected is not None:
            self.assertEqual(expected, data)
        return data
