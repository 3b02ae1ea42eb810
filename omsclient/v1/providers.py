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

"""Providers as the worker last saw them (``/api/providers/``, admin).

One record per provider account: whether it answered, its quota used and
allowed (Nova's absolute limits, ``-1`` for unlimited) and how many queue
entries run on it. The original service has no such API: every call then
raises :class:`~omsclient.common.exceptions.NotSupported` without sending
anything but the read of the API root.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
from typing import Any

from omsclient.common import base
from omsclient.common import shapes

_TEXT = shapes.TEXT | shapes.NULL
_NUMBER = shapes.NUMBER | shapes.NULL

#: One quota: how much is used and how much is allowed (-1: unlimited).
USAGE = shapes.Shape({'used': _NUMBER, 'limit': _NUMBER})

#: The quotas of a provider account.
QUOTA = shapes.Shape({'instances': USAGE, 'cores': USAGE, 'ram': USAGE})

#: Why a server without ``providers`` in its root refuses the calls.
NO_PROVIDERS = 'it has no providers resource'


class Provider(base.Resource):
    """A provider account's state.

    Fields: ``provider``, ``account_id``, ``driver``, ``region_name``,
    ``status``, ``reachable`` (``None`` until checked), ``reason``,
    ``quota`` (``{'instances': {'used': 2, 'limit': 10}, 'cores': ...,
    'ram': ...}`` or ``None``), ``entries`` and ``checked_at``.
    """

    shape = shapes.Shape({
        'provider': shapes.TEXT, 'account_id': _NUMBER, 'driver': _TEXT,
        'region_name': _TEXT, 'status': _TEXT,
        'reachable': shapes.BOOLEAN | shapes.NULL, 'reason': _TEXT,
        'quota': QUOTA, 'entries': _NUMBER,
        'checked_at': shapes.DATE | shapes.NULL}, required=('provider',))


class ProviderManager(base.Manager[Provider]):
    """List and show providers."""

    resource_class = Provider
    collection = 'providers/'

    def _require(self) -> None:
        self.root.require('providers', 'providers', NO_PROVIDERS)

    def list(self, limit: int | None = None,
             marker: str | None = None) -> base.ResourceList[Provider]:
        """Return the providers in the service's order, read on demand.

        A :class:`~omsclient.common.base.ResourceList`, as
        :meth:`omsclient.v1.queues.QueueManager.list` explains. The API
        root is read first (once per client).

        :param limit: the most providers to yield; pages are asked for
            one after the other (``?limit=&marker=<last provider>``) until
            that many were yielded.
        :param marker: only the providers after the one of this name.
        :raises omsclient.common.exceptions.NotSupported: the server has
            no providers (the original service), on first use.
        """
        limit = base.check_limit(limit)
        if marker is not None:
            marker = base.check_id(marker, 'provider name')
        return base.ResourceList(lambda: self._iter_providers(limit, marker))

    def _iter_providers(self, limit: int | None,
                        marker: str | None) -> Iterator[Provider]:
        # The marker is a name and the order the server's: a provider
        # already yielded (one record per account) is never yielded again,
        # and a page without a new one ends the list.
        self._require()
        seen: set[tuple[Any, Any]] = set()
        remaining = limit
        while True:
            asked = remaining
            params = {k: v for k, v in (('limit', asked),
                                        ('marker', marker)) if v is not None}
            received = fresh = 0
            page = self._checked_batches(self._open_page(params))
            with contextlib.closing(page):
                for batch in page:
                    for item in batch:
                        received += 1
                        key = (item['provider'], item.get('account_id'))
                        if key in seen:
                            continue
                        seen.add(key)
                        fresh += 1
                        marker = item['provider']
                        yield self.resource_class(self, item)
                        if remaining is not None:
                            remaining -= 1
                            if remaining == 0:
                                return
            if asked is None or not fresh or received > asked:
                return

    def get(self, name: str) -> Provider:
        """Return one provider by its name.

        :raises omsclient.common.exceptions.NotFound: no provider has it.
        :raises omsclient.common.exceptions.NotSupported: the server has
            no providers (the original service).
        """
        path = self._path(name)
        self._require()
        return self._get(path)

    #: ``find`` as every manager has it: a provider is named, not numbered.
    find = get
