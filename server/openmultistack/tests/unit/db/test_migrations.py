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


"""Migrations from an empty database, on SQLite.

The functional suite of the service runs the same checks on PostgreSQL.
"""

import datetime

from alembic import autogenerate
from alembic import migration as alembic_migration
import fixtures
from oslo_db import exception as db_exc
import sqlalchemy as sa

from openmultistack.db import api as db_api
from openmultistack.db import encryption
from openmultistack.db import migration
from openmultistack.db import models
from openmultistack.db import types
from openmultistack.tests.unit import base

TABLES = {'accounts', 'queues', 'instances', 'events', 'provider_state',
          'alembic_version'}


class MigrationChecks:

    def make_engine(self):
        raise NotImplementedError

    def setUp(self):
        super().setUp()
        self.useFixture(base.KeyRepository())
        self.engine = self.make_engine()
        self.addCleanup(self.engine.dispose)

    def test_upgrade_from_empty(self):
        self.assertIsNone(migration.current(self.engine))
        migration.upgrade(engine=self.engine)
        self.assertEqual(migration.head(), migration.current(self.engine))
        self.assertEqual(TABLES,
                         set(sa.inspect(self.engine).get_table_names()))
        # Again: nothing to do, nothing broken.
        migration.upgrade(engine=self.engine)
        self.assertEqual(migration.head(), migration.current(self.engine))

    def test_0002_keeps_the_first_of_raced_keys(self):
        migration.upgrade('0001', engine=self.engine)
        now = types.utcnow()
        queue = {'status': 'RUN', 'regist_datetime': now,
                 'updated_datetime': now}
        with self.engine.begin() as connection:
            insert = sa.insert(models.Queue.__table__)
            ids = [connection.execute(insert.values(dict(
                queue, idempotency_key=key, project_id=project,
                request_hash='h'))).inserted_primary_key[0]
                for key, project in (('k', None), ('k', None), ('k', 'p1'),
                                     ('other', None), (None, None))]
            account = connection.execute(sa.insert(
                models.Account.__table__).values(
                    provider='p', driver='nova', username='u',
                    password='pw', auth_url='http://x', tenant_name='t',
                    tenant_id='', region_name='', version='2',
                    user_domain_name='Default',
                    project_domain_name='Default', status='available',
                    regist_date=now)).inserted_primary_key[0]
            connection.execute(sa.insert(models.Instance.__table__).values(
                queue_id=ids[1], account_id=account, name='', ip_addr='',
                instance_id='', key_name='', key_raw='', created_at=now))
        migration.upgrade(engine=self.engine)
        queues = models.Queue.__table__
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(
                queues.c.idempotency_scope, queues.c.idempotency_key,
                queues.c.request_hash).order_by(queues.c.id)).all()
            instances = connection.execute(sa.select(
                models.Instance.__table__.c.queue_id)).scalars().all()
        self.assertEqual([('', 'k', 'h'), (None, None, None),
                          ('p1', 'k', 'h'), ('', 'other', 'h'),
                          (None, None, 'h')], [tuple(row) for row in rows])
        self.assertEqual([ids[1]], instances)
        with self.engine.connect() as connection:
            self.assertRaises(db_exc.DBDuplicateEntry, connection.execute,
                              sa.insert(queues).values(dict(
                                  queue, idempotency_key='k',
                                  idempotency_scope='')))

    def test_sync_of_the_previous_release_schema_is_the_oldest_supported(
            self):
        # The upgrade's first step leaves the schema this release needs.
        migration.upgrade(migration.PREVIOUS_RELEASE, engine=self.engine)
        self.assertIsNotNone(migration.window_error(
            migration.current(self.engine)))
        migration.expand(self.engine)
        self.assertEqual(migration.OLDEST_SUPPORTED,
                         migration.current(self.engine))
        self.assertIsNone(migration.window_error(
            migration.current(self.engine)))

    def test_sync_expands_and_contract_encrypts(self):
        migration.upgrade('0002', engine=self.engine)
        accounts = models.Account.__table__
        maker = sa.orm.sessionmaker(bind=self.engine,
                                    expire_on_commit=False)
        # Written by this release on the schema of the previous one.
        with maker.begin() as session:
            written = [models.Account(provider='p', username='u',
                                      password=password, auth_url='http://x',
                                      tenant_name='t')
                       for password in ('plain-pass-1', 'plain-pass-2')]
            queue = models.Queue(status='RUN')
            session.add_all(written + [queue])
            session.flush()
            session.add(models.Instance(queue_id=queue.id,
                                        account_id=written[0].id,
                                        key_raw='PRIVATE plain'))
        ids = [row.id for row in written]
        with self.engine.begin() as connection:
            connection.execute(sa.delete(accounts).where(
                accounts.c.id == ids[1]))
        migration.expand(self.engine)
        self.assertEqual(['0005'], migration.pending_contracts(self.engine))
        select = ('SELECT password FROM accounts UNION ALL '
                  'SELECT key_raw FROM instances')
        with self.engine.connect() as connection:
            # The services of the previous release read them still.
            self.assertEqual(['plain-pass-1', 'PRIVATE plain'],
                             connection.exec_driver_sql(select)
                             .scalars().all())
        migration.upgrade(engine=self.engine)
        self.assertEqual([], migration.pending_contracts(self.engine))
        with maker.begin() as session:
            stored = session.execute(sa.text(select)).scalars().all()
            new = models.Account(provider='p', username='u', password='x',
                                 auth_url='http://x', tenant_name='t')
            session.add(new)
        self.assertEqual(2, len(stored))
        for value in stored:
            self.assertTrue(encryption.is_token(value), value)
        self.assertEqual(['plain-pass-1', 'PRIVATE plain'],
                         [encryption.decrypt(value) for value in stored])
        # The ids of deleted accounts are not given again.
        self.assertEqual(ids[1] + 1, new.id)

    def test_0007_adds_requirements_and_choices_as_nulls(self):
        migration.upgrade('0006', engine=self.engine)
        maker = sa.orm.sessionmaker(bind=self.engine,
                                    expire_on_commit=False)
        # Written by this release on the schema before 0007.
        with maker.begin() as session:
            account = models.Account(provider='p', username='u',
                                     password='pw', auth_url='http://x',
                                     tenant_name='t')
            queue = models.Queue(status='RUN', image='cirros')
            session.add_all([account, queue])
            session.flush()
            session.add(models.Instance(queue_id=queue.id,
                                        account_id=account.id))
        migration.upgrade(engine=self.engine)
        with maker() as session:
            loaded = session.get(models.Queue, queue.id)
            self.assertEqual(
                ('cirros', None, None, None, None, None),
                (loaded.image, loaded.min_ram, loaded.min_vcpus,
                 loaded.min_disk, loaded.image_properties, loaded.skipped))
            self.assertEqual(
                (None, None, None, None),
                (loaded.instance.flavor_id, loaded.instance.flavor_name,
                 loaded.instance.image_id, loaded.instance.image_name))
        with maker.begin() as session:
            loaded = session.get(models.Queue, queue.id)
            loaded.min_ram = 4096
            loaded.image_properties = {'os_distro': 'ubuntu'}
            loaded.skipped = [{'provider': 'a', 'reason': 'quota',
                               'detail': 'instances 10 of 10 used'}]
        with maker() as session:
            loaded = session.get(models.Queue, queue.id)
            self.assertEqual(4096, loaded.min_ram)
            self.assertEqual({'os_distro': 'ubuntu'},
                             loaded.image_properties)
            self.assertEqual('quota', loaded.skipped[0]['reason'])

    def test_sync_of_an_empty_database_runs_everything(self):
        migration.expand(self.engine)
        self.assertEqual(migration.head(), migration.current(self.engine))

    def test_schema_matches_the_models(self):
        migration.upgrade(engine=self.engine)
        with self.engine.connect() as connection:
            context = alembic_migration.MigrationContext.configure(
                connection)
            diff = autogenerate.compare_metadata(context,
                                                 models.Base.metadata)
        self.assertEqual([], diff)

    def test_rows_round_trip(self):
        migration.upgrade(engine=self.engine)
        maker = sa.orm.sessionmaker(bind=self.engine,
                                    expire_on_commit=False)
        when = datetime.datetime(2016, 8, 9, 2, 29, 34, 461432,
                                 tzinfo=datetime.timezone.utc)
        with maker.begin() as session:
            account = models.Account(provider='p', username='u',
                                     password='pw', auth_url='http://x',
                                     tenant_name='t')
            queue = models.Queue(regist_datetime=when, project_id='p1',
                                 idempotency_key='k')
            session.add_all([account, queue])
            session.flush()
            session.add(models.Instance(queue_id=queue.id,
                                        account_id=account.id))
        with maker() as session:
            loaded = session.get(models.Queue, queue.id)
            self.assertEqual(when, loaded.regist_datetime)
            self.assertEqual(account.id, loaded.instance.account_id)
            session.add(models.Queue(project_id='p1', idempotency_key='k'))
            self.assertRaises(db_exc.DBDuplicateEntry, session.flush)
            session.rollback()
        with maker.begin() as session:
            session.delete(session.get(models.Queue, queue.id))
        with maker() as session:
            self.assertEqual(0, session.query(models.Instance).count())


