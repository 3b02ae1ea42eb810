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
from collections.abc import Iterable
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


#: Arguments that belong to an authentication, not to a client: they go
#: into a keystoneauth1 session (or ``token=`` with ``endpoint=``).
_CREDENTIALS = frozenset([
    'username', 'password', 'auth_url', 'project_name', 'project_id',
    'tenant_name', 'tenant_id', 'user_domain_name', 'project_domain_name',
    'user_id', 'auth'])


@functools.lru_cache(maxsize=1)
def http_options() -> frozenset[str]:
    """The keyword arguments of the HTTP layer, keystoneauth's included.

    Those of :class:`omsclient.common.http.SessionClient` and of
    keystoneauth1's ``Adapter``, which a client passes on.
    """
    import inspect

    from keystoneauth1 import adapter

    from omsclient.common import http

    return frozenset(
        name for function in (http.SessionClient.__init__,
                              adapter.Adapter.__init__)
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.kind in (inspect.Parameter.KEYWORD_ONLY,
                              inspect.Parameter.POSITIONAL_OR_KEYWORD)
        and name not in ('self', 'session'))


def check_client_arguments(session: Any, endpoint: Any,
                           options: Iterable[str] = (),
                           accepted: Iterable[str] | None = None,
                           callable_endpoint: bool = False) -> None:
    """Refuse, with a clear ``TypeError``, what no client can be built of.

    A client built of a URL as its session, or of a session as its URL,
    would fail only at its first request, deep inside keystoneauth.

    :param session: must be ``None`` or a keystoneauth1 session.
    :param endpoint: must be ``None`` or a URL (or, with
        ``callable_endpoint``, a callable returning one).
    :param options: the names of the other keyword arguments given.
    :param accepted: the names of the keyword arguments the client takes;
        ``None``: any.
    """
    from keystoneauth1 import session as ksa_session

    if session is not None and not isinstance(session,
                                              ksa_session.Session):
        hint = ('; a URL is the endpoint: endpoint=%r' % session
                if isinstance(session, str) and '://' in session else '')
        raise TypeError('session must be a keystoneauth1 session '
                        '(keystoneauth1.session.Session), not %s%s'
                        % (type(session).__name__, hint))
    if endpoint is not None and not isinstance(endpoint, str) and not (
            callable_endpoint and callable(endpoint)):
        hint = ('; a session is given as session=' if isinstance(
            endpoint, ksa_session.Session) else '')
        raise TypeError('endpoint must be the URL of the service, not %s%s'
                        % (type(endpoint).__name__, hint))
    if accepted is None:
        return
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        hint = ''
        if _CREDENTIALS.intersection(unknown):
            hint = ('; credentials go into a keystoneauth1 session '
                    '(session=), or a token with endpoint= and token=')
        raise TypeError('Unexpected keyword argument%s: %s%s' % (
            's' if len(unknown) > 1 else '', ', '.join(unknown), hint))


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
