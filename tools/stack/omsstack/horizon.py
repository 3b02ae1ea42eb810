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

"""Horizon from PyPI with the repository's dashboard plugin.

Horizon runs in a venv of its own (``venvs/horizon``, where the client
and ``dashboard/`` are installed editable) under Django's ``runserver``
with ``--insecure``, which serves the static files without a separate web
server; ``DEBUG`` stays off, as in production, so that an error never
shows Django's debug page. The stack writes ``local_settings.py`` and
copies the plugin's ``enabled/`` files into Horizon's ``local/`` folder,
the way a Horizon plugin is installed, then compresses the stylesheets
and scripts offline (about 15 s), as a production Horizon does: compressed
on each request, every page would take seconds.
"""

import os
import pathlib
import secrets
import shutil
import subprocess
import textwrap

from omsstack import keystone
from omsstack import layout as layout_mod
from omsstack import process
from omsstack import tls

NAME = 'horizon'
SETTINGS = 'openstack_dashboard.settings'
# After Horizon's own _1020_project_overview_panel.py.
NO_PROJECT_OVERVIEW = '_1021_omsstack_no_project_overview.py'


def venv(layout: layout_mod.Layout) -> pathlib.Path:
    return layout.venvs / NAME


def url(path: str = '/') -> str:
    return layout_mod.url(NAME, path)


def _package_dir(layout: layout_mod.Layout, package: str) -> pathlib.Path:
    python = venv(layout) / 'bin' / 'python'
    if not python.exists():
        raise process.StackError(
            'Horizon is not installed in %s: run tools/stack/install.sh'
            % venv(layout))
    result = subprocess.run(
        [str(python), '-c',
         'import %s, os; print(os.path.dirname(%s.__file__))'
         % (package, package)],
        capture_output=True, text=True)
    if result.returncode:
        raise process.StackError('cannot import %s in %s:\n%s' % (
            package, venv(layout), result.stderr[-2000:]))
    return pathlib.Path(result.stdout.strip())


def local_settings(layout: layout_mod.Layout) -> str:
    """The ``local_settings.py`` of the stack's Horizon."""
    state = layout.state(NAME)
    return textwrap.dedent('''\
        # Written by tools/stack/omsstack/horizon.py at each start.
        from openstack_dashboard.settings import HORIZON_CONFIG

        DEBUG = False
        ALLOWED_HOSTS = [{host!r}, 'localhost']
        SECRET_KEY = {secret!r}
        OPENSTACK_KEYSTONE_URL = {auth_url!r}
        OPENSTACK_KEYSTONE_DEFAULT_ROLE = 'member'
        # The Nova providers add a second region: the dashboard's services
        # are in the first.
        DEFAULT_SERVICE_REGIONS = {{'*': {region!r}}}
        TIME_ZONE = 'UTC'
        # The multistack and metering endpoints are https, behind the
        # stack's proxy: trust the stack's CA.
        OPENSTACK_SSL_CACERT = {cacert!r}
        # Land on the plugin's panel; Horizon's project overview, which
        # needs a network service, is removed (enabled/{overview}).
        HORIZON_CONFIG['user_home'] = {home!r}
        STATIC_ROOT = {static!r}
        COMPRESS_OFFLINE = True
        CACHES = {{'default': {{
            'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}}}}
        LOGGING = {{
            'version': 1,
            'disable_existing_loggers': False,
            'handlers': {{'console': {{'class': 'logging.StreamHandler'}}}},
            'root': {{'handlers': ['console'], 'level': 'INFO'}},
        }}
        ''').format(host=layout_mod.HOST, secret=secrets.token_urlsafe(32),
                    auth_url=keystone.auth_url(), region=keystone.REGION,
                    static=str(state / 'static'),
                    cacert=str(tls.ca_file(layout)),
                    home='/project/multistack_instances/',
                    overview=NO_PROJECT_OVERVIEW)


def _django_admin(layout: layout_mod.Layout, *args: str) -> None:
    result = subprocess.run(
        [str(venv(layout) / 'bin' / 'django-admin')] + list(args),
        env=dict(os.environ, DJANGO_SETTINGS_MODULE=SETTINGS),
        cwd=str(layout.state(NAME)), capture_output=True, text=True)
    if result.returncode:
        raise process.StackError('django-admin %s failed:\n%s' % (
            args[0], (result.stdout + result.stderr)[-3000:]))


def prepare(layout: layout_mod.Layout) -> None:
    """Write ``local_settings.py``, enable the plugin, compress."""
    local = _package_dir(layout, 'openstack_dashboard') / 'local'
    settings = local / 'local_settings.py'
    settings.touch(mode=0o600)
    settings.write_text(local_settings(layout))
    enabled = local / 'enabled'
    for old in enabled.glob('_*_oms*.py'):
        old.unlink()
    (enabled / NO_PROJECT_OVERVIEW).write_text(textwrap.dedent('''\
        # Written by tools/stack/omsstack/horizon.py at each start.
        # Horizon's project overview asks the network service for its
        # quota extension, and the stack has no network service. The
        # dashboard's root shows a panel whose URLs take no name (the root
        # holds the default panel's URLs before the others').
        PANEL = 'overview'
        PANEL_DASHBOARD = 'project'
        PANEL_GROUP = 'compute'
        REMOVE_PANEL = True
        DEFAULT_PANEL = 'api_access'
        '''))
    plugin = _package_dir(layout, 'omsdashboard') / 'enabled'
    for source in sorted(plugin.glob('_9*.py')):
        shutil.copy(source, enabled / source.name)
    _django_admin(layout, 'compress', '--force')


def spec(layout: layout_mod.Layout) -> process.Spec:
    bind = '%s:%d' % (layout_mod.HOST, layout_mod.PORTS[NAME])
    return process.Spec(
        name=NAME,
        argv=[str(venv(layout) / 'bin' / 'django-admin'), 'runserver',
              '--insecure', '--noreload', bind],
        env={'DJANGO_SETTINGS_MODULE': SETTINGS},
        cwd=str(layout.state(NAME)),
        ready={'http': url('/auth/login/')},
        ready_timeout=120)
