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

"""Shared helpers of the client unit tests.

Answers of the original service copied from the API contract, a test case
with requests-mock at the HTTP boundary and keystoneauth's retry sleeps
switched off, and a lazily generated JSON list body for streaming tests.
"""

from __future__ import annotations

from collections.abc import Callable
import copy
import io
import json
import logging
from typing import Any
import urllib.parse

import fixtures
from requests_mock.contrib import fixture as rm_fixture
import testtools

ENDPOINT = 'http://oms.test'
API = ENDPOINT + '/api'
QUEUES = API + '/queues/'

PRIVATE_KEY = '-----BEGIN RSA PRIVATE KEY-----\n...'

#: A queue entry exactly as the original service sends it.
ORIGINAL_QUEUE: dict[str, Any] = {
    "id": 1,
    "status": "RUN",
    "regist_datetime": "2016-08-09T02:29:34.461432Z",
    "instance": {"id": 1,
                 "name": "133-130-111-194",
                 "instance_id": "bec7c0ea-2262-4d73-aa6d-002d1e231103",
                 "ip_addr": "133.130.111.194",
                 "key_name": "gShakAACHA",
                 "key_raw": PRIVATE_KEY,
                 "account": {"provider": "conoha", "region_name": "tyo1",
                             "tenant_name": "gnct26543406"}}}

#: The API root of the original service and of the reference service.
ORIGINAL_ROOT = {"queues": QUEUES}
REFERENCE_ROOT = {"queues": QUEUES, "accounts": API + '/accounts/',
                  "instances": API + '/instances/',
                  "providers": API + '/providers/'}

#: A queue entry of the reference service that asked for requirements:
#: the flavor and image chosen, and the provider passed over first.
CHOSEN_QUEUE: dict[str, Any] = {
    "id": 7, "status": "RUN",
    "regist_datetime": "2026-12-07T20:00:00.000000Z",
    "updated_datetime": "2026-12-07T20:00:05.000000Z", "fault": None,
    "image": None, "flavor": None, "name": None, "provider": None,
    "min_ram": 4096, "min_vcpus": None, "min_disk": 20,
    "image_properties": {"os_distro": "ubuntu"},
    "skipped": [{"provider": "b", "reason": "no_flavor",
                 "detail": "no public flavor with at least 4096 MB RAM"}],
    "instance": {"id": 3, "name": "vm-7", "instance_id": "4d1e",
                 "ip_addr": "192.0.2.7", "key_name": "oms-7",
                 "account": {"provider": "a", "region_name": "RegionOne",
                             "tenant_name": "demo"},
                 "flavor": {"id": "3", "name": "m1.medium"},
                 "image": {"id": "9f2c", "name": "ubuntu-22.04"}}}

#: Error bodies of the original service (Django REST framework).
NOT_FOUND = {"detail": "Not found."}


def queue(queue_id: int, status: str = 'RUN',
          instance: bool = True) -> dict[str, Any]:
    """Return a queue entry of the original shape with another id."""
    entry = copy.deepcopy(ORIGINAL_QUEUE)
    entry['id'] = queue_id
    entry['status'] = status
    if instance:
        entry['instance']['id'] = queue_id
        entry['instance']['key_raw'] = PRIVATE_KEY + str(queue_id)
    else:
        entry['instance'] = None
    return entry


