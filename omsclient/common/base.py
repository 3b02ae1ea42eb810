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

"""Resources and managers of the Python API."""

from __future__ import annotations

from collections.abc import Iterator
import copy
from typing import Any
from typing import Generic
from typing import TYPE_CHECKING
from typing import TypeVar
import urllib.parse

from omsclient.common import exceptions

if TYPE_CHECKING:
    from omsclient.common import http

R = TypeVar('R', bound='Resource')

#: Keys whose values are secrets: never shown by ``repr`` or ``to_dict``.
SECRET_FIELDS = frozenset(['key_raw', 'password'])


def strip_secrets(value: Any, secrets: frozenset[str] = SECRET_FIELDS) -> Any:
    """Return a deep copy of a JSON value without its secret keys."""
    if isinstance(value, dict):
        return {k: strip_secrets(v, secrets) for k, v in value.items()
                if k not in secrets}
    if isinstance(value, list):
        return [strip_secrets(v, secrets) for v in value]
    return value


class Resource:
    """One object of the API with attribute access to its fields.

    ``resource.status`` (or ``resource['status']``) reads the field
    ``status``. Nested objects are
    returned without their secrets; a secret at the top level of a
    resource (``private_key.key_raw``) is read only by naming it. Neither
    ``repr`` nor :meth:`to_dict` shows a secret unless asked to.
    """

    #: Fields that are dropped on arrival and never kept (write-only).
    write_only_fields: frozenset[str] = frozenset()

    def __init__(self, manager: Manager | None, info: dict[str, Any]):
        self.manager = manager
        if self.write_only_fields:
            info = {k: v for k, v in info.items()
                    if k not in self.write_only_fields}
        self._info = dict(info)

    def __getattr__(self, name: str) -> Any:
        if name.startswith('_'):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                '%s has no attribute %r' % (type(self).__name__, name))

    def __getitem__(self, name: str) -> Any:
        """``resource['status']``: the field, nested secrets left out."""
        return strip_secrets(self._info[name])

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._info))

    def __repr__(self) -> str:
        return '<%s %r>' % (type(self).__name__, self.to_dict())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Resource):
            return NotImplemented
        return type(self) is type(other) and self._info == other._info

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._info.get('id')))

    def get(self, name: str, default: Any = None) -> Any:
        """Return a field, or ``default`` if the resource lacks it."""
        try:
            return getattr(self, name)
        except AttributeError:
            return default

    def to_dict(self, include_secrets: bool = False) -> dict[str, Any]:
        """Return the fields as a new dict.

        :param include_secrets: keep the secret fields (``key_raw``) too;
            only for a caller that was explicitly asked for that secret.
        """
        if include_secrets:
            return copy.deepcopy(self._info)
        return strip_secrets(self._info)


def as_id(value: Any) -> Any:
    """Return an id given as text of digits as an ``int``; else ``value``.

    Command-line arguments and markers arrive as text; ids are compared
    and sent as numbers.
    """
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value


def quote_id(value: Any) -> str:
    """Quote an id for use as one path segment."""
    return urllib.parse.quote(str(value), safe='')


class ApiRoot:
    """The API root (``GET /api/``), read once, on demand.

    It tells which collections the server has: the original service lists
    only ``queues``; the reference service adds ``accounts`` and
    ``instances``.
    """

    def __init__(self, api: http.SessionClient) -> None:
        self.api = api
        self._links: dict[str, Any] | None = None

    def has(self, collection: str) -> bool:
        """Whether the server lists ``collection`` in its API root.

        If the root cannot be read the answer is ``True``, so that the
        caller reports the original error instead of guessing.
        """
        if self._links is None:
            try:
                links = self.api.get_json('')
            except exceptions.ClientException:
                return True
            self._links = links if isinstance(links, dict) else {}
        return collection in self._links


class Manager(Generic[R]):
    """Calls of one collection of the API, returning ``resource_class``.

    :param api: the :class:`omsclient.common.http.SessionClient`.
    :param root: the shared :class:`ApiRoot` of the client.
    """

    resource_class: type[R] = Resource  # type: ignore[assignment]
    #: The collection path under the API root, with its trailing slash.
    collection: str = ''

    def __init__(self, api: http.SessionClient,
                 root: ApiRoot | None = None) -> None:
        self.api = api
        self.root = root or ApiRoot(api)

    def _path(self, *parts: Any) -> str:
        return self.collection + ''.join(quote_id(p) + '/' for p in parts)

    def _resource(self, info: dict[str, Any]) -> R:
        return self.resource_class(self, info)

    def _list(self, path: str | None = None,
              params: dict[str, Any] | None = None) -> Iterator[R]:
        for item in self.api.iter_json_list(path or self.collection,
                                            params):
            yield self._resource(item)

    def _get(self, path: str, **kwargs: Any) -> R:
        answer = self.api.get_json(path, **kwargs)
        return self._resource(self._expect_object(answer, 'GET', path))

    def _send(self, method: str, path: str,
              body: dict[str, Any] | None = None,
              **kwargs: Any) -> R:
        answer = self.api.send_json(method, path, body, **kwargs)
        return self._resource(self._expect_object(answer, method, path))

    def _delete(self, path: str) -> None:
        self.api.send_json('DELETE', path)

    def _expect_object(self, answer: Any, method: str,
                       path: str) -> dict[str, Any]:
        if not isinstance(answer, dict):
            url = self.api.url_for(path)
            raise exceptions.InvalidResponse(
                '%s %s returned %s instead of a JSON object' % (
                    method, url, 'nothing' if answer is None
                    else type(answer).__name__),
                url=url, method=method)
        return answer
