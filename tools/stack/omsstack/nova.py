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

"""Two Nova compute providers: real Nova API on the fake virt driver.

``tools/stack/nova_provider.py`` (run with the Nova venv's python) serves
one whole Nova (API, conductor, scheduler, compute) in one process; two of
them on two ports are two providers, and stopping one is a real outage.
"""

import os

from omsstack import keystone
from omsstack import layout as layout_mod
from omsstack import process

# Each provider is the compute endpoint of its own region in Keystone.
PROVIDERS = {'nova-a': 'RegionOne', 'nova-b': 'RegionTwo'}
# The user keystonemiddleware in each Nova validates tokens with.
SERVICE_USER = 'nova'
# The user and project the reference service's accounts boot servers as.
ACCOUNT_USER = 'oms-provider'
ACCOUNT_PROJECT = 'providers'
MODES = ('keystone', 'noauth')
# The driver of the accounts of a Nova without Keystone; registered by
# tools/stack/providers, which the tox environments install.
NOAUTH_DRIVER = 'nova-noauth'


def auth_mode() -> str:
    """``keystone`` (default) or ``noauth``, from OMS_STACK_NOVA_AUTH."""
    mode = os.environ.get('OMS_STACK_NOVA_AUTH') or 'keystone'
    if mode not in MODES:
        raise process.StackError(
            'OMS_STACK_NOVA_AUTH must be one of %s, not %r'
            % (', '.join(MODES), mode))
    return mode


def venv(layout: layout_mod.Layout):
    return layout.venvs / 'nova'


def endpoint(name: str) -> str:
    """The compute endpoint of one provider."""
    return layout_mod.url(name, '/v2.1')


def spec(layout: layout_mod.Layout, name: str, mode: str,
         service_password: str) -> process.Spec:
    script = layout.repo / 'tools' / 'stack' / 'nova_provider.py'
    python = venv(layout) / 'bin' / 'python'
    if not python.exists():
        raise process.StackError(
            'Nova is not installed in %s: run tools/stack/install.sh'
            % venv(layout))
    if not script.exists():
        raise process.StackError('%s is missing' % script)
    argv = [str(python), str(script),
            '--port', str(layout_mod.PORTS[name]), '--auth', mode]
    env = {}
    if mode == 'keystone':
        argv += ['--keystone-url', keystone.auth_url()]
        env = {'OMS_NOVA_KS_USERNAME': SERVICE_USER,
               'OMS_NOVA_KS_PASSWORD': service_password,
               'OMS_NOVA_KS_PROJECT': keystone.SERVICE_PROJECT}
    return process.Spec(
        name=name,
        argv=argv,
        env=env,
        cwd=str(layout.state(name)),
        ready={'http': layout_mod.url(name, '/')},
        # The very first start compiles nova's bytecode.
        ready_timeout=180,
        stop_timeout=20)


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


def account(name: str, mode: str, password: str) -> dict[str, str]:
    """The reference service's account for one provider.

    With Keystone the account authenticates as a Keystone user and finds
    its Nova in the catalog of its region. Without, the account's driver
    is the stack's own ``nova-noauth`` (``tools/stack/providers``), which
    sends the token ``username:tenant_name`` straight to the compute
    endpoint its ``auth_url`` names. ``version`` 2 lets the driver
    discover the microversion.
    """
    if mode == 'keystone':
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
    return {
        'provider': name,
        'driver': NOAUTH_DRIVER,
        'auth_url': endpoint(name),
        'username': 'oms',
        'password': 'unused-%s' % name,
        'tenant_name': name,
        'tenant_id': name,
        'region_name': PROVIDERS[name],
        'version': '2',
    }


def describe(mode: str, password: str) -> dict:
    """What tests need to look at each Nova as the accounts see it."""
    return {name: dict(account(name, mode, password), service=name,
                       auth=mode, endpoint=endpoint(name))
            for name in PROVIDERS}
