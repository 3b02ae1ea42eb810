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

"""``/api/queues/``: ask for instances and follow them."""

import functools
import hashlib
import json
import types
import typing

import flask
from oslo_db import exception as db_exc
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
from openmultistack import conf
from openmultistack.db import api as db_api
from openmultistack.db import events
from openmultistack.db import models
from openmultistack.db import types as db_types

CONF = conf.CONF
bp = flask.Blueprint('queues', __name__)

FIELDS = {name: body.Field() for name in ('image', 'flavor', 'name',
                                          'provider')}
#: What an entry needs of a flavor and an image, besides their names.
REQUIREMENTS = {'min_ram': body.IntegerField(),
                'min_vcpus': body.IntegerField(),
                'min_disk': body.IntegerField(),
                'image_properties': body.PropertiesField()}
FIELDS.update(REQUIREMENTS)
IDEMPOTENCY_HEADER = 'Idempotency-Key'

# The lower-case names of an earlier revision of the original service,
# which clients still send.
LEGACY_STATUSES = {'queueing': models.REQUEST, 'booting': models.BOOT,
                   'running': models.RUN, 'destroying': models.DESTROY,
                   'failed': models.FAILED}


def _status(name: str) -> typing.Optional[str]:
    """The status ``name`` stands for, in any case; ``None`` if none."""
    folded = name.strip().lower()
    for status in models.QUEUE_STATUSES:
        if status.lower() == folded:
            return status
    return LEGACY_STATUSES.get(folded)


def _statuses() -> list:
    """The statuses of the repeatable ``?status=`` filter."""
    names = flask.request.args.getlist('status')
    unknown = sorted({name for name in names if _status(name) is None})
    if unknown:
        raise exceptions.BadRequest(errors={'status': [
            'Unknown status %s; valid statuses: %s (or the earlier %s), '
            'in any case.' % (', '.join('"%s"' % name for name in unknown),
                              ', '.join(models.QUEUE_STATUSES),
                              ', '.join(LEGACY_STATUSES))]})
    return sorted({_status(name) for name in names})


#: The filters of the queue list besides ``status``: ``?provider=`` is
#: the provider the entry's instance runs on or, before it has one, the
#: provider asked for; ``?name=`` the name asked for or its instance's.
FILTERS = {
    'provider': lambda values: sa.func.coalesce(
        models.Account.provider, models.Queue.provider).in_(values),
    'name': lambda values: sa.or_(models.Queue.name.in_(values),
                                  models.Instance.name.in_(values)),
}


@bp.get('/api/queues/')
def list_queues():
    context = flaskapp.current_context()
    policy.authorize(context, 'multistack:queue:list')
    statuses = _statuses()
    limit, marker = listing.pagination()
    listing.check_marker(serializers.queue_select, marker, context=context)
    filters = {name: flask.request.args.getlist(name) for name in FILTERS
               if name in flask.request.args}
    return responses.stream_list(
        batches(context, statuses, limit, marker, filters))


def batches(context, statuses: typing.List[str],
            limit: typing.Optional[int], marker: typing.Optional[int],
            filters: typing.Optional[typing.Dict[str, list]] = None
            ) -> typing.Iterator[list]:
    """The entries ``context`` may see, rendered, a batch at a time.

    The caller has checked the ``multistack:queue:list`` rule and the
    marker.

    :param filters: the values of the :data:`FILTERS` given, by name.
    """
    kind, params = scope.visibility(context)
    if statuses:
        params['statuses'] = statuses
    statement: sa.Select
    if filters:
        query = _list_query(kind, bool(statuses))
        for name, values in filters.items():
            query = query.where(FILTERS[name](values))
        statement = listing.keyset(query)
    else:
        statement = _list_statement(kind, bool(statuses))
    return listing.iter_batches(statement, params, serializers.queue_row,
                                limit, marker)


def _list_query(kind: str, by_status: bool) -> sa.Select:
    query = scope.restrict(serializers.queue_select(), kind)
    if by_status:
        query = query.where(models.Queue.status.in_(
            sa.bindparam('statuses', expanding=True)))
    return query


@functools.lru_cache(maxsize=None)
def _list_statement(kind: str, by_status: bool) -> sa.Select:
    return listing.keyset(_list_query(kind, by_status))


