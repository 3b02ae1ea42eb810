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

"""A Nova reached without Keystone, as the functional stack can run it.

``tools/stack/nova_provider.py --auth noauth`` (``OMS_STACK_NOVA_AUTH=
noauth``) serves a Nova whose only identity is the token ``user:project``.
An account of driver ``nova-noauth`` reaches it so: its ``auth_url`` is
the compute endpoint itself (e.g. ``http://127.0.0.1:15301/v2.1``), the
token ``<username>:<tenant_name>`` is sent to it with keystoneauth's
``admin_token`` plugin, and ``password`` and ``region_name`` are unused.
No real cloud works so: deployments use the ``nova`` driver.
"""

from keystoneauth1 import exceptions as ksa_exc
from keystoneauth1 import token_endpoint

from openmultistack.providers import nova

COMPUTE = 'compute'


class NoKeystoneNovaProvider(nova.NovaProvider):
    """The ``nova`` driver with a fixed token and the compute API only."""

    def auth_plugin(self):
        credentials = self.credentials
        project = credentials.tenant_name or credentials.tenant_id
        return token_endpoint.Token(credentials.auth_url.rstrip('/'),
                                    '%s:%s' % (credentials.username, project))

    def _get_json(self, service_type, path, **kwargs):
        # There is no catalog: the one endpoint is the compute API. Images
        # are then read through its image proxy, and servers boot without
        # a network, as the driver does for a catalog without them.
        if service_type != COMPUTE:
            raise ksa_exc.EndpointNotFound(service_type)
        return super()._get_json(service_type, path, **kwargs)
