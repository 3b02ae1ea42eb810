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

"""``/api/instances/``: the servers booted for queue entries."""

import flask

from openmultistack.api import listing
from openmultistack.api import scope
from openmultistack.api import serializers
from openmultistack.common import flaskapp
from openmultistack.common import policy
from openmultistack.common import responses
from openmultistack.db import api as db_api
from openmultistack.db import events
from openmultistack.db import models

bp = flask.Blueprint('instances', __name__)

#: The filters of the instance list, on the account that holds each
#: instance: ``?provider=&region_name=``.
FILTERS = {
    'provider': models.Account.provider.in_,
    'region_name': models.Account.region_name.in_,
}


@bp.get('/api/instances/')
def list_instances():
    policy.authorize(flaskapp.current_context(), 'multistack:instance:list')
    limit, marker = listing.pagination()
    listing.check_marker(serializers.instance_select, marker)
    kind, params = scope.visibility()
    return responses.stream_list(listing.iter_batches(
        listing.filtered_statement(serializers.instance_select, FILTERS,
                                   kind), params,
        serializers.instance_row, limit, marker))


def _get(session, instance_id: int, rule: str) -> models.Instance:
    instance = scope.get_one(session, scope.instances(), models.Instance,
                             instance_id)
    policy.authorize(flaskapp.current_context(), rule,
                     {'project_id': instance.queue.project_id})
    return instance


@bp.get('/api/instances/<id:instance_id>/')
def get_instance(instance_id):
    row = scope.read_one(serializers.instance_select, instance_id)
    policy.authorize(flaskapp.current_context(), 'multistack:instance:get',
                     {'project_id': row[-1]})
    return responses.json_response(serializers.instance_row(row))


@bp.get('/api/instances/<id:instance_id>/private_key/')
def get_private_key(instance_id):
    with db_api.session_scope() as session:
        instance = _get(session, instance_id,
                        'multistack:instance:private_key')
        events.record(session, 'private key of instance %d read' %
                      instance.id, queue_id=instance.queue_id)
        return responses.json_response(serializers.private_key(instance))
