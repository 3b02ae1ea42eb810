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

"""What follows an answer: timeouts, retries, ``Retry-After``, redirects.

keystoneauth sends each request once (``connect_retries=0``,
``status_code_retries=0``, ``redirect=False``) and :func:`exchange` decides
the rest, because keystoneauth's own policy does not fit a command-line
tool:

* keystoneauth follows a redirect with the same headers, token included,
  to whatever ``Location`` names. Here a redirect to another origin
  (scheme, host and port) is followed without the auth plugin and without
  any credential header (``X-Auth-Token``, ``Authorization``, cookies);
* keystoneauth retries timeouts, so a stalled server costs four of them,
  and sleeps as long as any ``Retry-After`` asks (an hour, three times).
  Here only refused connections and 502/503/504 answers to idempotent
  requests are retried; a warning says so before each retry of a refused
  connection. ``Retry-After`` is honoured up to
  :data:`MAX_RETRY_AFTER` seconds in all, with a one-line warning before
  each such wait; an answer asking for more ends the call with its error.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
import email.utils
import itertools
import time
from typing import Any
from typing import Union
import urllib.parse

import requests

from omsclient.common import exceptions
from omsclient.common import http_errors
from omsclient.common import http_log

LOG = http_log.LOG

IDEMPOTENT = frozenset(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])
RETRIABLE_STATUS_CODES = frozenset([502, 503, 504])
DEFAULT_RETRIES = 3
REDIRECT_STATUSES = frozenset([301, 302, 303, 307, 308])
MAX_REDIRECTS = 5
#: The schemes a redirect may lead to.
REDIRECT_SCHEMES = frozenset(['http', 'https'])
#: Seconds to connect, and to wait for an answer (and, while an answer is
#: read, for each entry of a list and for the whole of any other answer).
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 60.0
DEFAULT_TIMEOUT = (DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT)
#: The most seconds one call waits in all for ``Retry-After`` answers.
MAX_RETRY_AFTER = 30.0

#: The longest timeout accepted, in seconds (one hour): longer is surely a
#: mistake (``1e10``), and beyond the clock's range a Python error.
MAX_TIMEOUT = 3600.0

#: A timeout as given: seconds (to answer; connecting gives up after
#: :data:`DEFAULT_CONNECT_TIMEOUT` or that, whichever is shorter), or
#: ``(connect, read)``.
TimeoutValue = Union[float, tuple[float, float], None]

#: Sends one request: ``send(url, method, kwargs)``.
Send = Callable[[str, str, dict[str, Any]], requests.Response]


def _seconds(value: Any) -> float | None:
    """A number of seconds within the bounds, from a number or a text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, (int, float)):
        return None
    try:
        seconds = float(value)
    except OverflowError:
        return None
    if not 0 < seconds <= MAX_TIMEOUT:    # NaN fails too
        return None
    return seconds


def as_timeout(value: Any, source: str = 'timeout',
               default: tuple[float, float] = DEFAULT_TIMEOUT
               ) -> tuple[float, float]:
    """Return a timeout as ``(connect, read)`` seconds, checked.

    Every source of a timeout goes through here: the Python API's
    ``timeout=``, a session's, the command-line options, their
    environment variables and ``clouds.yaml`` keys.

    :param value: seconds (a number, or a text from a command line or a
        file), ``(connect, read)``, or ``None`` for ``default``.
    :param source: where the value came from, named by the error
        (``'--os-multistack-timeout'``, ``'OS_MULTISTACK_TIMEOUT'``).
    :raises omsclient.common.exceptions.InvalidTimeout: the value is not
        seconds above 0 and at most :data:`MAX_TIMEOUT`.
    """
    if value is None:
        return default
    if isinstance(value, (tuple, list)):
        pair = [_seconds(v) for v in value]
        if len(pair) == 2:
            connect, read = pair
            if connect is not None and read is not None:
                return connect, read
        expected = 'seconds, or (connect, read) seconds,'
    else:
        seconds = _seconds(value)
        if seconds is not None:
            return min(seconds, DEFAULT_CONNECT_TIMEOUT), seconds
        expected = 'a number of seconds'
    raise exceptions.InvalidTimeout(
        'Invalid %s %r: expected %s above 0 and at most %g'
        % (source, value, expected, MAX_TIMEOUT))


def shorter(value: Any, bound: tuple[float, float]) -> tuple[float, float]:
    """The timeout of one call: ``value`` (seconds), within ``bound``.

    A call's own timeout (what is left of a wait) shortens the client's,
    never lengthens it; any number is taken, since only the shorter of
    the two is used.
    """
    if value is None:
        return bound
    if isinstance(value, (tuple, list)):
        connect, read = (float(v) for v in value)
    else:
        connect = read = float(value)
    return min(connect, bound[0]), min(read, bound[1])


