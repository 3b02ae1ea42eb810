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

"""The resources of the multistack commands: names, columns, filters.

Each resource has one ordered table of fields: the human column name, the
dotted path(s) of the value in the resource as sent by the service (the
first one present wins) and the cliff column class that formats it. The
column names are part of the command-line interface: scripts select them
with ``-c`` and read them as json keys, so they do not change.

A :class:`Resource` gathers what the list, show and delete commands of one
resource need, so that each command class names its resource only.
"""

from collections.abc import Mapping
from typing import Any
from typing import NamedTuple

from osc_lib.cli import format_columns

from omsclient.common import formatters

#: A fields table: column name -> (dotted paths, column class or None).
Fields = Mapping[str, tuple[tuple[str, ...], Any]]

# Waiting for a queue entry (seconds).
DEFAULT_WAIT_TIMEOUT = 600

#: The statuses of a provider account.
ACCOUNT_STATUSES = ('available', 'unavailable')


class Filter(NamedTuple):
    """An option of a list command that the service filters the list by.

    :attr option: the option (``--region``).
    :attr param: the keyword of the manager's ``list`` (``region_name``).
    :attr help: the option's help.
    :attr choices: the values it takes, if only some.
    :attr repeat: whether it may be given several times (any of them).
    """

    option: str
    param: str
    help: str
    choices: tuple[str, ...] | None = None
    repeat: bool = False


class Resource(NamedTuple):
    """What the commands of one resource need to know of it.

    :attr manager: the name of the manager on the client (``queues``).
    :attr singular: the resource in messages (``queue entry``).
    :attr plural: several of them (``queue entries``).
    :attr fields: its fields table.
    :attr list_columns: the columns of ``list``.
    :attr long_columns: the columns of ``list --long``.
    :attr show_columns: the columns of ``show``.
    :attr filters: the options of ``list`` that the service filters by.
    :attr reference: what names one resource to delete.
    :attr name_reference: what names one resource to show.
    :attr marker: what ``list --marker`` takes: ``ID`` (a whole number)
        or ``name``.
    """

    manager: str
    singular: str
    plural: str
    fields: Fields
    list_columns: tuple[str, ...]
    long_columns: tuple[str, ...]
    show_columns: tuple[str, ...]
    filters: tuple[Filter, ...] = ()
    reference: str = 'ID'
    name_reference: str = 'ID or name'
    marker: str = 'ID'


def _provider_filters(plural: str) -> tuple[Filter, ...]:
    return (Filter('--provider', 'provider',
                   'Only the %s of this provider (its exact name)' % plural),
            Filter('--region', 'region_name',
                   'Only the %s in this region' % plural))


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
    'Min RAM': (('min_ram',), None),
    'Min vCPUs': (('min_vcpus',), None),
    'Min Disk': (('min_disk',), None),
    'Image Properties': (('image_properties',), format_columns.DictColumn),
    'Flavor Chosen': (('instance.flavor',), formatters.ChosenColumn),
    'Image Chosen': (('instance.image',), formatters.ChosenColumn),
    'Skipped': (('skipped',), formatters.SkippedColumn),
    'Instance': (('instance',), formatters.InstanceColumn),
}
QUEUE_LIST_COLUMNS = ('ID', 'Status', 'Provider', 'IP Address', 'Registered')
QUEUE_LONG_COLUMNS = QUEUE_LIST_COLUMNS + (
    'Instance Name', 'Instance ID', 'Key Name', 'Region', 'Tenant', 'Fault',
    'Flavor Chosen', 'Image Chosen')
QUEUE_SHOW_COLUMNS = (
    'ID', 'Status', 'Provider', 'IP Address', 'Registered', 'Updated',
    'Image', 'Flavor', 'Min RAM', 'Min vCPUs', 'Min Disk',
    'Image Properties', 'Name', 'Requested Provider', 'Project ID', 'Fault',
    'Flavor Chosen', 'Image Chosen', 'Skipped', 'Instance')

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

PROVIDER_FIELDS = {
    'Provider': (('provider',), None),
    'Account ID': (('account_id',), None),
    'Driver': (('driver',), None),
    'Region': (('region_name',), None),
    'Status': (('status',), None),
    'Reachable': (('reachable',), None),
    'Reason': (('reason',), None),
    'Instances': (('quota.instances',), formatters.UsageColumn),
    'Cores': (('quota.cores',), formatters.UsageColumn),
    'RAM (MB)': (('quota.ram',), formatters.UsageColumn),
    'Entries': (('entries',), None),
    'Checked At': (('checked_at',), formatters.DateTimeColumn),
}
PROVIDER_LIST_COLUMNS = ('Provider', 'Driver', 'Region', 'Status',
                         'Reachable', 'Reason', 'Instances', 'Cores',
                         'RAM (MB)', 'Entries', 'Checked At')
PROVIDER_LONG_COLUMNS = PROVIDER_LIST_COLUMNS + ('Account ID',)
PROVIDER_SHOW_COLUMNS = ('Provider', 'Account ID') + PROVIDER_LIST_COLUMNS[1:]

QUEUE = Resource(
    'queues', 'queue entry', 'queue entries', QUEUE_FIELDS,
    QUEUE_LIST_COLUMNS, QUEUE_LONG_COLUMNS, QUEUE_SHOW_COLUMNS,
    filters=(Filter(
        '--status', 'status',
        'Only entries in this status, as the service spells it (e.g. '
        'REQUEST, RECIVE, BOOT, RUN, FAILED, DESTROY; the earlier names '
        'queueing, booting, running, destroying, failed match their '
        'current ones); repeat the option for several statuses',
        repeat=True),
        Filter('--provider', 'provider',
               'Only the entries whose instance runs on this provider (its '
               'exact name) or, before there is one, that asked for it'),
        Filter('--name', 'name',
               'Only the entries that asked for this instance name or whose '
               'instance has it')))
ACCOUNT = Resource(
    'accounts', 'account', 'accounts', ACCOUNT_FIELDS,
    ACCOUNT_LIST_COLUMNS, ACCOUNT_LONG_COLUMNS, ACCOUNT_SHOW_COLUMNS,
    filters=_provider_filters('accounts') + (Filter(
        '--status', 'status',
        'Only the accounts in this status: %s'
        % ' or '.join(ACCOUNT_STATUSES), choices=ACCOUNT_STATUSES),),
    reference='ID or provider name', name_reference='ID or provider name')
INSTANCE = Resource(
    'instances', 'instance', 'instances', INSTANCE_FIELDS,
    INSTANCE_LIST_COLUMNS, INSTANCE_LONG_COLUMNS, INSTANCE_SHOW_COLUMNS,
    filters=_provider_filters('instances'))
PROVIDER = Resource(
    'providers', 'provider', 'providers', PROVIDER_FIELDS,
    PROVIDER_LIST_COLUMNS, PROVIDER_LONG_COLUMNS, PROVIDER_SHOW_COLUMNS,
    reference='name', name_reference='Name', marker='name')

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
