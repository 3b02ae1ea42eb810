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

"""Columns of the multistack commands.

Each resource has one ordered table of fields: the human column name, the
dotted path(s) of the value in the resource as sent by the service (the
first one present wins) and the cliff column class that formats it. The
column names are part of the command-line interface: scripts select them
with ``-c`` and read them as json keys, so they do not change.
"""

from omsclient.common import formatters

# Waiting for a queue entry (seconds).
DEFAULT_WAIT_TIMEOUT = 600

QUEUE_FIELDS = {
    'ID': (('id',), None),
    'Status': (('status',), None),
    'Provider': (('instance.account.provider', 'provider'), None),
    'IP Address': (('instance.ip_addr',), None),
    'Registered': (('regist_datetime',), formatters.DateTimeColumn),
    'Updated': (('updated_datetime',), formatters.DateTimeColumn),
    'Instance Name': (('instance.name',), None),
    'Instance ID': (('instance.instance_id',), None),
    'Key Name': (('instance.key_name',), None),
    'Region': (('instance.account.region_name',), None),
    'Tenant': (('instance.account.tenant_name',), None),
    'Fault': (('fault',), None),
    'Image': (('image',), None),
    'Flavor': (('flavor',), None),
    'Name': (('name',), None),
    'Requested Provider': (('provider',), None),
    'Project ID': (('project_id',), None),
    'Instance': (('instance',), formatters.InstanceColumn),
}
QUEUE_LIST_COLUMNS = ('ID', 'Status', 'Provider', 'IP Address', 'Registered')
QUEUE_LONG_COLUMNS = QUEUE_LIST_COLUMNS + (
    'Instance Name', 'Instance ID', 'Key Name', 'Region', 'Tenant', 'Fault')
QUEUE_SHOW_COLUMNS = (
    'ID', 'Status', 'Provider', 'IP Address', 'Registered', 'Updated',
    'Image', 'Flavor', 'Name', 'Requested Provider', 'Project ID', 'Fault',
    'Instance')

ACCOUNT_FIELDS = {
    'ID': (('id',), None),
    'Provider': (('provider',), None),
    'Driver': (('driver',), None),
    'Region': (('region_name',), None),
    'Tenant': (('tenant_name',), None),
    'Tenant ID': (('tenant_id',), None),
    'Username': (('username',), None),
    'Auth URL': (('auth_url',), None),
    'Version': (('version',), None),
    'User Domain': (('user_domain_name',), None),
    'Project Domain': (('project_domain_name',), None),
    'Status': (('status',), None),
    'Registered': (('regist_date',), formatters.DateTimeColumn),
}
ACCOUNT_LIST_COLUMNS = ('ID', 'Provider', 'Driver', 'Region', 'Tenant',
                        'Username', 'Status')
ACCOUNT_LONG_COLUMNS = ACCOUNT_LIST_COLUMNS + (
    'Tenant ID', 'Auth URL', 'Version', 'User Domain', 'Project Domain',
    'Registered')
ACCOUNT_SHOW_COLUMNS = tuple(ACCOUNT_FIELDS)

INSTANCE_FIELDS = {
    'ID': (('id',), None),
    'Name': (('name',), None),
    'Instance ID': (('instance_id',), None),
    'IP Address': (('ip_addr',), None),
    'Key Name': (('key_name',), None),
    'Provider': (('account.provider',), None),
    'Region': (('account.region_name',), None),
    'Tenant': (('account.tenant_name',), None),
    'Queue ID': (('queue_id',), None),
    'Account': (('account',), formatters.AccountColumn),
}
INSTANCE_LIST_COLUMNS = ('ID', 'Name', 'IP Address', 'Provider')
INSTANCE_LONG_COLUMNS = INSTANCE_LIST_COLUMNS + (
    'Instance ID', 'Key Name', 'Region', 'Tenant', 'Queue ID')
INSTANCE_SHOW_COLUMNS = ('ID', 'Name', 'Instance ID', 'IP Address',
                         'Key Name', 'Queue ID', 'Account')

# Account attributes settable with "account create" and "account set":
# option destination -> field of the service.
ACCOUNT_ATTRIBUTES = {
    'provider': 'provider',
    'driver': 'driver',
    'username': 'username',
    'auth_url': 'auth_url',
    'tenant_name': 'tenant_name',
    'tenant_id': 'tenant_id',
    'region': 'region_name',
    'compute_api_version': 'version',
    'user_domain': 'user_domain_name',
    'project_domain': 'project_domain_name',
    'status': 'status',
}
