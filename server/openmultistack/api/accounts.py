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

"""``/api/accounts/``: provider accounts, for administrators.

The password is write-only: it is stored, never answered nor logged.
"""

import typing
import urllib.parse

import flask
import sqlalchemy as sa

from openmultistack.api import body
from openmultistack.api import listing
from openmultistack.api import scope
from openmultistack.api import serializers
from openmultistack.api import urls
from openmultistack.common import exceptions
from openmultistack.common import flaskapp
from openmultistack.common import policy
from openmultistack.common import responses
from openmultistack.db import api as db_api
from openmultistack.db import events
from openmultistack.db import models
from openmultistack import providers

bp = flask.Blueprint('accounts', __name__)


def _url(value: str):
    parsed = urllib.parse.urlsplit(value)
    if parsed.scheme not in ('http', 'https', 'simulated') or (
            not parsed.netloc):
        return 'Enter a valid URL.'
    return None


def _driver(value: str) -> typing.Optional[str]:
    """A driver installed here (``openmultistack.providers``)."""
    if value not in providers.names():
        return '"%s" is not a valid choice.' % value
    return None


FIELDS = {
    'provider': body.Field(required=True, allow_null=False),
    'driver': body.Field(allow_null=False, validator=_driver),
    'username': body.Field(allow_null=False),
    'password': body.Field(allow_null=False),
    'auth_url': body.Field(allow_null=False, validator=_url),
    'tenant_name': body.Field(allow_null=False),
    'tenant_id': body.Field(),
    'region_name': body.Field(),
    'version': body.Field(allow_null=False, max_length=32),
    'user_domain_name': body.Field(allow_null=False),
    'project_domain_name': body.Field(allow_null=False),
    'status': body.Field(allow_null=False, choices=models.ACCOUNT_STATUSES),
}
#: The filters of the account list: ``?provider=&region_name=&status=``.
FILTERS = {
    'provider': models.Account.provider.in_,
    'region_name': models.Account.region_name.in_,
    'status': models.Account.status.in_,
}
# What a nova account cannot work without.
NOVA_REQUIRED = ('username', 'password', 'auth_url', 'tenant_name')
# Columns that are empty rather than NULL when not given.
_EMPTY_DEFAULTS = ('username', 'password', 'auth_url', 'tenant_name',
                   'tenant_id', 'region_name')


def _check_complete(values: dict) -> None:
    if values.get('driver', models.DRIVER_NOVA) != models.DRIVER_NOVA:
        return
    missing = {name: ['This field is required.'] for name in NOVA_REQUIRED
               if not values.get(name)}
    if missing:
        raise exceptions.BadRequest(errors=missing)


def _get(session, account_id: int) -> models.Account:
    return scope.get_one(session, sa.select(models.Account), models.Account,
                         account_id)


def _changed(data: dict) -> str:
    return ', '.join(sorted(data)) or 'nothing'


@bp.get('/api/accounts/')
def list_accounts():
    policy.authorize(flaskapp.current_context(), 'multistack:account:list')
    limit, marker = listing.pagination()
    listing.check_marker(serializers.account_select, marker, on_queues=False)
    statement = listing.filtered_statement(
        serializers.account_select, FILTERS,
        choices={'status': models.ACCOUNT_STATUSES})
    return responses.stream_list(listing.iter_batches(
        statement, {}, serializers.account_row, limit, marker))


@bp.post('/api/accounts/')
def create_account():
    policy.authorize(flaskapp.current_context(), 'multistack:account:create')
    data = body.validate(body.parse_json_object(), FIELDS)
    _check_complete(data)
    for name in _EMPTY_DEFAULTS:
        if data.get(name) is None:
            data[name] = ''
    with db_api.session_scope() as session:
        account = models.Account(**data)
        session.add(account)
        session.flush()
        events.record(session, 'account %d (%s, %s) registered' % (
            account.id, account.provider, account.driver))
        answer = serializers.account(account)
    return responses.json_response(
        answer, 201,
        {'Location': urls.absolute('/api/accounts/%d/' % answer['id'])})


@bp.get('/api/accounts/<id:account_id>/')
def get_account(account_id):
    policy.authorize(flaskapp.current_context(), 'multistack:account:get')
    row = scope.read_one(serializers.account_select, account_id,
                         on_queues=False)
    return responses.json_response(serializers.account_row(row))


@bp.route('/api/accounts/<id:account_id>/', methods=['PUT', 'PATCH'])
def update_account(account_id):
    policy.authorize(flaskapp.current_context(), 'multistack:account:update')
    partial = flask.request.method == 'PATCH'
    with db_api.session_scope() as session:
        account = _get(session, account_id)
        data = body.validate(body.parse_json_object(), FIELDS,
                             partial=partial)
        current = {name: getattr(account, name) for name in FIELDS}
        current.update(data)
        _check_complete(current)
        for name, value in data.items():
            setattr(account, name, '' if value is None else value)
        events.record(session, 'account %d (%s) updated: %s' % (
            account.id, account.provider, _changed(data)))
        session.flush()
        return responses.json_response(serializers.account(account))


@bp.delete('/api/accounts/<id:account_id>/')
def delete_account(account_id):
    policy.authorize(flaskapp.current_context(), 'multistack:account:delete')
    with db_api.session_scope() as session:
        account = _get(session, account_id)
        in_use = session.scalar(sa.select(sa.func.count()).where(
            models.Instance.account_id == account_id))
        if in_use:
            raise exceptions.Conflict(
                'Account %d still holds %d instance(s): delete their queue '
                'entries first.' % (account_id, in_use))
        events.record(session, 'account %d (%s) removed' % (
            account.id, account.provider))
        session.delete(account)
    return flask.Response(status=204)
