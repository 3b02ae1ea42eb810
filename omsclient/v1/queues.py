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

"""Queue entries: one per requested instance (``/api/queues/``)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
import re
import time
from typing import Any

from omsclient.common import base
from omsclient.common import exceptions
from omsclient.common import shapes
from omsclient.common import utils
from omsclient.v1 import instances

#: Statuses that end a wait for a new instance successfully.
ACTIVE_STATUSES = ('RUN', 'running')
#: Statuses that end a wait with
#: :class:`~omsclient.common.exceptions.ResourceFailed`.
FAILED_STATUSES = ('FAILED', 'failed')
#: The lower-case names of an earlier revision of the service, by the
#: name the service uses now.
LEGACY_STATUSES = {
    'queueing': 'REQUEST',
    'booting': 'BOOT',
    'running': 'RUN',
    'destroying': 'DESTROY',
    'failed': 'FAILED',
}


#: The largest ``min_ram``, ``min_vcpus`` and ``min_disk`` the API takes.
MAX_REQUIREMENT = 2 ** 31 - 1
#: The most ``image_properties`` the API takes.
MAX_IMAGE_PROPERTIES = 20
#: The longest image property key and value.
MAX_PROPERTY_LENGTH = 255
#: The minimums of :meth:`QueueManager.create`, in the order checked.
MINIMUMS = ('min_ram', 'min_vcpus', 'min_disk')

_PROPERTY_KEY = re.compile('[A-Za-z0-9_.:-]{1,%d}' % MAX_PROPERTY_LENGTH)
_CONTROL = re.compile('[\x00-\x1f\x7f-\x9f]')

#: Why a server without ``providers`` in its root refuses requirements.
NO_REQUIREMENTS = 'it has no requirement-based choice'


class Queue(base.Resource):
    """A queue entry: ``id``, ``status``, ``regist_datetime``, ``instance``.

    ``instance`` is ``None`` until an instance exists; read through the
    attribute or :meth:`~omsclient.common.base.Resource.to_dict` it never
    holds ``key_raw``. With the reference service an entry also holds its
    requirements (``min_ram``, ``min_vcpus``, ``min_disk``,
    ``image_properties``), the providers ``skipped`` before the one that
    booted it, and in ``instance`` the ``flavor`` and ``image`` chosen.
    """

    shape = shapes.Shape({
        'id': shapes.NUMBER, 'status': shapes.TEXT,
        'regist_datetime': shapes.DATE,
        'updated_datetime': shapes.DATE | shapes.NULL,
        'fault': shapes.TEXT | shapes.NULL,
        'min_ram': shapes.NUMBER | shapes.NULL,
        'min_vcpus': shapes.NUMBER | shapes.NULL,
        'min_disk': shapes.NUMBER | shapes.NULL,
        'image_properties': shapes.OBJECT | shapes.NULL,
        'skipped': shapes.LIST | shapes.NULL,
        'instance': instances.INSTANCE}, required=('id',))


def requirements(min_ram: Any = None, min_vcpus: Any = None,
                 min_disk: Any = None,
                 image_properties: Mapping[str, str] | None = None,
                 names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the requirements given, checked as the API checks them.

    The minimums are whole numbers from 0 to :data:`MAX_REQUIREMENT`;
    ``image_properties`` holds at most :data:`MAX_IMAGE_PROPERTIES` pairs,
    each key 1 to 255 letters, digits or ``_ . : -``, each value a text of
    1 to 255 characters without control characters.

    :param names: how to name each parameter in a message (the command
        line's ``--min-ram``); by default its own name.
    :returns: the fields of the request body, ``None`` values left out.
    :raises omsclient.common.exceptions.InvalidRequirement: a value the
        API would refuse; before any request.
    """
    names = names or {}
    given = {'min_ram': min_ram, 'min_vcpus': min_vcpus,
             'min_disk': min_disk}
    fields: dict[str, Any] = {}
    for field in MINIMUMS:
        value = given[field]
        if value is None:
            continue
        if (not isinstance(value, int) or isinstance(value, bool)
                or not 0 <= value <= MAX_REQUIREMENT):
            raise exceptions.InvalidRequirement(
                'Invalid %s: %r is not a whole number from 0 to %d'
                % (names.get(field, field), value, MAX_REQUIREMENT))
        fields[field] = value
    if image_properties is not None:
        fields['image_properties'] = _image_properties(
            image_properties, names.get('image_properties',
                                        'image_properties'))
    return fields


