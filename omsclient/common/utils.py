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

"""Small helpers shared by the library and the commands."""

from collections.abc import Callable
import datetime
import functools
import time
from typing import Any
from typing import TypeVar

T = TypeVar('T')


@functools.lru_cache(maxsize=1)
def version_string() -> str:
    """Return the installed version of python-omsclient."""
    from importlib import metadata
    try:
        return metadata.version('python-omsclient')
    except metadata.PackageNotFoundError:
        return 'unknown'


def monotonic() -> float:
    """The clock of :func:`poll`, for callers that share a wait's budget."""
    return time.monotonic()


def poll(check: Callable[[], T | None], timeout: float | None,
         interval: float,
         timed_out: Callable[[float], Exception]) -> T:
    """Call ``check`` until it returns something other than ``None``.

    :param check: called once per round; its first non-``None`` result is
        returned. It may raise to end the wait with an error.
    :param timeout: seconds after which ``timed_out(elapsed)`` is raised;
        ``None`` waits forever.
    :param interval: seconds between two rounds.
    :param timed_out: builds the exception to raise from the elapsed time.
    """
    start = time.monotonic()
    while True:
        result = check()
        if result is not None:
            return result
        elapsed = time.monotonic() - start
        if timeout is not None and elapsed >= timeout:
            raise timed_out(elapsed)
        delay = interval
        if timeout is not None:
            delay = min(interval, timeout - elapsed)
        time.sleep(max(delay, 0))


def parse_datetime(value: Any) -> datetime.datetime | None:
    """Parse an ISO 8601 timestamp into UTC, or naive if it has no zone.

    ``None`` when ``value`` is not a timestamp, or is one that has no UTC
    equivalent (``9999-12-31T23:59:59-23:59``). Unlike oslo.utils'
    ``timeutils.parse_isotime``, a timestamp without a zone stays without
    one instead of being taken for UTC, nothing is raised, and the parsing
    is the standard library's (one C call per value, for long lists).
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if ':' not in text:
        # A date alone (or no timestamp at all) is shown as it is.
        return None
    if text[-1:] in ('Z', 'z'):
        text = text[:-1] + '+00:00'
    try:
        parsed = datetime.datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            return parsed
        return parsed.astimezone(datetime.timezone.utc)
    except (ValueError, OverflowError):
        return None
