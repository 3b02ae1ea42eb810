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

"""Two instances of the reference OpenMultiStack service.

``oms``: behind Keystone (keystonemiddleware, ``auth_strategy =
keystone``) on PostgreSQL, served as in production: each API is a WSGI
application under gunicorn on loopback (``oms-api``, ``oms-metering``,
with ``server/etc/openmultistack/gunicorn.conf.py``) behind the
TLS-terminating proxy (:mod:`proxy`), which alone listens on the public
ports; the worker is a process of its own, so that a test can kill it
alone. ``oms-noauth``: the all-in-one process without Keystone on SQLite
with the simulated provider, plain http on loopback, for
``--os-auth-type none`` and for bulk data.

Both run from the Python environment that runs this module (the tox env,
where the repository is installed with its ``server`` extra).
"""

import pathlib
import subprocess
import sys
import textwrap

from omsstack import keystone
from omsstack import layout as layout_mod
from omsstack import process
from omsstack import rabbitmq

NOAUTH_SERVICE = 'oms-noauth'


def _script(name: str) -> str:
    path = pathlib.Path(sys.executable).parent / name
    if not path.exists():
        raise process.StackError(
            '%s is missing: install the repository with its server extra '
            "(pip install -e '.[cli]' -e './server[postgresql]' "
            '-e tools/stack/providers)' % path)
    return str(path)


def _common_conf(api_port: int, metering_port: int) -> str:
    return textwrap.dedent('''\
        [api]
        host = {host}
        port = {api_port}

        [metering]
        host = {host}
        port = {metering_port}

        [rabbit_management]
        url = {rabbit}
        username = {rabbit_user}
        password = {rabbit_password}
        timeout = 5

        [worker]
        poll_interval = 0.5
        status_poll_interval = 0.5
        lease_duration = 10
        boot_timeout = 60
        provider_timeout = 10
        graceful_shutdown_timeout = 10
        destroy_retry_interval = 5
        ''').format(host=layout_mod.HOST, api_port=api_port,
                    metering_port=metering_port,
                    rabbit=rabbitmq.management_url('/api/'),
                    rabbit_user=rabbitmq.USER,
                    rabbit_password=rabbitmq.PASSWORD)


def _write_conf(layout: layout_mod.Layout, name: str, head: str,
                api_port: int, metering_port: int) -> str:
    conf = layout.state(name) / 'openmultistack.conf'
    conf.touch(mode=0o600)
    conf.write_text(head + _common_conf(api_port, metering_port))
    return str(conf)


def write_keystone_conf(layout: layout_mod.Layout, database_url: str,
                        service_password: str) -> str:
    head = textwrap.dedent('''\
        [DEFAULT]
        auth_strategy = keystone
        state_dir = {state}
        debug = true

        [database]
        connection = {db}

        [oslo_middleware]
        enable_proxy_headers_parsing = true

        [keystone_authtoken]
        www_authenticate_uri = {auth_url}
        auth_url = {auth_url}
        auth_type = password
        username = {user}
        password = {password}
        user_domain_name = Default
        project_name = {project}
        project_domain_name = Default
        region_name = {region}

        ''').format(state=layout.state('oms'), db=database_url,
                    auth_url=keystone.auth_url(),
                    user=keystone.SERVICE_USER, password=service_password,
                    project=keystone.SERVICE_PROJECT,
                    region=keystone.REGION)
    return _write_conf(layout, 'oms', head,
                       layout_mod.PORTS['oms-api-wsgi'],
                       layout_mod.PORTS['oms-metering-wsgi'])


def write_noauth_conf(layout: layout_mod.Layout) -> str:
    head = textwrap.dedent('''\
        [DEFAULT]
        auth_strategy = noauth
        state_dir = {state}
        bootstrap_simulated_accounts = 2

        ''').format(state=layout.state('oms-noauth'))
    return _write_conf(layout, 'oms-noauth', head,
                       layout_mod.PORTS['oms-noauth-api'],
                       layout_mod.PORTS['oms-noauth-metering'])


def db_sync(conf: str) -> None:
    """Create the keys of the secrets, then the schema."""
    for command in (['keys', 'setup'], ['db', 'sync']):
        result = subprocess.run(
            [_script('openmultistack-manage'), '--config-file', conf] +
            command, capture_output=True, text=True)
        if result.returncode:
            output = result.stderr or result.stdout
            raise process.StackError('openmultistack-manage %s failed:\n%s'
                                     % (' '.join(command), output[-2000:]))


def _gunicorn(layout: layout_mod.Layout, name: str, application: str,
              conf: str, ready_path: str) -> process.Spec:
    """``name`` under gunicorn on its loopback port, behind the proxy."""
    port = '%s-wsgi' % name
    return process.Spec(
        name=name,
        argv=[_script('gunicorn'), '--config',
              str(layout.repo / 'server' / 'etc' / 'openmultistack' /
                  'gunicorn.conf.py'),
              '--workers', '2', '--bind',
              '%s:%d' % (layout_mod.HOST, layout_mod.PORTS[port]),
              application],
        env={'OMS_CONFIG_FILES': conf},
        cwd=str(layout.state('oms')),
        ready={'http': layout_mod.url(port, ready_path)},
        ready_timeout=60)


def keystone_specs(layout: layout_mod.Layout,
                   conf: str) -> list[process.Spec]:
    cwd = str(layout.state('oms'))
    return [
        _gunicorn(layout, 'oms-api', 'openmultistack.api.wsgi:application',
                  conf, '/api/'),
        _gunicorn(layout, 'oms-metering',
                  'openmultistack.metering.wsgi:application', conf,
                  '/v2/logs'),
        process.Spec(
            name='oms-worker',
            argv=[_script('openmultistack-worker'), '--config-file', conf],
            cwd=cwd,
            ready_timeout=30),
    ]


def noauth_spec(layout: layout_mod.Layout, conf: str) -> process.Spec:
    return process.Spec(
        name=NOAUTH_SERVICE,
        argv=[_script('openmultistack-all'), '--config-file', conf],
        cwd=str(layout.state('oms-noauth')),
        ready={'http': layout_mod.url('oms-noauth-api', '/api/')},
        ready_timeout=60)
