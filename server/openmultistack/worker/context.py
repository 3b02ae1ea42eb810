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

"""What the jobs of one worker share."""

import contextlib
import dataclasses
import itertools
import threading
import time
import typing

from sqlalchemy import orm

from openmultistack.db import api as db_api
from openmultistack.db import events
from openmultistack import providers
from openmultistack.providers import base


class Aborted(Exception):
    """The worker is shutting down: hand the entry back."""


class LimitsCache:
    """Limits by account id, each for a while; shared by the job threads.

    ``None`` is a value like any other: limits that could not be read
    are not asked for again until they expire either.
    """

    def __init__(self, clock: typing.Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[int, tuple[float, typing.Optional[
            base.Limits]]] = {}

    def get(self, account_id: int, max_age: float
            ) -> tuple[bool, typing.Optional[base.Limits]]:
        """``(found, limits)``: found if read less than max_age ago."""
        with self._lock:
            entry = self._entries.get(account_id)
        if entry is None or self._clock() - entry[0] >= max_age:
            return False, None
        return True, entry[1]

    def put(self, account_id: int,
            limits: typing.Optional[base.Limits]) -> None:
        with self._lock:
            self._entries[account_id] = (self._clock(), limits)

    def count_server(self, account_id: int, flavor: base.Flavor) -> None:
        """Count one more server of ``flavor`` in the account's limits.

        Until the limits are read again, the entries that follow see the
        server this worker is about to ask for.
        """
        with self._lock:
            entry = self._entries.get(account_id)
            if entry is None or entry[1] is None:
                return
            read_at, known = entry
            self._entries[account_id] = (read_at, dataclasses.replace(
                known, instances_used=known.instances_used + 1,
                cores_used=known.cores_used + flavor.vcpus,
                ram_used=known.ram_used + flavor.ram))


@dataclasses.dataclass
class Context:
    """The state and settings one worker's jobs share.

    :param options: the ``[worker]`` option group.
    """

    sessionmaker: orm.sessionmaker
    worker_id: str
    options: typing.Any
    abort: threading.Event = dataclasses.field(
        default_factory=threading.Event)
    #: The limits of the provider accounts read lately.
    limits: LimitsCache = dataclasses.field(default_factory=LimitsCache)
    _turns: typing.Iterator[int] = dataclasses.field(
        default_factory=itertools.count)
    _turns_lock: threading.Lock = dataclasses.field(
        default_factory=threading.Lock)

    def session(self) -> typing.ContextManager[orm.Session]:
        """A short transaction; committed at the end of the block."""
        # Rows outlive the transaction: jobs read them between provider
        # calls, with no session open.
        return db_api.session_scope(self.sessionmaker)

    @contextlib.contextmanager
    def reading(self) -> typing.Iterator[orm.Session]:
        """A transaction that only reads.

        On SQLite, it takes no write lock: the looks of many jobs at
        their entries neither wait for the writers (the API, the other
        jobs) nor hold them up.
        """
        with db_api.reads_only(), self.session() as session:
            yield session

    def record(self, desc: str, queue_id: typing.Optional[int] = None,
               level: str = events.INFO) -> None:
        """Write one event in its own transaction."""
        with self.session() as session:
            events.record(session, desc, queue_id, level)

    def provider(self, account) -> base.Provider:
        """The driver for an account (a row read by a job)."""
        return providers.get_provider(account, self.options.provider_timeout)

    def next_turn(self) -> int:
        """0, 1, 2, ...: one per entry, for ``provider_order = spread``."""
        with self._turns_lock:
            return next(self._turns)

    def sleep(self, seconds: float) -> None:
        """Wait, unless the worker shuts down first.

        :raises Aborted: the worker is shutting down.
        """
        if self.abort.wait(seconds):
            raise Aborted()

    def check_abort(self) -> None:
        if self.abort.is_set():
            raise Aborted()
