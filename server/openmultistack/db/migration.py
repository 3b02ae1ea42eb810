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

"""Schema migrations (alembic), run by ``openmultistack-manage db sync``."""

import os
import typing

from alembic import command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from alembic import script as alembic_script

from openmultistack.db import api as db_api

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), 'migrations')


def _config(engine) -> alembic_config.Config:
    config = alembic_config.Config()
    config.set_main_option('script_location', MIGRATIONS_DIR)
    # env.py runs on this engine instead of reading a URL from a file.
    config.attributes['engine'] = engine
    return config


def upgrade(revision: str = 'head', engine=None) -> None:
    """Bring the schema up to ``revision``."""
    command.upgrade(_config(engine or db_api.get_engine()), revision)


def current(engine=None) -> typing.Optional[str]:
    """The revision the database is at, ``None`` when it is empty."""
    engine = engine or db_api.get_engine()
    with engine.connect() as connection:
        context = alembic_migration.MigrationContext.configure(connection)
        return context.get_current_revision()


def head() -> str:
    """The newest revision the code knows."""
    script = alembic_script.ScriptDirectory.from_config(_config(None))
    return script.get_current_head()
