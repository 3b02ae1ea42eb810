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

"""Keystone from PyPI under gunicorn: SQLite, fernet tokens, bootstrapped.

Then the identities the tests use, created in one Python session with
python-keystoneclient (a CLI call per object would cost seconds each).
"""

import concurrent.futures
import textwrap

from omsstack import layout as layout_mod
from omsstack import process

REGION = 'RegionOne'
ADMIN_PROJECT = 'admin'
MEMBER_PROJECT = 'demo'
SERVICE_PROJECT = 'service'
SERVICE_USER = 'openmultistack'


def venv(layout: layout_mod.Layout):
    return layout.venvs / 'keystone'


def _manage(layout, conf, *args):
    process.check_call(
        [str(venv(layout) / 'bin' / 'keystone-manage'),
         '--config-file', str(conf)] + list(args),
        'keystone-manage %s' % args[0])


def prepare(layout: layout_mod.Layout, admin_password: str) -> str:
    """Write keystone.conf, create the database and keys, bootstrap."""
    if not (venv(layout) / 'bin' / 'gunicorn').exists():
        raise process.StackError(
            'Keystone is not installed in %s: run tools/stack/install.sh'
            % venv(layout))
    state = layout.state('keystone')
    keys = {}
    for name in ('fernet-keys', 'credential-keys'):
        keys[name] = state / name
        keys[name].mkdir(mode=0o700, exist_ok=True)
    conf = state / 'keystone.conf'
    # Receipts share the token keys, as with Keystone's defaults.
    conf.write_text(textwrap.dedent('''\
        [DEFAULT]
        use_stderr = true

        [database]
        connection = sqlite:///{db}

        [token]
        provider = fernet

        [fernet_tokens]
        key_repository = {fernet}

        [fernet_receipts]
        key_repository = {fernet}

        [credential]
        key_repository = {credential}
        ''').format(db=state / 'keystone.db', fernet=keys['fernet-keys'],
                    credential=keys['credential-keys']))
    _manage(layout, conf, 'db_sync')
    owner = ('--keystone-user', 'root', '--keystone-group', 'root')
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        for job in [pool.submit(_manage, layout, conf, step, *owner)
                    for step in ('fernet_setup', 'credential_setup')]:
            job.result()
    _manage(layout, conf, 'bootstrap',
            '--bootstrap-password', admin_password,
            '--bootstrap-username', 'admin',
            '--bootstrap-project-name', ADMIN_PROJECT,
            '--bootstrap-role-name', 'admin',
            '--bootstrap-service-name', 'keystone',
            '--bootstrap-region-id', REGION,
            '--bootstrap-admin-url', auth_url(),
            '--bootstrap-public-url', auth_url(),
            '--bootstrap-internal-url', auth_url())
    return str(conf)


def auth_url() -> str:
    return layout_mod.url('keystone', '/v3')


def spec(layout: layout_mod.Layout, conf: str) -> process.Spec:
    return process.gunicorn_spec(
        layout, 'keystone', venv(layout), 'keystone.wsgi.api:application',
        'keystone', auth_url(), {'OS_KEYSTONE_CONFIG_FILES': conf},
        workers=2, ready_timeout=90)


def authtoken_section(username: str, password: str) -> str:
    """keystonemiddleware's options for a service user of the stack."""
    return textwrap.dedent('''\
        [keystone_authtoken]
        www_authenticate_uri = {url}
        auth_url = {url}
        auth_type = password
        username = {username}
        password = {password}
        user_domain_name = Default
        project_name = {project}
        project_domain_name = Default
        interface = public
        ''').format(url=auth_url(), username=username, password=password,
                    project=SERVICE_PROJECT)


def password_session(password, username='admin', project=ADMIN_PROJECT,
                     verify=True):
    """A keystoneauth session; ``verify``: a CA file for https services."""
    from keystoneauth1.identity import v3
    from keystoneauth1 import session
    auth = v3.Password(auth_url=auth_url(), username=username,
                       password=password, project_name=project,
                       user_domain_id='default', project_domain_id='default')
    return session.Session(auth=auth, verify=verify)


def register(admin_password: str, users: list[tuple[str, str, str, str]],
             endpoints: list[tuple[str, str, str]]) -> None:
    """Create projects, users with one role each, services and endpoints.

    ``users``: ``(name, password, project, role)``; ``endpoints``:
    ``(service type, public URL, region)``. Missing projects, roles and
    regions are created.
    """
    from keystoneclient.v3 import client

    ks = client.Client(session=password_session(admin_password))
    default = ks.domains.get('default')
    projects = {p.name: p for p in ks.projects.list()}
    roles = {r.name: r for r in ks.roles.list()}
    for name, password, project, role in users:
        if project not in projects:
            projects[project] = ks.projects.create(project, default)
        if role not in roles:
            roles[role] = ks.roles.create(role)
        user = ks.users.create(name, domain=default, password=password,
                               default_project=projects[project])
        ks.roles.grant(roles[role], user=user, project=projects[project])
    regions = {r.id for r in ks.regions.list()}
    services = {}
    for service_type, url, region in endpoints:
        if region not in regions:
            regions.add(ks.regions.create(id=region).id)
        if service_type not in services:
            services[service_type] = ks.services.create(
                service_type, type=service_type)
        ks.endpoints.create(services[service_type], url,
                            interface='public', region=region)