def _idempotency_key():
    key = flask.request.headers.get(IDEMPOTENCY_HEADER)
    if key is not None and not 1 <= len(key.strip()) <= 255:
        raise exceptions.BadRequest(
            'The %s header must hold 1 to 255 characters.'
            % IDEMPOTENCY_HEADER)
    return key.strip() if key else None


def _request_hash(data: dict) -> str:
    canonical = json.dumps({name: data.get(name) for name in FIELDS},
                           sort_keys=True)
    return hashlib.sha256(canonical.encode('utf-8')).hexdigest()


_QUEUES = models.Queue.__table__
# Built once: a POST runs only these statements, whose compiled forms the
# engine keeps.
_EARLIER = serializers.queue_select().add_columns(
    models.Queue.request_hash).where(
        models.Queue.idempotency_scope == sa.bindparam('scope'),
        models.Queue.idempotency_key == sa.bindparam('key'))
_PROVIDER_KNOWN = sa.select(models.Account.id).where(
    models.Account.provider == sa.bindparam('provider')).limit(1)
# The active entries of a project, or of the anonymous requests (NULL).
_ACTIVE = {anonymous: sa.select(sa.func.count()).select_from(_QUEUES).where(
    _QUEUES.c.project_id.is_(None) if anonymous
    else _QUEUES.c.project_id == sa.bindparam('project_id'),
    _QUEUES.c.status.in_(models.ACTIVE_STATUSES))
    for anonymous in (False, True)}
_INSERT = sa.insert(_QUEUES)


def _replay(connection, project_id, key, request_hash):
    """The entry created earlier with ``key``, as answered; or ``None``."""
    row = connection.execute(_EARLIER, {
        'scope': models.idempotency_scope(project_id), 'key': key}).first()
    if row is None:
        return None
    if row[-1] != request_hash:
        raise exceptions.Conflict(
            'The %s "%s" was already used with a different request.'
            % (IDEMPOTENCY_HEADER, key))
    return serializers.queue_row(tuple(row)[:-1])


def _check_provider(connection, provider) -> None:
    known = connection.scalar(_PROVIDER_KNOWN, {'provider': provider})
    if known is None:
        raise exceptions.BadRequest(errors={'provider': [
            'No account of provider "%s" is registered.' % provider]})


def _lock_project(connection, project_id) -> None:
    """Let one request of the project at a time count its entries.

    The cap must hold across API processes and hosts, so the database
    decides: PostgreSQL by a lock on the project for the rest of the
    transaction; SQLite by its single writer, once the new entry is
    written (:func:`_check_cap` counts after that).
    """
    if connection.dialect.name != 'postgresql':
        return
    digest = hashlib.sha256(('queues-cap:%s' % models.idempotency_scope(
        project_id)).encode('utf-8')).digest()
    connection.execute(sa.select(sa.func.pg_advisory_xact_lock(
        int.from_bytes(digest[:8], 'big', signed=True))))


def _check_cap(connection, project_id) -> None:
    """Refuse the entry just written if the project is now over its cap."""
    cap = CONF.max_active_queues_per_project
    active = connection.scalar(_ACTIVE[project_id is None],
                               {'project_id': project_id})
    if active > cap:
        raise exceptions.Forbidden(
            'Quota exceeded: the project already has %d active queue '
            'entries (limit %d).' % (active - 1, cap))


def _insert(connection, context, data, key, request_hash, now) -> dict:
    """Write a new entry at ``now``; the answer for it.

    The answer is built from the values written, the id aside, instead
    of being read back: a new entry has no instance and no fault.
    """
    values = {'status': models.REQUEST,
              'regist_datetime': now,
              'updated_datetime': now,
              'project_id': context.project_id,
              'user_id': context.user_id,
              'image': data.get('image'),
              'flavor': data.get('flavor'),
              'name': data.get('name'),
              'provider': data.get('provider'),
              'idempotency_key': key,
              'idempotency_scope': (models.idempotency_scope(
                  context.project_id) if key else None),
              'request_hash': request_hash}
    # Only the requirements given: the columns stay NULL otherwise.
    asked = {name: data[name] for name in REQUIREMENTS
             if data.get(name) is not None}
    result = connection.execute(_INSERT, dict(values, **asked))
    entry = types.SimpleNamespace(
        id=result.inserted_primary_key[0], instance=None, fault=None,
        skipped=None, **dict(dict.fromkeys(REQUIREMENTS), **values, **asked))
    return serializers.queue(entry)


