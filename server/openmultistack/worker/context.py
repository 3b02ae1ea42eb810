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
import threading
import typing

from sqlalchemy import orm

from openmultistack.db import api as db_api
from openmultistack.db import events
from openmultistack import providers
from openmultistack.providers import base


class Aborted(Exception):
    """The worker is shutting down: hand the entry back."""


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

    def sleep(self, seconds: float) -> None:
        """Wait, unless the worker shuts down first.

        :raises Aborted: the worker is shutting down.
        """
        if self.abort.wait(seconds):
            raise Aborted()

    def check_abort(self) -> None:
        if self.abort.is_set():
            raise Aborted()
