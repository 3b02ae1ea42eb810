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

"""Alembic environment: migrate the engine the caller hands over."""

from alembic import context

from openmultistack.db import models


def _foreign_keys(connection, state: str) -> None:
    """Turn SQLite's foreign keys on or off, outside a transaction.

    The pragma does nothing inside one, and oslo.db's engines begin one
    before every statement that goes through SQLAlchemy: it goes to the
    driver's connection, which is in autocommit mode between them.
    """
    connection.connection.driver_connection.execute(
        'PRAGMA foreign_keys=%s' % state)


def run_migrations_online() -> None:
    engine = context.config.attributes['engine']
    with engine.connect() as connection:
        sqlite = connection.dialect.name == 'sqlite'
        if sqlite:
            # A batch operation rebuilds a table (copy, drop, rename),
            # which SQLite refuses while foreign keys of another table
            # point at it: they are checked after the migrations instead.
            _foreign_keys(connection, 'OFF')
        context.configure(connection=connection,
                          target_metadata=models.Base.metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql(
                'PRAGMA foreign_key_check').all()
            connection.commit()
            _foreign_keys(connection, 'ON')
            if broken:
                raise RuntimeError('foreign keys broken by the migration: '
                                   '%s' % broken)


run_migrations_online()
