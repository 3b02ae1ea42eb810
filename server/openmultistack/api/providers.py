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

"""``/api/providers/``: the provider accounts as the workers find them.

Read only, for administrators. One provider per account, named by the
account's ``provider``: its reachability and quota as a worker last
checked them (the ``provider_state`` table the workers write, see
:mod:`openmultistack.worker.limits`), and how many queue entries have an
instance on it. Provider names are meant to be unique; of several
accounts with one name, ``GET /api/providers/<name>/`` shows the first
registered.
"""

import functools
import typing

import flask
import sqlalchemy as sa

from openmultistack.api import listing
from openmultistack.api import scope
from openmultistack.api import serializers
from openmultistack.common import exceptions
from openmultistack.common import flaskapp
from openmultistack.common import policy
from openmultistack.common import responses
from openmultistack.db import models

bp = flask.Blueprint('providers', __name__)


@functools.lru_cache(maxsize=None)
def _named(first: bool) -> sa.Select:
    """The first (or last) account named ``:name``, by id."""
    query = serializers.provider_select().where(
        models.Account.provider == sa.bindparam('name'))
    order = models.Account.id if first else models.Account.id.desc()
    return query.order_by(order).limit(1)


def _by_name(name: str, first: bool = True) -> typing.Optional[sa.Row]:
    rows = scope.read(_named(first), {'name': name})
    return rows[0] if rows else None


@bp.get('/api/providers/')
def list_providers():
    policy.authorize(flaskapp.current_context(),
                     'multistack:provider:get_all')
    limit = listing.page_limit()
    marker = flask.request.args.get('marker')
    last_id = None
    if marker is not None:
        # The last account of that name: a page never starts again
        # before it, whatever names repeat.
        row = _by_name(marker, first=False)
        if row is None:
            raise exceptions.BadRequest(errors={'marker': [
                'Marker %s not found.' % marker]})
        last_id = row[0]
    return responses.stream_list(listing.iter_batches(
        listing.statement(serializers.provider_select), {},
        serializers.provider_row, limit, last_id))


@bp.get('/api/providers/<provider>/')
def get_provider(provider):
    policy.authorize(flaskapp.current_context(), 'multistack:provider:get')
    row = _by_name(provider)
    if row is None:
        raise exceptions.NotFound()
    return responses.json_response(serializers.provider_row(row))
