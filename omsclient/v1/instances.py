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

"""Instances booted for queue entries (``/api/instances/``).

The original service has no instance API: there the instances are read
from the queue entries that hold them, and the private key from the
entry's ``instance.key_raw``.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
import contextlib
import itertools
from typing import Any

from omsclient.common import base
from omsclient.common import exceptions
from omsclient.common import shapes

_TEXT = shapes.TEXT | shapes.NULL

#: An account as an instance holds it.
ACCOUNT_SUMMARY = shapes.Shape({
    'provider': _TEXT, 'region_name': _TEXT, 'tenant_name': _TEXT})

#: The flavor or the image an instance was booted with (Nova's ids are
#: texts; a number is taken too).
CHOSEN = shapes.Shape({'id': _TEXT | shapes.NUMBER, 'name': _TEXT})

#: An instance, alone or nested in a queue entry.
INSTANCE = shapes.Shape({
    'id': shapes.NUMBER, 'name': _TEXT, 'instance_id': _TEXT,
    'ip_addr': _TEXT, 'key_name': _TEXT, 'account': ACCOUNT_SUMMARY,
    'queue_id': shapes.NUMBER | shapes.NULL, 'flavor': CHOSEN,
    'image': CHOSEN}, required=('id',))

#: What the instances are read from with the original service.
_QUEUE_ENTRY = shapes.Shape({'id': shapes.NUMBER, 'instance': INSTANCE})


class Instance(base.Resource):
    """An instance booted for a queue entry.

    Fields: ``id``, ``name``, ``instance_id``, ``ip_addr``, ``key_name``,
    ``account``, ``queue_id``; never ``key_raw`` in
    :meth:`~omsclient.common.base.Resource.to_dict` or ``repr``.
    """

    shape = INSTANCE


class PrivateKey(base.Resource):
    """The key pair of an instance: ``key_name`` and ``key_raw``.

    ``key_raw`` is read only by naming it (``private_key.key_raw``).
    """

    shape = shapes.Shape({'key_name': _TEXT, 'key_raw': _TEXT})


class InstanceManager(base.Manager[Instance]):
    """List and show instances, and read their private keys."""

    resource_class = Instance
    collection = 'instances/'

    def list(self, provider: str | None = None,
             region_name: str | None = None, limit: int | None = None,
             marker: Any = None) -> base.ResourceList[Instance]:
        """Return the instances in id order, read incrementally.

        A :class:`~omsclient.common.base.ResourceList`, as
        :meth:`omsclient.v1.queues.QueueManager.list` explains.

        The filters are sent to the server (``?provider=&region_name=
        &limit=&marker=``) and applied again here, so that the answer is
        right with a server that ignores some of them. With the original
        service they apply to the instances of the queue entries.

        :param provider: only the instances booted on this provider.
        :param region_name: only the instances in this region.
        :param limit: the most instances to yield.
        :param marker: only the instances whose id comes after this one.
        """
        filters = {name: value for name, value in (
            ('provider', provider), ('region_name', region_name))
            if value is not None}

        def keep(item: dict[str, Any]) -> bool:
            account = item.get('account') or {}
            return all(account.get(name) == value
                       for name, value in filters.items())

        limit, marker = base.check_limit(limit), base.as_id(marker)
        return base.ResourceList(lambda: self._list(filters, limit, marker,
                                                    keep))

    def _list(self, filters: dict[str, Any], limit: int | None,
              marker: Any, keep: Callable[[dict[str, Any]], bool]
              ) -> Iterator[Instance]:
        pages = self._iter_pages(filters, limit, marker, keep)
        try:
            first = next(pages, None)
        except exceptions.NotFound:
            instances = (instance for instance in self._from_queues()
                         if keep(instance.to_dict())
                         and (marker is None
                              or base.after(instance.id, marker)))
            yield from itertools.islice(instances, limit)
            return
        if first is not None:
            yield first
            yield from pages

    def get(self, instance_id: Any) -> Instance:
        """Return one instance.

        With the original service the instance is found in the queue
        entries by its ``id`` or its provider ``instance_id``.
        """
        try:
            return self._get(self._path(instance_id))
        except exceptions.NotFound:
            if self.root.has('instances'):
                raise
        return self._find_in_queues(instance_id)

    def find(self, name_or_id: Any) -> Instance:
        """Return the instance with this ID, or the one with this name.

        The name is the instance's ``name`` or its provider's
        ``instance_id``.

        :raises omsclient.common.exceptions.NotFound: no instance has that
            ID or name.
        :raises omsclient.common.exceptions.NoUniqueMatch: several
            instances have that name.
        """
        return self._find_named(name_or_id, 'instance', lambda instance: (
            instance.get('name'), instance.get('instance_id')))

    def get_private_key(self, instance_id: Any) -> PrivateKey:
        """Return the private key of an instance's key pair.

        The one explicit way to read ``key_raw``.
        """
        path = self._path(instance_id, 'private_key')
        try:
            answer = self.api.get_json(path)
        except exceptions.NotFound:
            if self.root.has('instances'):
                raise
            instance = self._find_in_queues(instance_id)
            info = instance.to_dict(include_secrets=True)
            if not info.get('key_raw'):
                raise exceptions.NotFound(
                    'Instance %s has no private key' % instance_id)
            answer = {'key_name': info.get('key_name'),
                      'key_raw': info['key_raw']}
        return PrivateKey(self, self._check(answer, 'GET', path,
                                            shape=PrivateKey.shape))

    def _from_queues(self) -> Iterator[Instance]:
        queues = self.api.iter_json_list('queues/')
        with contextlib.closing(queues):
            for index, entry in enumerate(queues, 1):
                self._check(entry, 'GET', 'queues/', index, _QUEUE_ENTRY)
                instance = entry.get('instance')
                if instance is not None:
                    yield self.resource_class(
                        self, dict(instance, queue_id=entry.get('id')))

    def _find_in_queues(self, instance_id: Any) -> Instance:
        wanted = str(instance_id)
        for instance in self._from_queues():
            info = instance.to_dict(include_secrets=True)
            if wanted in (str(info.get('id')), str(info.get('instance_id'))):
                return instance
        raise exceptions.NotFound('Instance %s not found' % instance_id,
                                  http_status=404)