def _image_properties(properties: Any, name: str) -> dict[str, str]:
    if not isinstance(properties, Mapping):
        raise exceptions.InvalidRequirement(
            'Invalid %s: expected a mapping of keys to values, not %s'
            % (name, type(properties).__name__))
    if len(properties) > MAX_IMAGE_PROPERTIES:
        raise exceptions.InvalidRequirement(
            'Invalid %s: %d properties given, at most %d are taken'
            % (name, len(properties), MAX_IMAGE_PROPERTIES))
    for key, value in properties.items():
        if not isinstance(key, str) or not _PROPERTY_KEY.fullmatch(key):
            raise exceptions.InvalidRequirement(
                'Invalid %s key %r: a key is 1 to %d letters, digits or '
                'any of _ . : -' % (name, key, MAX_PROPERTY_LENGTH))
        if (not isinstance(value, str)
                or not 1 <= len(value) <= MAX_PROPERTY_LENGTH
                or _CONTROL.search(value)):
            raise exceptions.InvalidRequirement(
                'Invalid %s value %r of %s: a value is a text of 1 to %d '
                'characters without control characters'
                % (name, value, key, MAX_PROPERTY_LENGTH))
    return dict(properties)


def canonical_status(status: Any) -> str:
    """Return a status under its current name, in upper case.

    ``running`` and ``RUN`` (and the other earlier names) are the same
    status: filters compare the canonical names.
    """
    text = str(status)
    return LEGACY_STATUSES.get(text.lower(), text.upper())


def _statuses(status: str | Iterable[str] | None) -> tuple[str, ...]:
    if status is None:
        return ()
    if isinstance(status, str):
        return (status,)
    return tuple(status)


