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

import collections
from collections.abc import Callable
from collections.abc import Generator
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
import contextlib
import copy
import re
from typing import Any
from typing import Generic
from typing import overload
from typing import TYPE_CHECKING
from typing import TypeVar
import urllib.parse

from omsclient.common import exceptions
from omsclient.common import secret_fields
from omsclient.common import shapes

if TYPE_CHECKING:
    from omsclient.common import http

R = TypeVar('R', bound='Resource')
T = TypeVar('T')


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
    #: What the API promises about the fields; checked on arrival.
    shape = shapes.Shape({})

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
        return secret_fields.scrub(self._info[name])

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
        return secret_fields.scrub(self._info)


#: Characters no id of the API has: they would change the path or the
#: query, or hide what was sent.
_NOT_IN_IDS = re.compile(r'[\s/\\?#%\x00-\x1f\x7f-\x9f]')


def check_id(value: Any, what: str = 'ID') -> Any:
    """Return an id that is safe as one path segment, as :func:`as_id` does.

    :raises omsclient.common.exceptions.InvalidId: ``value`` is empty,
        ``.`` or ``..``, holds white space, a control character or one of
        ``/ \\ ? # %``, or is not a text or a whole number; before any
        request.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if value in ('', '.', '..'):
        raise exceptions.InvalidId(
            'Invalid %s %r: an ID cannot be empty, "." or ".."'
            % (what, value))
    if not isinstance(value, str) or _NOT_IN_IDS.search(value):
        raise exceptions.InvalidId(
            'Invalid %s %r: an ID is a number or a name without white '
            'space, control characters or any of / \\ ? # %%'
            % (what, value))
    return as_id(value)


def as_id(value: Any) -> Any:
    """Return an id given as text of digits as an ``int``; else ``value``.

    Command-line arguments and markers arrive as text; ids are compared
    and sent as numbers.
    """
    text = value.strip() if isinstance(value, str) else None
    if text and text.isascii() and text.isdigit():
        return int(text)
    return value


def after(entry_id: Any, marker: Any) -> bool:
    """Whether ``entry_id`` comes after ``marker`` in id order.

    An id that cannot be compared with the marker is kept: the server
    placed it, and only it knows where.
    """
    try:
        return entry_id > marker
    except TypeError:
        return True


def check_limit(limit: int | None) -> int | None:
    """Return a list's ``limit`` as an ``int``; ``None`` for no limit.

    :raises ValueError: ``limit`` is negative.
    """
    if limit is None:
        return None
    if int(limit) < 0:
        raise ValueError('limit must not be negative')
    return int(limit)


def quote_id(value: Any) -> str:
    """Quote an id for use as one path segment."""
    return urllib.parse.quote(str(value), safe='')


class ResourceList(Sequence[T]):
    """The records of a list answer, read on demand.

    What every ``list()`` of the Python API returns, ``queues``,
    ``accounts`` and ``instances`` as ``rabbit`` and ``logs``. What
    python-ceilometerclient's managers answered was a list: the seed's
    ``print(cclient.rabbit.list('users'))`` shows ``[<Rabbitmq record --
    {...}>, ...]``, and ``len()``, indexing, slicing and truthiness work.
    Those answers were read whole, though; this sequence behaves as that
    list while a plain ``for`` loop still reads a long answer (or walks
    the pages of a long list) in constant memory:

    * nothing is sent when the sequence is made (by ``list()``): the
      request goes out, and its errors are raised, when it is first used,
      as with a generator;
    * a ``for`` loop reads the records one by one as they arrive and
      keeps none of them;
    * ``len()``, indexing, slicing, truthiness, ``in`` and ``repr()`` read
      the whole answer once and keep it; every later iteration walks the
      kept records without a request;
    * every iteration of a sequence that was not kept sends the request
      again, and reads the records as they are then.

    :param open_records: sends the request and returns an iterator over the
        records of its answer; called on each use as described above.
    """

    def __init__(self, open_records: Callable[[], Iterator[T]]) -> None:
        self._open_records = open_records
        self._kept: list[T] | None = None

    def __iter__(self) -> Iterator[T]:
        # A generator, so that the answer is taken on the first next(),
        # not by iter(): list(self) calls iter() and then len(), which
        # reads and keeps the answer; the first next() then walks it.
        if self._kept is not None:
            yield from self._kept
            return
        yield from self._open_records()

    def _records(self) -> list[T]:
        if self._kept is None:
            self._kept = list(iter(self))
        return self._kept

    def __len__(self) -> int:
        return len(self._records())

    @overload
    def __getitem__(self, index: int) -> T:
        ...

    @overload
    def __getitem__(self, index: slice) -> list[T]:
        ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self._records()[index]

    def __repr__(self) -> str:
        return repr(self._records())


class ApiRoot:
    """The API root (``GET /api/``), read once, on demand.

    It tells which collections the server has: the original service lists
    only ``queues``; the reference service adds ``accounts``,
    ``instances`` and ``providers`` (whose presence also tells that it
    takes the requirements of a queue entry).
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

    def require(self, collection: str, feature: str, why: str) -> None:
        """Refuse a feature of a server without ``collection`` in its root.

        :param feature: what the caller asked for, as it was named
            (``--min-ram``, ``min_ram``, ``providers``).
        :param why: what the server lacks, for the message.
        :raises omsclient.common.exceptions.NotSupported: the root does
            not list ``collection`` (the original service); nothing else
            was sent.
        """
        if not self.has(collection):
            raise exceptions.NotSupported(
                'the OpenMultiStack service at %s does not support %s (%s)'
                % (self.api.base_url, feature, why))


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
        """The path of a resource; its parts are checked with check_id."""
        return self.collection + ''.join(quote_id(check_id(p)) + '/'
                                         for p in parts)

    def _check(self, answer: Any, method: str, path: str,
               index: int | None = None,
               shape: shapes.Shape | None = None) -> dict[str, Any]:
        """Return ``answer`` if it has the shape the API promises.

        :param index: the number of the entry in a list answer (from 1).
        :param shape: the shape to check; the resource class's by default.
        :raises omsclient.common.exceptions.InvalidResponse: it has not.
        """
        shape = shape or self.resource_class.shape
        problem = shape.problem(
            answer, '' if index is None else 'entry %d: ' % index)
        if problem is None:
            return answer
        url = self.api.url_for(path)
        raise exceptions.InvalidResponse(
            'the answer of %s %s is not what the API promises: %s'
            % (method, url, problem), url=url, method=method)

    def _resource(self, info: Any, method: str = 'GET',
                  path: str | None = None, index: int | None = None) -> R:
        """A resource of the answer ``info``, checked (see :meth:`_check`)."""
        return self.resource_class(
            self, self._check(info, method, path or self.collection, index))

    def _find_named(self, reference: Any, what: str,
                    names: Callable[[R], Iterable[Any]]) -> R:
        """The resource whose ID is ``reference``, else the one it names.

        As osc-lib's ``find_resource``: a whole number is asked for as an
        ID first; any other text, or a number that no resource has as its
        ID, is looked for among the names of the whole list (the API has
        no filter by name).

        :param what: the resource in messages (``instance``).
        :param names: the names of one resource (``None`` is no name).
        :raises omsclient.common.exceptions.NotFound: nothing has that ID
            or name.
        :raises omsclient.common.exceptions.NoUniqueMatch: several have
            that name.
        :raises omsclient.common.exceptions.InvalidId: ``reference`` is
            neither (see :func:`check_id`).
        """
        wanted = check_id(reference)
        if isinstance(wanted, int) and not isinstance(wanted, bool):
            try:
                return self.get(wanted)  # type: ignore[attr-defined]
            except exceptions.NotFound:
                pass
        text = str(reference).strip()
        found = [item for item in self.list()  # type: ignore[attr-defined]
                 if text in {str(name) for name in names(item)
                             if name is not None}]
        if not found:
            raise exceptions.NotFound('No %s with ID or name %r'
                                      % (what, text))
        if len(found) > 1:
            raise exceptions.NoUniqueMatch(
                'More than one %s has the name %r (IDs %s): give an ID'
                % (what, text, ', '.join(str(item.id) for item in found)))
        return found[0]

    def _open_page(self, params: dict[str, Any]
                   ) -> Generator[list[Any], None, None]:
        """Ask for one page of the collection; its entries as they arrive.

        In lists of the entries that arrived together. An HTTP error is
        raised here, before any entry is read.
        """
        return self.api.open_json_batches(self.collection, params)

    def _iter_pages(self, filters: dict[str, Any], limit: int | None,
                    marker: Any,
                    keep: Callable[[dict[str, Any]], bool] | None = None
                    ) -> Iterator[R]:
        """Yield the entries of the collection in id order, page by page.

        ``filters``, ``limit`` and ``marker`` are sent as the query and
        applied again here, since a server may ignore any of them: the
        original service ignores every parameter. The loop runs once per
        entry of lists of millions: the entries that arrived together are
        checked together (:meth:`omsclient.common.shapes.Shape.all_fit`);
        each entry then costs the tests of the filters and the resource.
        Entries are yielded up to the first one that breaks the promise,
        which is named in the error.

        :param filters: the query parameters of the filters.
        :param limit: the most entries to yield; pages are asked for one
            after the other (marker = last id) until that many were
            yielded, so a server's page size never cuts the list short.
        :param marker: yield only entries whose id comes after it. A
            server that does not know it answers ``400``, raised. When the
            entry of a marker this method sends itself (the last id of a
            page) is deleted before the next page is asked for, it goes on
            from an id received before that one.
        :param keep: whether an entry meets ``filters``; ``None`` when
            there are none.
        """
        make = self.resource_class
        remaining = limit
        # Entries up to ``seen`` were yielded or skipped already; the
        # marker sent is ``seen`` unless that entry went away meanwhile.
        seen = marker
        # Ids received before ``seen``, to go back to (a few suffice).
        earlier: collections.deque[Any] = collections.deque(maxlen=16)
        while remaining is None or remaining > 0:
            params = dict(filters, limit=remaining, marker=marker)
            params = {k: v for k, v in params.items() if v is not None}
            received = fresh = 0
            try:
                page = self._open_page(params)
            except exceptions.BadRequest:
                if marker is None or marker == seen and not earlier:
                    raise   # the caller's marker, or nothing to go back to
                # The entry of our own marker was deleted between two
                # pages: go on from one received before it.
                marker = earlier.pop() if earlier else None
                continue
            with contextlib.closing(self._checked_batches(page)) as batches:
                for batch in batches:
                    for item in batch:
                        received += 1
                        last_received = item['id']
                        if seen is not None and not after(item['id'], seen):
                            continue    # the server ignored the marker
                        fresh += 1
                        if remaining is not None:  # another page may follow
                            earlier.append(seen)
                        seen = item['id']
                        if keep is not None and not keep(item):
                            continue    # the server ignored a filter
                        yield make(self, item)
                        if remaining is not None:
                            remaining -= 1
                            if remaining == 0:
                                return
            went_back = marker != seen and received
            if remaining is None or received > params['limit'] or not (
                    fresh or went_back):
                # The whole list came at once (no limit asked, or the
                # server ignored it), or the last page was reached.
                return
            # After going back, a page may hold only entries seen before.
            marker = seen if fresh else last_received

    def _checked_batches(self, page: Generator[list[Any], None, None]
                         ) -> Generator[list[dict[str, Any]], None, None]:
        """The batches of one page (see :meth:`_open_page`), checked.

        The entries that arrived together are checked together
        (:meth:`omsclient.common.shapes.Shape.all_fit`). In a batch with
        an entry that breaks the promise, the entries before it come
        first, as a batch of their own, then the error that names it (by
        its number in the page, from 1). The page is closed with this
        generator.
        """
        all_fit = self.resource_class.shape.all_fit
        received = 0
        with contextlib.closing(page):
            for batch in page:
                if not all_fit(batch):
                    for number, item in enumerate(batch):
                        try:
                            self._check(item, 'GET', self.collection,
                                        received + number + 1)
                        except exceptions.InvalidResponse:
                            if number:
                                yield batch[:number]
                            raise
                received += len(batch)
                yield batch

    def _listing(self, filters: dict[str, Any], limit: int | None,
                 marker: Any,
                 keep: Callable[[dict[str, Any]], bool] | None = None
                 ) -> ResourceList[R]:
        """The entries of :meth:`_iter_pages` as a :class:`ResourceList`."""
        return ResourceList(lambda: self._iter_pages(filters, limit, marker,
                                                     keep))

    def _get(self, path: str, **kwargs: Any) -> R:
        return self._resource(self.api.get_json(path, **kwargs), 'GET', path)

    def _send(self, method: str, path: str,
              body: dict[str, Any] | None = None,
              **kwargs: Any) -> R:
        answer = self.api.send_json(method, path, body, **kwargs)
        return self._resource(answer, method, path)

    def _delete(self, path: str, **kwargs: Any) -> None:
        self.api.send_json('DELETE', path, **kwargs)
