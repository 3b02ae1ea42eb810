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

"""How rows are rendered. No secret ever leaves through here."""

import datetime
import typing

from openmultistack.db import models


def isotime(value: typing.Optional[datetime.datetime]) -> typing.Optional[
        str]:
    """ISO 8601 in UTC with a ``Z``, as the original service."""
    if value is None:
        return None
    value = value.astimezone(datetime.timezone.utc)
    return value.strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def account_brief(account: models.Account) -> dict:
    return {'provider': account.provider,
            'region_name': account.region_name,
            'tenant_name': account.tenant_name}


def instance(row: models.Instance) -> dict:
    """An instance, without its private key."""
    return {'id': row.id,
            'name': row.name,
            'instance_id': row.instance_id,
            'ip_addr': row.ip_addr,
            'key_name': row.key_name,
            'account': account_brief(row.account),
            'queue_id': row.queue_id}


def queue(row: models.Queue) -> dict:
    return {'id': row.id,
            'status': row.status,
            'regist_datetime': isotime(row.regist_datetime),
            'instance': (instance(row.instance)
                         if row.instance is not None else None),
            'project_id': row.project_id,
            'image': row.image,
            'flavor': row.flavor,
            'name': row.name,
            'provider': row.provider,
            'fault': row.fault,
            'updated_datetime': isotime(row.updated_datetime)}


def account(row: models.Account) -> dict:
    """An account, without its password."""
    return {'id': row.id,
            'provider': row.provider,
            'driver': row.driver,
            'username': row.username,
            'auth_url': row.auth_url,
            'tenant_name': row.tenant_name,
            'tenant_id': row.tenant_id,
            'region_name': row.region_name,
            'version': row.version,
            'user_domain_name': row.user_domain_name,
            'project_domain_name': row.project_domain_name,
            'status': row.status,
            'regist_date': isotime(row.regist_date)}


def private_key(row: models.Instance) -> dict:
    return {'key_name': row.key_name, 'key_raw': row.key_raw}