class TestSQLite(MigrationChecks, base.BaseTestCase):

    def make_engine(self):
        path = self.useFixture(fixtures.TempDir()).path
        return db_api.create_engine('sqlite:///%s/test.sqlite' % path)

    def test_pragmas(self):
        with self.engine.connect() as connection:
            self.assertEqual('wal', connection.exec_driver_sql(
                'PRAGMA journal_mode').scalar())
            self.assertEqual(1, connection.exec_driver_sql(
                'PRAGMA foreign_keys').scalar())


class TestUTCDateTime(base.BaseTestCase):

    def test_naive_values_refused(self):
        column = types.UTCDateTime()
        self.assertRaises(ValueError, column.process_bind_param,
                          datetime.datetime(2020, 1, 1), None)

    def test_values_stored_as_utc(self):
        column = types.UTCDateTime()
        tokyo = datetime.timezone(datetime.timedelta(hours=9))
        stored = column.process_bind_param(
            datetime.datetime(2020, 1, 1, 9, 0, tzinfo=tokyo), None)
        self.assertEqual(datetime.datetime(2020, 1, 1, 0, 0), stored)
        loaded = column.process_result_value(stored, None)
        self.assertEqual(datetime.timezone.utc, loaded.tzinfo)


class TestWindow(base.BaseTestCase):
    """This release runs on the previous release's schema and its own."""

    def test_supported(self):
        self.assertEqual(migration.OLDEST_SUPPORTED,
                         migration.supported()[0])
        self.assertEqual(migration.head(), migration.supported()[-1])
        for revision in migration.supported():
            self.assertIsNone(migration.window_error(revision))

    def test_older_refused(self):
        for revision in (migration.PREVIOUS_RELEASE, None):
            error = migration.window_error(revision)
            self.assertIn('older than this service runs on (%s to %s)'
                          % (migration.OLDEST_SUPPORTED, migration.head()),
                          error)
            self.assertIn('openmultistack-manage db sync', error)

    def test_older_than_the_previous_release_refused(self):
        for revision in ('0001', '0004', '0005'):
            error = migration.window_error(revision)
            self.assertEqual(
                'The database is at revision %s, older than the previous '
                'release (%s): upgrade it with that release first (its '
                '"openmultistack-manage db sync" and "db contract"), then '
                'run "openmultistack-manage db sync" of this one.'
                % (revision, migration.PREVIOUS_RELEASE), error)

    def test_unknown_refused(self):
        error = migration.window_error('0999')
        self.assertIn('0999, which this service does not know', error)
        self.assertEqual(1, len(error.splitlines()))
