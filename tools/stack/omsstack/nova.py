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

"""Two Nova compute providers, each a Nova deployment as devstack lays it.

Per provider: ``nova-api`` (``nova.wsgi.osapi_compute:application`` under
gunicorn), ``nova-conductor``, ``nova-scheduler`` and ``nova-compute`` with
Nova's fake virt driver (the one with a stable node identity, so that a
stopped compute starts again), each a process of its own, talking over a
RabbitMQ virtual host of their own and storing in three PostgreSQL
databases (API, cell0, cell1) set up with ``nova-manage``. The API is the
``compute`` endpoint of its region, behind Keystone. Both share the
stack's Placement and Glance, and ask :mod:`no_network` what Nova must
ask a network service.
"""

import textwrap
import time

from omsstack import keystone
from omsstack import layout as layout_mod
from omsstack import no_network
from omsstack import postgres
from omsstack import process
from omsstack import rabbitmq

# Each provider is the compute endpoint of its own region in Keystone.
PROVIDERS = {'nova-a': 'RegionOne', 'nova-b': 'RegionTwo'}
# The processes of one provider, named <provider>-<role>.
ROLES = ('api', 'conductor', 'scheduler', 'compute')
# The user the Nova services use: keystonemiddleware, Placement, Glance.
SERVICE_USER = 'nova'
# The user and project the reference service's accounts boot servers as.
ACCOUNT_USER = 'oms-provider'
ACCOUNT_PROJECT = 'providers'
# Seconds: how often each service reports, and after how long without a
# report Nova takes it for down. Short, so that a stopped nova-compute is
# soon left out by the scheduler (the failover tests wait for that).
REPORT_INTERVAL = 2
SERVICE_DOWN_TIME = 10
# name, RAM (MB), vCPUs, disk (GB), public.
FLAVORS = (
    ('m1.tiny', 512, 1, 1, True),
    ('m1.small', 2048, 1, 20, True),
    ('m1.medium', 4096, 2, 40, True),
    ('m1.large', 8192, 4, 80, True),
    ('m1.private', 1024, 1, 10, False),
)


def venv(layout: layout_mod.Layout):
    return layout.venvs / 'nova'


def _paste(layout: layout_mod.Layout):
    return venv(layout) / 'etc' / 'nova' / 'api-paste.ini'


def endpoint(name: str) -> str:
    """The compute endpoint of one provider."""
    return layout_mod.url(name, '/v2.1')


def service(name: str, role: str) -> str:
    return '%s-%s' % (name, role)


def _databases(name: str) -> dict[str, str]:
    prefix = name.replace('-', '_')
    return {'api': prefix + '_api', 'cell0': prefix + '_cell0',
            'cell1': prefix}


def _conf(layout, name, service_password, database_password) -> str:
    state = layout.state(name)
    databases = {cell: postgres.database_url(database_password, database)
                 for cell, database in _databases(name).items()}
    services = textwrap.dedent('''\
        auth_type = password
        auth_url = {url}
        username = {user}
        password = {password}
        user_domain_name = Default
        project_name = {project}
        project_domain_name = Default
        region_name = {region}
        valid_interfaces = public
        ''').format(url=keystone.auth_url(), user=SERVICE_USER,
                    password=service_password,
                    project=keystone.SERVICE_PROJECT,
                    region=PROVIDERS[name])
    return textwrap.dedent('''\
        [DEFAULT]
        host = {name}
        my_ip = {host}
        state_path = {state}
        instances_path = {state}/instances
        compute_driver = fake.FakeDriverWithoutFakeNodes
        transport_url = {transport}
        use_stderr = true
        report_interval = {report}
        update_resources_interval = 10
        service_down_time = {down}
        # No network service: the instance info cache needs none.
        heal_instance_info_cache_interval = -1
        osapi_compute_workers = 1
        metadata_workers = 1

        [api]
        auth_strategy = keystone

        [wsgi]
        api_paste_config = {paste}

        [api_database]
        connection = {api}

        [database]
        connection = {cell1}

        [conductor]
        workers = 1

        [scheduler]
        workers = 1
        discover_hosts_in_cells_interval = 2

        [quota]
        instances = 50
        cores = -1
        ram = -1

        [oslo_concurrency]
        lock_path = {state}/locks

        [oslo_messaging_notifications]
        driver = noop

        [vnc]
        enabled = false

        [placement]
        {services}
        [glance]
        region_name = {region}
        valid_interfaces = public

        [neutron]
        {services}endpoint_override = {network}

        {authtoken}''').format(
        name=name, host=layout_mod.HOST, state=state,
        transport=rabbitmq.transport_url(name),
        report=REPORT_INTERVAL, down=SERVICE_DOWN_TIME,
        paste=_paste(layout),
        api=databases['api'], cell1=databases['cell1'],
        services=services, region=PROVIDERS[name],
        network=no_network.endpoint(),
        authtoken=keystone.authtoken_section(SERVICE_USER, service_password))


