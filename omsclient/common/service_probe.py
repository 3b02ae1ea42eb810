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

"""Which API answers at an endpoint, to explain a ``404`` from the wrong one.

The multistack API (``/api/``) and the metering API (``/v2/...``) of the
reference service listen on different ports; an endpoint that names one
for the other answers every request with ``404``. After such an answer,
:func:`wrong_service` asks the endpoint what it is, with at most two
short ``GET`` requests, and says so in one line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from omsclient.common import exceptions

#: The multistack API (``/api/``).
MULTISTACK = 'multistack'
#: The metering API (``/v2/...``).
METERING = 'metering'

#: Seconds each question may take: the endpoint has just answered.
PROBE_TIMEOUT = 5.0

#: How each API is named, and how the command line points at it.
_NAMES = {
    MULTISTACK: ('the multistack API', 'multistack_endpoint_override',
                 'http://127.0.0.1:8765'),
    METERING: ('the metering API', 'metering_endpoint_override',
               'http://127.0.0.1:8777'),
}


def _is_multistack(root: Any) -> bool:
    # GET /api/: {"queues": "<url>", ...}
    return isinstance(root, dict) and 'queues' in root


def _is_metering(versions: Any) -> bool:
    # GET /: {"versions": {"values": [{"id": "v2", ...}]}}, as Ceilometer.
    values = (versions.get('versions') or {}).get('values') \
        if isinstance(versions, dict) else None
    return isinstance(values, list) and any(
        isinstance(v, dict) and str(v.get('id', '')).startswith('v2')
        for v in values)


#: The question that tells each API: a path under the endpoint, and the
#: test of its answer.
_QUESTIONS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    MULTISTACK: ('/api/', _is_multistack),
    METERING: ('/', _is_metering),
}


def endpoint_of(api: Any) -> str:
    """The endpoint of a SessionClient: its base URL without the prefix."""
    base = api.base_url
    prefix = '/' + api.api_prefix.strip('/') if api.api_prefix.strip('/') \
        else ''
    return base[:-len(prefix)] if prefix and base.endswith(prefix) else base


def _answers_as(api: Any, endpoint: str, service: str) -> bool:
    path, test = _QUESTIONS[service]
    try:
        return test(api.get_json(endpoint.rstrip('/') + path,
                                 timeout=PROBE_TIMEOUT))
    except exceptions.ClientException:
        return False


def wrong_service(api: Any, expected: str) -> str | None:
    """Say why ``api``'s endpoint is not ``expected``, or ``None`` if it is.

    :param api: the :class:`omsclient.common.http.SessionClient` that got
        a ``404``.
    :param expected: :data:`MULTISTACK` or :data:`METERING`.
    :returns: one sentence naming the endpoint and what answers there, or
        ``None`` when the endpoint is the expected API (its ``404`` was
        about the resource) or cannot be asked.
    """
    try:
        endpoint = endpoint_of(api)
    except exceptions.ClientException:
        return None
    if _answers_as(api, endpoint, expected):
        return None
    name, key, example = _NAMES[expected]
    others = [service for service in _NAMES
              if service != expected and _answers_as(api, endpoint, service)]
    if others:
        what = '%s is %s, not %s' % (endpoint, _NAMES[others[0]][0], name)
    else:
        what = '%s does not look like %s (GET %s%s did not answer as it ' \
            'does)' % (endpoint, name, endpoint.rstrip('/'),
                       _QUESTIONS[expected][0])
    return '%s: give the URL of %s (for example %s) with --os-endpoint or ' \
        '%s in clouds.yaml' % (what, name, example, key)