class GeneratedList(io.RawIOBase):
    """A JSON list body produced while it is read.

    :param count: how many entries.
    :param template: every entry is this object with ``"id": i`` first
        (fast: the entries are made by formatting bytes).
    :param cut_after: stop the body after this many entries, in the
        middle of the next one, as a broken connection would.
    :param make: instead of ``template``, builds entry ``i`` (any JSON
        value).

    ``size`` is the length of the whole body; ``consumed`` how many bytes
    have been read so far; ``entry_size`` the length of the first entry.
    """

    BATCH = 100

    def __init__(self, count: int, template: dict[str, Any] | None = None,
                 cut_after: int | None = None,
                 make: Callable[[int], Any] | None = None) -> None:
        super().__init__()
        if make is None:
            rest = {k: v for k, v in (template or {}).items() if k != 'id'}
            pattern = (b'{"id": %d' + (b', ' if rest else b'')
                       + json.dumps(rest)[1:].replace('%', '%%').encode())
            self._entry = pattern.__mod__
        else:
            self._entry = lambda i: json.dumps(make(i)).encode()
        self.count = count
        self.cut_after = cut_after
        self.consumed = 0
        self.entry_size = len(self._entry(0))
        self.size = 2 + sum(len(self._entry(i)) for i in range(count)) + (
            count - 1 if count else 0)
        self._pieces = self._generate()
        self._pending = b''

    def _generate(self):
        yield b'['
        for start in range(0, self.count, self.BATCH):
            ids = range(start, min(start + self.BATCH, self.count))
            entries = [self._entry(i) for i in ids]
            if self.cut_after is not None and self.cut_after in ids:
                kept = entries[:self.cut_after - start + 1]
                kept[-1] = kept[-1][:len(kept[-1]) // 2]
                yield (b',' if start else b'') + b','.join(kept)
                return
            yield (b',' if start else b'') + b','.join(entries)
        yield b']'

    def readable(self) -> bool:
        return True

    def read1(self, size: int = -1) -> bytes:
        # What a socket gives: what is there, one read at a time.
        return self.read(size if size > 0 else io.DEFAULT_BUFFER_SIZE)

    def readinto(self, buffer) -> int:
        view = memoryview(buffer)
        filled = 0
        while filled < len(view):
            if not self._pending:
                self._pending = next(self._pieces, b'')
                if not self._pending:
                    break
            size = min(len(view) - filled, len(self._pending))
            view[filled:filled + size] = self._pending[:size]
            self._pending = self._pending[size:]
            filled += size
        self.consumed += filled
        return filled


class FakeClock:
    """``time.monotonic`` and ``time.sleep`` without waiting.

    ``sleep`` moves ``now`` forward and records the delay in ``sleeps``.
    """

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class FakeListServer:
    """The list call of a server, as a requests-mock JSON callback.

    :param entries: the whole list, in id order.
    :param filters: the query parameters the server applies, each with
        the value of an entry it compares (``{'provider': lambda e:
        e['provider']}``); an older server applies fewer.
    :param paged: whether it applies ``limit`` and ``marker`` (the
        original service applies no parameter at all).
    :param max_limit: the most entries it sends in one page.
    """

    def __init__(self, entries: list[dict[str, Any]],
                 filters: dict[str, Callable[[dict], Any]] | None = None,
                 paged: bool = True, max_limit: int | None = None) -> None:
        self.entries = entries
        self.filters = filters or {}
        self.paged = paged
        self.max_limit = max_limit
        #: The query of each request, as parse_qs reads it.
        self.queries: list[dict[str, list[str]]] = []

    def __call__(self, request: Any, context: Any) -> list[dict[str, Any]]:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(
            request.url).query)
        self.queries.append(query)
        found = [entry for entry in self.entries
                 if all(value(entry) in query[name]
                        for name, value in self.filters.items()
                        if name in query)]
        if not self.paged:
            return found
        if 'marker' in query:
            found = [e for e in found if e['id'] > int(query['marker'][0])]
        limit = int(query['limit'][0]) if 'limit' in query else None
        if self.max_limit is not None:
            limit = min(limit or self.max_limit, self.max_limit)
        return found[:limit]


class TestCase(testtools.TestCase):
    """A test with requests-mock at the HTTP boundary.

    keystoneauth's retry back-off sleeps are replaced by a mock
    (``self.sleep``) so that retries cost no time. Logging is captured at
    debug level (``self.log.output``), so every test also runs the debug
    logging paths.
    """

    def setUp(self) -> None:
        super().setUp()
        self.log = self.useFixture(fixtures.FakeLogger(level=logging.DEBUG))
        self.requests = self.useFixture(rm_fixture.Fixture())
        self.sleep = self.useFixture(fixtures.MockPatch(
            'keystoneauth1.session.time.sleep')).mock

    def use_fake_clock(self) -> FakeClock:
        """Run the library's waits on a :class:`FakeClock`; return it.

        Covers ``queues.wait`` and ``queues.wait_for_delete``.
        """
        clock = FakeClock()
        self.useFixture(fixtures.MockPatch('omsclient.common.utils.time',
                                           clock))
        return clock

    def make_client(self, endpoint: str = ENDPOINT, **kwargs: Any):
        from omsclient import client
        return client.Client('1', endpoint=endpoint, **kwargs)

    def calls(self, method: str | None = None,
              path: str | None = None) -> list[Any]:
        """The requests sent, optionally only one method / path."""
        return [r for r in self.requests.request_history
                if (method is None or r.method == method)
                and (path is None or r.path == path)]