def prepare(layout: layout_mod.Layout, name: str, service_password: str,
            database_password: str) -> str:
    """Write nova.conf, create and fill the databases; return nova.conf.

    PostgreSQL must be running; RabbitMQ need not be yet.
    """
    if not (venv(layout) / 'bin' / 'nova-manage').exists():
        raise process.StackError(
            'Nova is not installed in %s: run tools/stack/install.sh'
            % venv(layout))
    conf = layout.state(name) / 'nova.conf'
    conf.touch(mode=0o600)
    conf.write_text(_conf(layout, name, service_password, database_password))
    databases = _databases(name)
    postgres.create_databases(layout, *databases.values())

    def manage(*args):
        process.check_call(
            [str(venv(layout) / 'bin' / 'nova-manage'),
             '--config-file', str(conf)] + list(args),
            'nova-manage %s (%s)' % (' '.join(args[:2]), name))

    manage('api_db', 'sync')
    manage('cell_v2', 'map_cell0', '--database_connection',
           postgres.database_url(database_password, databases['cell0']))
    manage('cell_v2', 'create_cell', '--name', 'cell1')
    manage('db', 'sync')
    return str(conf)


def specs(layout: layout_mod.Layout, name: str,
          conf: str) -> list[process.Spec]:
    """The four processes of one provider, the API first."""
    result = [process.gunicorn_spec(
        layout, service(name, 'api'), venv(layout),
        'nova.wsgi.osapi_compute:application', name,
        layout_mod.url(name, '/'),
        # The paste file first: Nova loads its application from there.
        {'OS_NOVA_CONFIG_FILES': '%s;%s' % (_paste(layout), conf)},
        # The very first start compiles nova's bytecode.
        ready_timeout=180)]
    for role in ROLES[1:]:
        result.append(process.Spec(
            name=service(name, role),
            argv=[str(venv(layout) / 'bin' / ('nova-%s' % role)),
                  '--config-file', conf],
            cwd=str(layout.state(name)),
            stop_timeout=20))
    return result


def identities(passwords: dict[str, str]) -> tuple[list, list]:
    """Keystone users and compute endpoints of the providers."""
    users = [
        (SERVICE_USER, passwords[SERVICE_USER], keystone.SERVICE_PROJECT,
         'service'),
        (ACCOUNT_USER, passwords[ACCOUNT_USER], ACCOUNT_PROJECT, 'member'),
    ]
    endpoints = [('compute', endpoint(name), region)
                 for name, region in PROVIDERS.items()]
    return users, endpoints


def _client(session, name: str):
    from novaclient import client
    return client.Client('2.1', session=session,
                         region_name=PROVIDERS[name],
                         endpoint_type='public')


def wait_for_compute(layout: layout_mod.Layout, session, name: str,
                     timeout: float = 180) -> None:
    """Wait until the provider's compute host is up and mapped to its cell.

    Until then the scheduler finds no host and a boot goes to ERROR.
    """
    nova = _client(session, name)
    deadline = time.monotonic() + timeout
    while True:
        hypervisors = [h for h in nova.hypervisors.list()
                       if h.state == 'up' and h.status == 'enabled']
        if hypervisors:
            return
        if time.monotonic() > deadline:
            raise process.StackError(
                'no compute host of %s came up in %d s; see %s' % (
                    name, timeout,
                    process.log_path(layout, service(name, 'compute'))))
        time.sleep(1)


def create_flavors(session, name: str) -> None:
    nova = _client(session, name)
    for flavor, ram, vcpus, disk, public in FLAVORS:
        nova.flavors.create(flavor, ram, vcpus, disk, is_public=public)


def account(name: str, password: str) -> dict[str, str]:
    """The reference service's account for one provider.

    It authenticates as a Keystone user and finds its Nova in the catalog
    of its region. ``version`` 2 lets the driver discover the
    microversion.
    """
    return {
        'provider': name,
        'driver': 'nova',
        'auth_url': keystone.auth_url(),
        'username': ACCOUNT_USER,
        'password': password,
        'tenant_name': ACCOUNT_PROJECT,
        'region_name': PROVIDERS[name],
        'user_domain_name': 'Default',
        'project_domain_name': 'Default',
        'version': '2',
    }


def describe(password: str) -> dict:
    """What tests need to look at each Nova as the accounts see it."""
    return {name: dict(account(name, password), auth='keystone',
                       endpoint=endpoint(name),
                       services={role: service(name, role)
                                 for role in ROLES})
            for name in PROVIDERS}