def retry_after(response: requests.Response) -> float | None:
    """The seconds a ``Retry-After`` header asks for, if it has one."""
    value = response.headers.get('Retry-After', '').strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def without_credentials(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Request arguments for another origin: no auth, no credentials."""
    headers = requests.structures.CaseInsensitiveDict(
        {k: v for k, v in kwargs['headers'].items()
         if k.lower() not in http_log.SENSITIVE_HEADERS})
    return dict(kwargs, headers=headers, authenticated=False)


def _delays(fixed: float | None) -> Iterator[float]:
    if fixed is not None:
        return itertools.repeat(fixed)
    return (0.5 * 2 ** n for n in itertools.count())


def _pause(delay: float, notice: bool, message: str, *args: Any) -> None:
    # A wait the server asked for may be long: a warning says so on
    # stderr. A short back-off is logged at INFO (openstack -v).
    logger: Any = LOG if notice else http_log.RETRY_LOG
    logger.warning(message + ' in %g s', *args, delay)
    time.sleep(delay)


def _invalid(response: requests.Response, method: str,
             message: str) -> exceptions.InvalidResponse:
    return exceptions.InvalidResponse(
        message, http_status=response.status_code,
        request_id=http_log.request_id_of(response), url=response.url,
        method=method)


def next_hop(response: requests.Response, method: str, url: str,
             kwargs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The URL and request arguments a redirect answer leads to."""
    response.close()
    location = response.headers.get('Location')
    if not location:
        raise _invalid(response, method, '%s %s answered %s without a '
                       'Location' % (method, url, response.status_code))
    try:
        target = urllib.parse.urljoin(response.url, location)
        urllib.parse.urlsplit(target).port
    except ValueError:
        raise _invalid(response, method, '%s %s answered %s with an '
                       'invalid Location' % (method, url,
                                             response.status_code))
    scheme = urllib.parse.urlsplit(target).scheme.lower()
    if scheme not in REDIRECT_SCHEMES:
        raise _invalid(response, method, '%s %s answered %s with a redirect '
                       'to a %s: URL, refused: only http and https are '
                       'followed' % (method, url, response.status_code,
                                     scheme or 'relative'))
    # The new location carries its own query string.
    kwargs = dict(kwargs, params=None)
    if http_errors.root_of(target) != http_errors.root_of(url):
        kwargs = without_credentials(kwargs)
    return target, kwargs


def exchange(send: Send, url: str, method: str, kwargs: dict[str, Any],
             retries: int, retry_delay: float | None = None
             ) -> requests.Response:
    """Send a request, following redirects and retrying as it may.

    :param send: sends one request, raising omsclient exceptions.
    :param retries: how many retries (0 for requests that are not
        idempotent).
    :param retry_delay: a fixed back-off delay; by default 0.5 s, doubled
        after each retry.
    :returns: the final answer, whatever its status, unread.
    """
    delays = _delays(retry_delay)
    waited = 0.0
    hops = 0
    while True:
        try:
            response = send(url, method, kwargs)
        except exceptions.ConnectionRefused as exc:
            if retries <= 0:
                raise
            retries -= 1
            # Said on stderr: a user who named the wrong port learns at
            # once why the command takes seconds to fail.
            _pause(next(delays), True, '%s; retrying (%d more time%s)',
                   exc, retries + 1, '' if retries == 0 else 's')
            continue
        status = response.status_code
        if status in REDIRECT_STATUSES:
            hops += 1
            if hops > MAX_REDIRECTS:
                response.close()
                raise _invalid(response, method, '%s %s: too many '
                               'redirects' % (method, url))
            url, kwargs = next_hop(response, method, url, kwargs)
        elif status in RETRIABLE_STATUS_CODES and retries > 0:
            asked = retry_after(response)
            if asked is not None and waited + asked > MAX_RETRY_AFTER:
                error = http_errors.error_from(response, method,
                                               kwargs['timeout'][1])
                if waited:
                    error.message += (
                        '; it asks again to be retried in %g s, after %g s '
                        'waited: longer than this client waits in all '
                        '(%g s)' % (asked, waited, MAX_RETRY_AFTER))
                else:
                    error.message += (
                        '; it asks to be retried in %g s, longer than this '
                        'client waits (%g s)' % (asked, MAX_RETRY_AFTER))
                raise error
            retries -= 1
            delay = next(delays) if asked is None else asked
            waited += delay
            response.close()
            _pause(delay, asked is not None, '%s %s answered %s; retrying',
                   method, exceptions.mask_url(url), status)
        else:
            return response
