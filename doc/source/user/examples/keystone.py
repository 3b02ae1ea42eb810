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


"""Use the client behind Keystone: the endpoint comes from the catalog.

The usual ``OS_*`` variables name the cloud: ``python keystone.py``.
"""

import os

from keystoneauth1 import loading
from keystoneauth1 import session

from omsclient import client

loader = loading.get_plugin_loader('password')
auth = loader.load_from_options(
    auth_url=os.environ['OS_AUTH_URL'],
    username=os.environ['OS_USERNAME'],
    password=os.environ['OS_PASSWORD'],
    project_name=os.environ['OS_PROJECT_NAME'],
    user_domain_name=os.environ.get('OS_USER_DOMAIN_NAME', 'Default'),
    project_domain_name=os.environ.get('OS_PROJECT_DOMAIN_NAME', 'Default'),
)
sess = session.Session(auth=auth)

# The multistack endpoint of the catalog, in this region and interface.
oms = client.Client('1', session=sess,
                    region_name=os.environ.get('OS_REGION_NAME'),
                    interface='public')
for entry in oms.queues.list():
    print(entry.id, entry.status)
