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

from omsstack import layout as layout_mod
from omsstack import process

PROVIDERS = ('nova-a', 'nova-b')
AUTH = 'noauth'


def venv(layout: layout_mod.Layout):
    return layout.venvs / 'nova'


def endpoint(name: str) -> str:
    """The compute endpoint of one provider."""
    return layout_mod.url(name, '/v2.1')


def spec(layout: layout_mod.Layout, name: str) -> process.Spec:
    script = layout.repo / 'tools' / 'stack' / 'nova_provider.py'
    python = venv(layout) / 'bin' / 'python'
    if not python.exists():
        raise process.StackError(
            'Nova is not installed in %s: run tools/stack/install.sh'
            % venv(layout))
    if not script.exists():
        raise process.StackError('%s is missing' % script)
    return process.Spec(
        name=name,
        argv=[str(python), str(script),
              '--port', str(layout_mod.PORTS[name]), '--auth', AUTH],
        cwd=str(layout.state(name)),
        ready={'http': layout_mod.url(name, '/')},
        # The very first start compiles nova's bytecode.
        ready_timeout=180,
        stop_timeout=20)


def account(name: str) -> dict[str, str]:
    """The reference service's account for one provider.

    Nova runs without Keystone: an ``auth_url`` that is a compute endpoint
    tells the Nova driver to send the token ``username:tenant_name``
    straight to it; ``version`` 2 lets it discover the microversion.
    """
    return {
        'provider': name,
        'driver': 'nova',
        'auth_url': endpoint(name),
        'username': 'oms',
        'password': 'unused-%s' % name,
        'tenant_name': name,
        'tenant_id': name,
        'region_name': 'RegionOne',
        'version': '2',
    }


def token(name: str) -> str:
    """The noauth token that acts as the provider account's identity."""
    return '%s:%s' % (account(name)['username'], account(name)['tenant_name'])
