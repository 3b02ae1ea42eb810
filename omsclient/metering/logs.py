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

"""The system log: ``GET /v2/logs?q.field=page&q.value=<n>``.

Each page holds the entries ``{"id", "desc", "time"}`` newest first; a page
past the end is an empty list. Queries use Ceilometer's ``q.field`` /
``q.op`` / ``q.value`` parameters, built by python-ceilometerclient's own
``options.build_url``.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any

from ceilometerclient.v2 import options

from omsclient.common import exceptions
from omsclient.common import shapes
from omsclient.metering import base

PATH = 'v2/logs'
PAGE_FIELD = 'page'
MARKER_FIELD = 'marker'

#: The most entries of one page that :meth:`LogManager.list_all` keeps by
#: default (``max_rows``).
MAX_ROWS = 100000

Query = Iterable[dict[str, Any]]


def page_query(page: int, q: Query | None = None) -> list[dict[str, Any]]:
    """Return the query ``q`` asking for page ``page`` (1 is the newest).

    An earlier ``page`` condition in ``q`` is replaced.
    """
    query = [dict(cond) for cond in (q or ())
             if cond.get('field') != PAGE_FIELD]
    query.append({'field': PAGE_FIELD, 'value': page})
    return query


def marker_query(marker: int, q: Query | None = None
                 ) -> list[dict[str, Any]]:
    """Return the query ``q`` asking for the entries older than ``marker``.

    ``marker`` is the id of an entry; the pages of that query are those of
    the older entries. An earlier ``marker`` condition in ``q`` is
    replaced.
    """
    query = [dict(cond) for cond in (q or ())
             if cond.get('field') != MARKER_FIELD]
    query.append({'field': MARKER_FIELD, 'value': marker})
    return query


def older(entries: Iterable[Any], marker: int) -> Iterator[Any]:
    """The ``entries`` whose id is below ``marker``.

    What a service that ignores the marker sends too is dropped here; an
    entry without an integer id is kept.
    """
    for entry in entries:
        entry_id = getattr(entry, 'id', None)
        if not isinstance(entry_id, int) or entry_id < marker:
            yield entry


class Log(base.Resource):
    """An entry of the system log: ``id``, ``desc``, ``time``."""

    REPR_NAME = 'Log'


class LogManager(base.Manager):
    """``cclient.logs``: the paged system log of the metering API."""

    resource_class = Log
    shape = shapes.Shape({'desc': shapes.TEXT | shapes.NULL,
                          'time': shapes.TEXT | shapes.NULL})

    def list(self, q: Query | None = None) -> base.ResourceList[Log]:
        """Return the entries of one page, newest first, read on demand.

        ``list(q=[{'field': 'page', 'value': 2}])`` reads the second page;
        without a page condition the server answers the first one; a page
        past the end is empty. The request is sent by this call. The answer
        prints, indexes and counts as a list; a ``for`` loop reads the
        entries one by one without keeping them. See
        :class:`omsclient.common.base.ResourceList`.
        """
        return self._list(options.build_url(PATH, list(q or ())))

    def _has_page(self, page: int, q: Query | None) -> bool:
        return bool(self.list(page_query(page, q)))

    def count_pages(self, q: Query | None = None,
                    empty: int | None = None) -> int:
        """Return how many pages the log has (0 when it is empty).

        The API tells no total: this is a binary search for the last page
        that has entries, reading about log2(``empty``) pages.

        :param empty: a page known to be past the end; without it, one is
            found by doubling the page number.
        """
        found = 0
        if empty is None:
            empty = 1
            while self._has_page(empty, q):
                found, empty = empty, empty * 2
        while empty - found > 1:
            middle = (found + empty) // 2
            if self._has_page(middle, q):
                found = middle
            else:
                empty = middle
        return found

    def list_all(self, q: Query | None = None, start: int = 1,
                 max_rows: int | None = MAX_ROWS) -> Iterator[Log]:
        """Yield the entries of every page from ``start`` on, newest first.

        A generator: page ``n + 1`` is requested only once the caller has
        read every entry of page ``n``, and the walk ends at the first empty
        page. Entries logged while the pages are walked push older ones onto
        the next page; they are skipped rather than yielded twice. A page
        that brings nothing new ends the walk: a server that ignores the
        page number answers the same page again, with integer ids or not.

        To tell a page sent again, the entries of the current page and of
        the one before are kept: memory grows with the length of a page,
        not with the number of pages.

        :param max_rows: the most entries of one page kept (default
            :data:`MAX_ROWS`); ``None`` keeps any number.
        :raises omsclient.common.exceptions.TooManyRows: a page holds more
            entries than ``max_rows``; the entries of the pages before were
            yielded. ``list(q=page_query(page, q))`` reads that page in
            constant memory.
        """
        seen = _Seen()
        previous: list[Any] = []
        page = start
        while True:
            current: list[Any] = []
            held: list[Log] = []    # so far the same as the previous page
            repeating = True
            fresh = 0
            for entry in self.list(page_query(page, q)):
                if max_rows is not None and len(current) >= max_rows:
                    raise _too_many(page, max_rows)
                current.append(entry.to_dict())
                held.append(entry)
                repeating = repeating and len(current) <= len(previous) \
                    and previous[len(current) - 1] == current[-1]
                if repeating:
                    continue
                for kept in held:
                    if seen.new(kept):
                        fresh += 1
                        yield kept
                held = []
            if not current or current == previous:
                return
            for kept in held:
                if seen.new(kept):
                    fresh += 1
                    yield kept
            if not fresh:
                return
            previous = current
            page += 1


def _too_many(page: int, bound: int) -> exceptions.TooManyRows:
    return exceptions.TooManyRows(
        'Page %(page)d of the system log holds more than %(bound)d '
        'entries, more than list_all() keeps to tell a page sent again '
        '(max_rows=%(bound)d); read that page with a for loop over '
        'list(q=page_query(%(page)d, q)), which keeps one entry at a '
        'time, or pass a larger max_rows (None for no bound)'
        % {'page': page, 'bound': bound}, bound=bound)


class _Seen:
    """Which entries of a walk were yielded already.

    Ids are integers counting up, and pages go from the newest entry to
    the oldest: an entry whose id is not below every id seen came back
    onto a later page. Entries without an integer id are always new.
    """

    def __init__(self) -> None:
        self.lowest: int | None = None

    def new(self, entry: Log) -> bool:
        entry_id = getattr(entry, 'id', None)
        if not isinstance(entry_id, int) or isinstance(entry_id, bool):
            return True
        if self.lowest is not None and entry_id >= self.lowest:
            return False
        self.lowest = entry_id
        return True
