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

"""Schema migrations (alembic), and the schemas a service runs on.

Migrations come in two kinds, so that the hosts of a deployment can be
upgraded one at a time while the others serve:

* *expand* migrations only add (tables, columns, indexes, wider
  columns): the services of the previous release go on working on the
  schema they leave. ``openmultistack-manage db sync`` runs them.
* *contract* migrations (a module with ``contract = True``) change what
  the services of the previous release rely on: they may run only once
  every service runs this release. ``openmultistack-manage db contract``
  runs them; ``db sync`` stops before the first of them, except on an
  empty database, which no older service can be using.

A service of this release runs on the schema ``db sync`` makes of the
previous release's (:data:`OLDEST_SUPPORTED`) and on every later one it
knows (:func:`head`), contracted or not: upgrades run ``db sync`` first,
while the services of the previous release go on working, then restart
the services on the new release. A database older than the previous
release's (:data:`PREVIOUS_RELEASE`) is upgraded through that release
first: releases are not skipped.
"""

import functools
import os
import typing

from alembic import command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from alembic import script as alembic_script

from openmultistack.db import api as db_api

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), 'migrations')
#: The newest revision of the previous release. Set it to the head of
#: the release before at each release.
PREVIOUS_RELEASE = '0006'
#: The oldest schema this release runs on: what ``db sync`` makes of the
#: previous release's (its expand migrations, up to the first contract
#: one). Set it with :data:`PREVIOUS_RELEASE`; every service then reads
#: and writes that schema correctly.
OLDEST_SUPPORTED = '0008'


def _config(engine) -> alembic_config.Config:
    config = alembic_config.Config()
    config.set_main_option('script_location', MIGRATIONS_DIR)
    # env.py runs on this engine instead of reading a URL from a file.
    config.attributes['engine'] = engine
    return config


@functools.lru_cache(maxsize=1)
def _script() -> alembic_script.ScriptDirectory:
    """The migration scripts, read from disk once per process."""
    return alembic_script.ScriptDirectory.from_config(_config(None))


def revisions() -> list[str]:
    """Every revision the code knows, the oldest first."""
    return [script.revision
            for script in reversed(list(_script().walk_revisions()))]


def _contracts() -> set[str]:
    return {script.revision for script in _script().walk_revisions()
            if getattr(script.module, 'contract', False)}


def upgrade(revision: str = 'head', engine=None) -> None:
    """Bring the schema up to ``revision``."""
    command.upgrade(_config(engine or db_api.get_engine()), revision)


def expand(engine=None) -> None:
    """Run the migrations up to the first contract one not yet run.

    On an empty database, every migration: no service can be using it.
    """
    engine = engine or db_api.get_engine()
    known = revisions()
    done = current(engine)
    if done is None:
        upgrade('head', engine)
        return
    target = done
    contracts = _contracts()
    for revision in known[known.index(done) + 1:]:
        if revision in contracts:
            break
        target = revision
    upgrade(target, engine)


def pending_contracts(engine=None) -> list[str]:
    """The contract migrations the database has not had yet."""
    known = revisions()
    done = current(engine)
    later = known if done is None else known[known.index(done) + 1:]
    contracts = _contracts()
    return [revision for revision in later if revision in contracts]


def current(engine=None) -> typing.Optional[str]:
    """The revision the database is at, ``None`` when it is empty."""
    engine = engine or db_api.get_engine()
    with engine.connect() as connection:
        context = alembic_migration.MigrationContext.configure(connection)
        return context.get_current_revision()


def head() -> str:
    """The newest revision the code knows."""
    return _script().get_current_head()


def supported() -> list[str]:
    """The revisions this release runs on, the oldest first."""
    known = revisions()
    return known[known.index(OLDEST_SUPPORTED):]


def window_error(revision: typing.Optional[str]) -> typing.Optional[str]:
    """Why this release cannot run on ``revision``, in one line; or None."""
    if revision in supported():
        return None
    runs_on = '%s to %s' % (OLDEST_SUPPORTED, head())
    known = revisions()
    if revision in known and known.index(revision) < known.index(
            PREVIOUS_RELEASE):
        return ('The database is at revision %s, older than the previous '
                'release (%s): upgrade it with that release first (its '
                '"openmultistack-manage db sync" and "db contract"), then '
                'run "openmultistack-manage db sync" of this one.'
                % (revision, PREVIOUS_RELEASE))
    if revision is None or revision in known:
        return ('The database is at revision %s, older than this service '
                'runs on (%s): run "openmultistack-manage db sync".'
                % (revision or 'none (empty)', runs_on))
    return ('The database is at revision %s, which this service does not '
            'know (it runs on %s): a newer release migrated it; run that '
            'release on this host.' % (revision, runs_on))
