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
difference: a list is a :class:`~omsclient.common.base.ResourceList`, as
every list of omsclient, which reads the answer incrementally through
omsclient's HTTP layer when it is only iterated.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

from ceilometerclient.common import base

from omsclient.common import base as common_base
from omsclient.common import exceptions
from omsclient.common import secret_fields
from omsclient.common import shapes
from omsclient.metering import http

#: Kept here too: the metering managers' lists were defined here first.
ResourceList = common_base.ResourceList


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

    Every record is checked against :attr:`shape` as it is read: a record
    that is not an object, or whose fields are not of the promised kinds,
    is an :class:`~omsclient.common.exceptions.InvalidResponse` rather
    than a Python error deep inside ceilometerclient's ``Resource``.

    :param api: an :class:`omsclient.metering.http.SessionClient`.
    """

    api: http.SessionClient
    #: What the API promises about the records of this manager.
    shape = shapes.Shape({})

    def _check(self, url: str, info: Any, where: str) -> None:
        """Raise if a record is not what the API promises.

        :param where: how the record is named: ``''`` for the answer
            itself, ``'entry 3: '`` for an entry of a list.
        :raises omsclient.common.exceptions.InvalidResponse: it is not.
        """
        problem = self.shape.problem(info, where)
        if problem:
            full_url = self.api.url_for(url)
            raise exceptions.InvalidResponse(
                'the answer of GET %s is not what the API promises: %s'
                % (full_url, problem), url=full_url, method='GET')

    def _list(self, url: str, response_key: str | None = None,
              obj_class: Callable[..., Any] | None = None, body: Any = None,
              expect_single: bool = False) -> ResourceList[Any]:
        """Send the list request now; return its records, read on demand.

        See :class:`ResourceList`. ``expect_single`` marks an answer that
        is one object instead of a list: the sequence holds that one
        resource. Each record is checked as it is read, with the same
        quick test as the multistack lists (a list of numbers is "entry 1
        is a number", not an empty list).
        """
        if expect_single:
            return ResourceList(lambda: iter([self._get(url)]))
        prefix = '%s.item' % response_key if response_key else 'item'
        make = obj_class or self.resource_class
        fits = self.shape.fits if obj_class is None else None

        def records(items: Iterator[Any]) -> Iterator[Any]:
            for index, info in enumerate(items, 1):
                # Empty records (null, {}) are skipped, as ceilometerclient
                # does; other values that are not objects are refused.
                if info is None or info == {}:
                    continue
                if fits is not None and not fits(info):
                    self._check(url, info, 'entry %d: ' % index)
                yield make(self, info, loaded=True)

        return ResourceList(
            lambda: records(self.api.open_json_list(url, prefix=prefix)))

    def _get(self, url: str) -> Any:
        info = self.api.get_json(url)
        self._check(url, info, '')
        return self.resource_class(self, info, loaded=True)
