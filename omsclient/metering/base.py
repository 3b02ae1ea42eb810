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

"""Managers and resources of the metering extension.

They are python-ceilometerclient's own ``Manager`` and ``Resource``, so that
code written for ceilometerclient's managers keeps working, with one
difference: lists are generators that read the answer incrementally
through omsclient's HTTP layer instead of loading it whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ceilometerclient.common import base

from omsclient.common import secret_fields
from omsclient.metering import http


class Resource(base.Resource):
    """A record of the metering extension.

    Secret fields (:mod:`omsclient.common.secret_fields`) are kept in the
    record (``to_dict()``, attribute access) but never shown by ``repr()``.
    """

    REPR_NAME = 'Resource'

    def public_info(self) -> dict[str, Any]:
        """Return the record without its secret fields, at any depth."""
        return secret_fields.scrub(self._info)

    def __repr__(self) -> str:
        return '<%s record -- %s>' % (self.REPR_NAME, self.public_info())


class Manager(base.Manager):
    """A ceilometerclient manager on omsclient's streaming HTTP layer.

    :param api: an :class:`omsclient.metering.http.SessionClient`.
    """

    api: http.SessionClient

    def _list(self, url: str, response_key: str | None = None,
              obj_class: type | None = None, body: Any = None,
              expect_single: bool = False) -> Iterator[Resource]:
        """Send the list request now; return a generator of resources.

        The request is sent, and its HTTP errors raised, by this call; the
        entries are then parsed one by one as the caller iterates.
        ``expect_single`` marks an answer that is one object instead of a
        list: the generator yields that one resource.
        """
        cls = obj_class or self.resource_class
        if expect_single:
            return iter([cls(self, self.api.get_json(url), loaded=True)])
        prefix = '%s.item' % response_key if response_key else 'item'
        items = self.api.open_json_list(url, prefix=prefix)
        return (cls(self, info, loaded=True) for info in items if info)

    def _get(self, url: str) -> Resource:
        return self.resource_class(self, self.api.get_json(url),
                                   loaded=True)
