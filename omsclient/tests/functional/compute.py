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

"""Look at the Nova providers directly, beside the service's own view."""

from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
from novaclient import client as nova_client

# The reference service tags every server it boots with its queue id.
QUEUE_METADATA_KEY = 'openmultistack_queue_id'


def _client(stack: dict, provider: str, user: dict):
    auth = v3.Password(
        auth_url=stack['keystone']['auth_url'], username=user['username'],
        password=user['password'], project_name=user['project'],
        user_domain_name='Default', project_domain_name='Default')
    return nova_client.Client(
        '2.1', session=ks_session.Session(auth=auth),
        region_name=stack['nova'][provider]['region_name'])


def client(stack: dict, provider: str):
    """A novaclient for one provider of the stack, as its account sees it.

    The account's user, and the compute endpoint of the account's region
    in the catalog.
    """
    account = stack['nova'][provider]
    return _client(stack, provider, {'username': account['username'],
                                     'password': account['password'],
                                     'project': account['tenant_name']})


def admin_client(stack: dict, provider: str):
    """A novaclient for one provider of the stack, as the cloud's admin."""
    admin = stack['keystone']['users']['admin']
    return _client(stack, provider, dict(admin, username='admin'))


def compute_up(nova) -> bool:
    """Whether the provider's nova-compute is up, as its scheduler sees."""
    return any(service.state == 'up' and service.status == 'enabled'
               for service in nova.services.list(binary='nova-compute'))


def servers_of_queue(nova, queue_id: int) -> list:
    """Servers tagged with a queue entry's id, in any state but DELETED.

    Nova lists a server it already answers ``DELETED`` for (which the
    worker takes as gone) until its compute service has finished with it.
    """
    return [server for server in nova.servers.list()
            if server.metadata.get(QUEUE_METADATA_KEY) == str(queue_id)
            and server.status != 'DELETED']


def keypair_names(nova) -> set[str]:
    return {keypair.name for keypair in nova.keypairs.list()}
