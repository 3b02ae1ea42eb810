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

"""How rows are rendered. No secret ever leaves through here.

Two kinds of rows: ORM objects, for what a request has just written, and
the plain rows of the ``*_select()`` queries, for what it reads. Reads
are most of the traffic, lists of thousands of rows among them: their
queries select the columns an answer shows and nothing more, and build
no ORM object per row.
"""

import datetime
import json
import typing

import sqlalchemy as sa

from openmultistack.db import models


def isotime(value: typing.Optional[datetime.datetime]) -> typing.Optional[
        str]:
    """ISO 8601 in UTC with a ``Z``, as the original service."""
    if value is None:
        return None
    value = value.astimezone(datetime.timezone.utc)
    return value.strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def _stored_utc(column) -> sa.ColumnElement:
    """``column`` as stored, for :func:`_api_time`: no conversion."""
    return sa.type_coerce(column, sa.String())


def _api_time(value: typing.Union[str, datetime.datetime, None]
              ) -> typing.Optional[str]:
    """:func:`isotime` of a time selected by :func:`_stored_utc`.

    On SQLite that is the stored text (``2016-08-09 02:29:34.461432``,
    the form SQLAlchemy and ``db_utcnow`` write), which becomes the
    answer's with one string operation instead of being parsed into a
    ``datetime`` and formatted again: that was a fifth of the time of a
    long list. Other databases give a naive UTC ``datetime``.
    """
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) == 26 and value[10] == ' ':
            return value.replace(' ', 'T', 1) + 'Z'
        value = datetime.datetime.fromisoformat(value)
    return value.isoformat(timespec='microseconds') + 'Z'


def account_brief(account: models.Account) -> dict:
    return {'provider': account.provider,
            'region_name': account.region_name,
            'tenant_name': account.tenant_name}


def _chosen(id_: typing.Optional[str],
            name: typing.Optional[str]) -> typing.Optional[dict]:
    """``{"id", "name"}`` of a chosen flavor or image; ``None`` if none."""
    return None if id_ is None else {'id': id_, 'name': name}


def instance(row: models.Instance) -> dict:
    """An instance, without its private key."""
    return {'id': row.id,
            'name': row.name,
            'instance_id': row.instance_id,
            'ip_addr': row.ip_addr,
            'key_name': row.key_name,
            'account': account_brief(row.account),
            'queue_id': row.queue_id,
            'flavor': _chosen(row.flavor_id, row.flavor_name),
            'image': _chosen(row.image_id, row.image_name)}


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
            'updated_datetime': isotime(row.updated_datetime),
            'min_ram': row.min_ram,
            'min_vcpus': row.min_vcpus,
            'min_disk': row.min_disk,
            'image_properties': row.image_properties or {},
            'skipped': row.skipped or []}


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


_INSTANCE_COLUMNS = (
    models.Instance.id, models.Instance.name, models.Instance.instance_id,
    models.Instance.ip_addr, models.Instance.key_name,
    models.Account.provider, models.Account.region_name,
    models.Account.tenant_name, models.Instance.queue_id,
    models.Instance.flavor_id, models.Instance.flavor_name,
    models.Instance.image_id, models.Instance.image_name)


def _instance_values(id_, name, instance_id, ip_addr, key_name, provider,
                     region_name, tenant_name, queue_id, flavor_id,
                     flavor_name, image_id, image_name) -> dict:
    return {'id': id_,
            'name': name,
            'instance_id': instance_id,
            'ip_addr': ip_addr,
            'key_name': key_name,
            'account': {'provider': provider,
                        'region_name': region_name,
                        'tenant_name': tenant_name},
            'queue_id': queue_id,
            'flavor': _chosen(flavor_id, flavor_name),
            'image': _chosen(image_id, image_name)}


def instance_select() -> sa.Select:
    """Instances, their account, and their queue's ``project_id`` last."""
    return sa.select(*_INSTANCE_COLUMNS, models.Queue.project_id).join(
        models.Account,
        models.Account.id == models.Instance.account_id).join(
            models.Queue, models.Queue.id == models.Instance.queue_id)


def instance_row(row: sa.Row) -> dict:
    """:func:`instance` of a row of :func:`instance_select`."""
    return _instance_values(*row[:-1])


def _stored_json(column) -> sa.ColumnElement:
    """``column`` as the JSON text stored, for :func:`_json`."""
    return sa.type_coerce(column, sa.Text())


