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
from keystoneauth1 import plugin
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
from novaclient import client as nova_client

# The reference service tags every server it boots with its queue id.
QUEUE_METADATA_KEY = 'openmultistack_queue_id'


def client(stack: dict, provider: str):
    """A novaclient for one provider of the stack, as its account sees it.

    Behind Keystone: the account's user, and the compute endpoint of the
    account's region in the catalog. Without Keystone: the token
    ``user:project`` is the identity, sent to the compute endpoint.
    """
    account = stack['nova'][provider]
    auth: plugin.BaseAuthPlugin
    if account['auth'] == 'keystone':
        auth = v3.Password(
            auth_url=account['auth_url'], username=account['username'],
            password=account['password'],
            project_name=account['tenant_name'],
            user_domain_name=account['user_domain_name'],
            project_domain_name=account['project_domain_name'])
    else:
        auth = token_endpoint.Token(
            account['endpoint'],
            '%s:%s' % (account['username'], account['tenant_name']))
    return nova_client.Client('2.1', session=ks_session.Session(auth=auth),
                              region_name=account['region_name'])


def servers_of_queue(nova, queue_id: int) -> list:
    """Servers (in any state) tagged with a queue entry's id."""
    return [server for server in nova.servers.list()
            if server.metadata.get(QUEUE_METADATA_KEY) == str(queue_id)]


def keypair_names(nova) -> set[str]:
    return {keypair.name for keypair in nova.keypairs.list()}
