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

"""One Placement for both Nova providers: ``openstack-placement``.

``placement.wsgi.api:application`` under gunicorn, in the Nova venv, on
a PostgreSQL database of its own, behind Keystone and in the catalog of
both regions. The providers' compute hosts have different names, so each
Nova finds only its own resource provider among the allocation
candidates it can map to a cell.
"""

import textwrap

from omsstack import keystone
from omsstack import layout as layout_mod
from omsstack import postgres
from omsstack import process

NAME = 'placement'
SERVICE_USER = 'placement'
DATABASE = 'placement'


def venv(layout: layout_mod.Layout):
    return layout.venvs / 'nova'


def endpoint() -> str:
    return layout_mod.url(NAME)


def prepare(layout: layout_mod.Layout, service_password: str,
            database_password: str) -> str:
    """Write placement.conf and fill the database; return the config dir.

    PostgreSQL must be running.
    """
    state = layout.state(NAME)
    conf = state / 'placement.conf'
    conf.touch(mode=0o600)
    conf.write_text(textwrap.dedent('''\
        [DEFAULT]
        use_stderr = true

        [api]
        auth_strategy = keystone

        [placement_database]
        connection = {db}

        {authtoken}''').format(
        db=postgres.database_url(database_password, DATABASE),
        authtoken=keystone.authtoken_section(SERVICE_USER, service_password)))
    postgres.create_databases(layout, DATABASE)
    process.check_call(
        [str(venv(layout) / 'bin' / 'placement-manage'),
         '--config-file', str(conf), 'db', 'sync'],
        'placement-manage db sync')
    return str(state)


def spec(layout: layout_mod.Layout, config_dir: str) -> process.Spec:
    return process.gunicorn_spec(
        layout, NAME, venv(layout), 'placement.wsgi.api:application', NAME,
        endpoint(), {'OS_PLACEMENT_CONFIG_DIR': config_dir})