def _json(text: typing.Optional[str], empty: typing.Any) -> typing.Any:
    """The value of JSON text; ``empty`` (a new one) for NULL and empty.

    Most entries have none: they cost no parsing.
    """
    if text is None or text == '{}' or text == '[]':
        return empty
    return json.loads(text)


def queue_select() -> sa.Select:
    """Queue entries with their instance, if any, and its account."""
    queue = models.Queue
    return sa.select(
        queue.id, queue.status, _stored_utc(queue.regist_datetime),
        queue.project_id, queue.image, queue.flavor, queue.name,
        queue.provider, queue.fault, _stored_utc(queue.updated_datetime),
        queue.min_ram, queue.min_vcpus, queue.min_disk,
        _stored_json(queue.image_properties), _stored_json(queue.skipped),
        *_INSTANCE_COLUMNS).select_from(queue).outerjoin(
            models.Instance, models.Instance.queue_id == queue.id).outerjoin(
                models.Account,
                models.Account.id == models.Instance.account_id)


def queue_row(row: typing.Sequence) -> dict:
    """:func:`queue` of a row of :func:`queue_select`.

    The hottest function of a long list: it indexes the row rather than
    unpacking it, and converts the stored times inline (see
    :func:`_api_time`, which it calls for other forms only).
    """
    regist = row[2]
    updated = row[9]
    return {'id': row[0],
            'status': row[1],
            'regist_datetime': (
                regist.replace(' ', 'T', 1) + 'Z'
                if regist.__class__ is str and len(regist) == 26 and
                regist[10] == ' ' else _api_time(regist)),
            'instance': (None if row[15] is None
                         else _instance_values(*row[15:])),
            'project_id': row[3],
            'image': row[4],
            'flavor': row[5],
            'name': row[6],
            'provider': row[7],
            'fault': row[8],
            'updated_datetime': (
                updated.replace(' ', 'T', 1) + 'Z'
                if updated.__class__ is str and len(updated) == 26 and
                updated[10] == ' ' else _api_time(updated)),
            'min_ram': row[10],
            'min_vcpus': row[11],
            'min_disk': row[12],
            'image_properties': _json(row[13], {}),
            'skipped': _json(row[14], [])}


def account_select() -> sa.Select:
    account = models.Account
    return sa.select(
        account.id, account.provider, account.driver, account.username,
        account.auth_url, account.tenant_name, account.tenant_id,
        account.region_name, account.version, account.user_domain_name,
        account.project_domain_name, account.status,
        _stored_utc(account.regist_date))


def account_row(row: sa.Row) -> dict:
    """:func:`account` of a row of :func:`account_select`."""
    (id_, provider, driver, username, auth_url, tenant_name, tenant_id,
     region_name, version, user_domain_name, project_domain_name, status,
     regist_date) = row
    return {'id': id_,
            'provider': provider,
            'driver': driver,
            'username': username,
            'auth_url': auth_url,
            'tenant_name': tenant_name,
            'tenant_id': tenant_id,
            'region_name': region_name,
            'version': version,
            'user_domain_name': user_domain_name,
            'project_domain_name': project_domain_name,
            'status': status,
            'regist_date': _api_time(regist_date)}


_QUOTAS = ('instances', 'cores', 'ram')


def provider_select() -> sa.Select:
    """Accounts, their state if any, and their count of instances."""
    account = models.Account
    state = models.ProviderState
    entries = sa.select(sa.func.count(models.Instance.id)).where(
        models.Instance.account_id == account.id).scalar_subquery()
    return sa.select(
        account.id, account.provider, account.driver, account.region_name,
        account.status, state.reachable, state.reason,
        state.instances_used, state.instances_max, state.cores_used,
        state.cores_max, state.ram_used, state.ram_max,
        _stored_utc(state.checked_at), entries,
    ).select_from(account).outerjoin(state,
                                     state.account_id == account.id)


def provider_row(row: typing.Sequence) -> dict:
    """A provider, from a row of :func:`provider_select`."""
    (account_id, provider, driver, region_name, status, reachable, reason,
     *figures, checked_at, entries) = row
    quota = None
    if figures[1] is not None:
        quota = {name: {'used': figures[2 * i], 'limit': figures[2 * i + 1]}
                 for i, name in enumerate(_QUOTAS)}
    return {'provider': provider,
            'account_id': account_id,
            'driver': driver,
            'region_name': region_name,
            'status': status,
            'reachable': None if reachable is None else bool(reachable),
            'reason': reason,
            'quota': quota,
            'entries': entries,
            'checked_at': _api_time(checked_at)}