def _requirements(entry: dict) -> str:
    """What the entry needs, for its event: ``, min_ram 4096 MB`` etc."""
    units = {'min_ram': ' MB', 'min_disk': ' GB'}
    needs = ['%s %d%s' % (name, entry[name], units.get(name, ''))
             for name in ('min_ram', 'min_vcpus', 'min_disk')
             if entry[name] is not None]
    if entry['image_properties']:
        needs.append('image properties %s' % ', '.join(
            '%s=%s' % item for item in sorted(
                entry['image_properties'].items())))
    return ''.join(', ' + need for need in needs)


@db_api.retry_on_failure
def _create(context, data, key, request_hash):
    """``(entry dict, created?)``; again if the database went away."""
    capped = bool(CONF.max_active_queues_per_project)
    with db_api.connection_scope() as connection:
        if capped:
            _lock_project(connection, context.project_id)
        if key is not None:
            earlier = _replay(connection, context.project_id, key,
                              request_hash)
            if earlier is not None:
                return earlier, False
        if data.get('provider') is not None:
            _check_provider(connection, data['provider'])
        now = db_types.utcnow()
        entry = _insert(connection, context, data, key, request_hash, now)
        if capped:
            _check_cap(connection, context.project_id)
        events.write(connection, 'queue %d: %s (image %s, flavor %s, '
                     'provider %s%s)' % (entry['id'], models.REQUEST,
                                         entry['image'] or 'default',
                                         entry['flavor'] or 'default',
                                         entry['provider'] or 'any',
                                         _requirements(entry)),
                     queue_id=entry['id'], time=now)
        return entry, True


@bp.post('/api/queues/')
def create_queue():
    context = flaskapp.current_context()
    policy.authorize(context, 'multistack:queue:create')
    data = body.validate(body.parse_json_object(), FIELDS)
    key = _idempotency_key()
    # Only a keyed request is compared with an earlier one.
    request_hash = _request_hash(data) if key is not None else None
    try:
        entry, created = _create(context, data, key, request_hash)
    except db_exc.DBDuplicateEntry:
        if key is None:
            raise
        # A concurrent request (maybe in another process) created the
        # entry with this key between our read and write; the unique
        # index refused ours: answer with that entry.
        entry, created = _create(context, data, key, request_hash)
    return responses.json_response(
        entry, 201 if created else 200,
        {'Location': urls.absolute('/api/queues/%d/' % entry['id'])})


@bp.get('/api/queues/<id:queue_id>/')
def get_queue(queue_id):
    return responses.json_response(
        read_entry(flaskapp.current_context(), queue_id))


def read_entry(context, queue_id: int) -> dict:
    """The entry as answered; 404 if ``context`` may not see it, or 403."""
    entry = serializers.queue_row(scope.read_one(
        serializers.queue_select, queue_id, context=context))
    policy.authorize(context, 'multistack:queue:get',
                     {'project_id': entry['project_id']})
    return entry


@bp.route('/api/queues/<id:queue_id>/', methods=['PUT', 'PATCH'])
def update_queue(queue_id):
    """Every field is read-only: the entry comes back unchanged."""
    body.parse_json_object()
    return get_queue(queue_id)


@bp.delete('/api/queues/<id:queue_id>/')
def delete_queue(queue_id):
    context = flaskapp.current_context()
    queue = models.Queue
    with db_api.session_scope() as session:
        entry = scope.get_one(session, scope.queues(), queue, queue_id)
        policy.authorize(context, 'multistack:queue:delete',
                         {'project_id': entry.project_id})
        has_instance = sa.exists().where(
            models.Instance.queue_id == queue.id)
        # Nothing to clean up on a provider: forget the entry at once,
        # unless a worker took it meanwhile.
        forgotten = session.execute(sa.delete(queue).where(
            queue.id == queue_id, ~has_instance,
            queue.status.in_((models.REQUEST, models.FAILED)),
            queue.claimed_by.is_(None))).rowcount
        if forgotten:
            events.record(session, 'queue %d: deleted' % queue_id,
                          queue_id=queue_id)
        else:
            marked = session.execute(sa.update(queue).where(
                queue.id == queue_id,
                queue.status != models.DESTROY).values(
                    status=models.DESTROY)).rowcount
            if marked:
                events.record(session, 'queue %d: %s' % (
                    queue_id, models.DESTROY), queue_id=queue_id)
    return flask.Response(status=204)