class QueueManager(base.Manager[Queue]):
    """Create, list, show, wait for and delete queue entries."""

    resource_class = Queue
    collection = 'queues/'

    def create(self, image: str | None = None, flavor: str | None = None,
               name: str | None = None, provider: str | None = None,
               idempotency_key: str | None = None,
               timeout: float | None = None, min_ram: int | None = None,
               min_vcpus: int | None = None, min_disk: int | None = None,
               image_properties: Mapping[str, str] | None = None
               ) -> Queue:
        """Ask for a new instance; return the new entry (``REQUEST``).

        Without options no body is sent at all, which every server
        accepts; the options are sent as a JSON body otherwise (the
        original service ignores ``image``, ``flavor``, ``name`` and
        ``provider``). Each call carries an ``Idempotency-Key`` header
        (``idempotency_key`` or a new UUID).

        The requirements let the service choose, on each provider, the
        smallest public flavor and the newest active image that meet
        them. They are checked here first (see :func:`requirements`);
        then, since the original service would ignore them and boot
        anything, the API root is read (once per client) and a server
        that does not list ``providers`` there is refused.

        :param timeout: seconds the answer may take at most (it shortens
            the client's timeout, never lengthens it).
        :param min_ram: the least RAM of the flavor, in MB.
        :param min_vcpus: the least vCPUs of the flavor.
        :param min_disk: the least root disk of the flavor, in GB.
        :param image_properties: properties the image must have, such as
            ``{'os_distro': 'ubuntu', 'os_version': '22.04'}``.
        :raises omsclient.common.exceptions.InvalidRequirement: a
            requirement the API would refuse.
        :raises omsclient.common.exceptions.NotSupported: requirements
            given to a server without them; nothing was created.
        """
        wanted = requirements(min_ram, min_vcpus, min_disk, image_properties)
        if wanted:
            self.require_requirements(next(iter(wanted)))
        fields = {'image': image, 'flavor': flavor, 'name': name,
                  'provider': provider}
        body: dict[str, Any] = {k: v for k, v in fields.items()
                                if v is not None}
        body.update(wanted)
        headers = {}
        if idempotency_key:
            headers['Idempotency-Key'] = idempotency_key
        options: dict[str, Any] = {'headers': headers}
        if timeout is not None:
            options['timeout'] = timeout
        return self._send('POST', self.collection, body or None, **options)

    def require_requirements(self, feature: str) -> None:
        """Refuse requirements if the server cannot honour them.

        :param feature: the requirement given, as the caller named it
            (``min_ram``, ``--min-ram``), for the message.
        :raises omsclient.common.exceptions.NotSupported: the API root
            does not list ``providers`` (the original service).
        """
        self.root.require('providers', feature, NO_REQUIREMENTS)

    def get(self, queue_id: Any) -> Queue:
        """Return one entry.

        :raises omsclient.common.exceptions.NotFound: it does not exist.
        """
        return self._get(self._path(queue_id))

    def find(self, name_or_id: Any) -> Queue:
        """Return the entry with this ID, or the one with this name.

        The name is the entry's own (``create(name=...)``) or that of its
        instance.

        :raises omsclient.common.exceptions.NotFound: no entry has that ID
            or name.
        :raises omsclient.common.exceptions.NoUniqueMatch: several entries
            have that name.
        """
        return self._find_named(name_or_id, 'queue entry', lambda entry: (
            entry.get('name'), (entry.get('instance') or {}).get('name')))

    def delete(self, queue_id: Any, timeout: float | None = None) -> None:
        """Destroy the instance of an entry and forget the entry.

        :param timeout: seconds the answer may take at most (it shortens
            the client's timeout, never lengthens it).
        """
        options = {} if timeout is None else {'timeout': timeout}
        self._delete(self._path(queue_id), **options)

    def list(self, status: str | Iterable[str] | None = None,
             limit: int | None = None, marker: Any = None,
             provider: str | None = None,
             name: str | None = None) -> base.ResourceList[Queue]:
        """Return the entries in id order, read incrementally.

        A :class:`~omsclient.common.base.ResourceList`, as every ``list()``
        returns: the first page is asked for by this call; a ``for`` loop
        reads the entries as they arrive, page after page, keeping none;
        ``len()``, indexing and ``repr()`` read them all once.

        The filters are sent to the server (``?status=&provider=&name=
        &limit=&marker=``) and applied again here, because the original
        service ignores them: the answer is right with both servers.

        :param status: one status or several; entries with another status
            are skipped (compared without regard to case, an earlier
            name such as ``running`` matching its current one, ``RUN``).
        :param limit: the most entries to yield. Against a server that
            honours pagination, pages are asked for one after the other
            (marker = last id) until ``limit`` entries were yielded.
        :param marker: yield only entries whose id comes after this one;
            it must be the id of an entry (the server answers ``400``,
            :class:`~omsclient.common.exceptions.BadRequest`, otherwise).
        :param provider: only the entries whose instance runs on this
            provider or, before there is an instance, that asked for it.
        :param name: only the entries that asked for this name or whose
            instance has it.
        """
        statuses = _statuses(status)
        wanted = {canonical_status(s) for s in statuses}
        filters: dict[str, Any] = {'status': list(statuses)} if statuses \
            else {}
        filters.update((key, value) for key, value in (
            ('provider', provider), ('name', name)) if value is not None)

        def keep(item: dict[str, Any]) -> bool:
            instance = item.get('instance') or {}
            account = instance.get('account') or {}
            return ((not wanted
                     or canonical_status(item.get('status')) in wanted)
                    and (provider is None or provider == (
                        account.get('provider') or item.get('provider')))
                    and (name is None
                         or name in (item.get('name'), instance.get('name'))))

        return self._listing(filters, base.check_limit(limit),
                             base.as_id(marker), keep if filters else None)

    def wait(self, queue_id: Any, statuses: Iterable[str] = ACTIVE_STATUSES,
             timeout: float | None = 600, interval: float = 2,
             callback: Callable[[Queue], None] | None = None,
             failed_statuses: Iterable[str] = FAILED_STATUSES) -> Queue:
        """Poll an entry until it reaches one of ``statuses``.

        ``timeout`` bounds the whole wait, a request that stalls included:
        each poll may take only what is left of it.

        :param callback: called with the entry each time its status
            changes (and once at the start).
        :returns: the entry in its final status.
        :raises omsclient.common.exceptions.ResourceFailed: the entry went
            to ``FAILED``/``failed``; the message carries its ``fault``.
        :raises omsclient.common.exceptions.WaitTimeout: ``timeout``
            seconds passed; the message says how long and in which status.
        """
        wanted = set(statuses)
        failed = set(failed_statuses)
        seen: dict[str, Any] = {}

        def timed_out(elapsed: float) -> exceptions.WaitTimeout:
            status = seen.get('status')
            state = ('has told no status' if status is None
                     else 'is still %s' % status)
            return exceptions.WaitTimeout(
                'Queue entry %s %s after %g seconds (waiting for %s)'
                % (queue_id, state, round(elapsed, 1),
                   ' or '.join(sorted({canonical_status(status)
                                       for status in wanted}))))

        get = self._bounded_get(queue_id, timeout, timed_out)

        def check() -> Queue | None:
            entry = get()
            status = entry.get('status')
            if 'status' not in seen or seen['status'] != status:
                seen['status'] = status
                if callback is not None:
                    callback(entry)
            if status in wanted:
                return entry
            if status in failed:
                fault = entry.get('fault')
                raise exceptions.ResourceFailed(
                    'Queue entry %s is %s%s' % (
                        queue_id, status, ': %s' % fault if fault else ''),
                    details=entry.to_dict())
            return None

        return utils.poll(check, timeout, interval, timed_out)

    def _bounded_get(self, queue_id: Any, timeout: float | None,
                     timed_out: Callable[[float], Exception]
                     ) -> Callable[[], Queue]:
        """A ``get`` of the entry that ends within ``timeout`` from now.

        A request cut by the end of the wait ends it as a timed out wait.
        """
        if timeout is None:
            return lambda: self.get(queue_id)
        start = time.monotonic()
        path = self._path(queue_id)

        def get() -> Queue:
            left = timeout - (time.monotonic() - start)
            try:
                return self._get(path, timeout=max(left, 0.001))
            except exceptions.Timeout:
                elapsed = time.monotonic() - start
                if elapsed < timeout:
                    raise
                raise timed_out(elapsed)
        return get

    def wait_for_delete(self, queue_id: Any, timeout: float | None = 600,
                        interval: float = 2,
                        callback: Callable[[Queue], None] | None = None
                        ) -> None:
        """Poll an entry until the server answers 404 for it.

        ``timeout`` bounds the whole wait, a request that stalls included.

        :param callback: called with the entry on each poll while it still
            exists.
        :raises omsclient.common.exceptions.WaitTimeout: the entry still
            exists after ``timeout`` seconds.
        """
        def timed_out(elapsed: float) -> exceptions.WaitTimeout:
            return exceptions.WaitTimeout(
                'Queue entry %s still exists after %d seconds' % (
                    queue_id, elapsed))

        get = self._bounded_get(queue_id, timeout, timed_out)

        def check() -> bool | None:
            try:
                entry = get()
            except exceptions.NotFound:
                return True
            if callback is not None:
                callback(entry)
            return None

        utils.poll(check, timeout, interval, timed_out)
