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

"""The HTTP clients of the metering API.

The ``rabbit`` and ``logs`` managers talk through omsclient's shared
:class:`omsclient.common.http.SessionClient`, so that streaming, error
mapping and retries are exactly those of the multistack client. The
endpoint may be given as a zero-argument callable: it is then called on the
first request only, which lets the openstack command build its client
without sending any request (finding an endpoint in the catalog needs a
token).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from typing import Union

from ceilometerclient import client as ceilo_client
from keystoneauth1 import session as ksa_session

from omsclient.common import http

SERVICE_TYPE = 'metering'

#: An endpoint URL, or a callable that returns it on the first request.
Endpoint = Union[str, Callable[[], Union[str, None]], None]


class LazyEndpointMixin:
    """Resolve a callable endpoint of a keystoneauth Adapter on first use.

    omsclient's SessionClient asks ``get_endpoint()`` for its base URL, and
    maps the errors of the lookup (no endpoint in the catalog, Keystone
    refusing the credentials) to omsclient exceptions.
    """

    endpoint_override: str | None
    _endpoint_resolver: Callable[[], str | None] | None = None

    def _set_endpoint(self, endpoint: Endpoint) -> None:
        if callable(endpoint):
            self._endpoint_resolver = endpoint
            self.endpoint_override = None
        else:
            self._endpoint_resolver = None
            self.endpoint_override = endpoint

    def _resolve_endpoint(self) -> None:
        resolver = self._endpoint_resolver
        if resolver is not None and not self.endpoint_override:
            self.endpoint_override = resolver() or None
            self._endpoint_resolver = None

    def get_endpoint(self, auth: Any = None, **kwargs: Any) -> str | None:
        self._resolve_endpoint()
        return super().get_endpoint(auth, **kwargs)  # type: ignore[misc]


class SessionClient(LazyEndpointMixin, http.SessionClient):
    """omsclient's HTTP layer set up for the metering API.

    The endpoint is the API's base URL (``http://host:8777``); paths such
    as ``v2/rabbit/users`` are appended as they are, without the
    multistack API's ``/api`` prefix and trailing slash.
    """

    def __init__(self, session: ksa_session.Session,
                 endpoint: Endpoint = None,
                 service_type: str = SERVICE_TYPE,
                 **kwargs: Any) -> None:
        kwargs.pop('endpoint_override', None)
        super().__init__(session, service_type=service_type, api_prefix='',
                         trailing_slash=False, **kwargs)
        self._set_endpoint(endpoint)


class CeilometerSessionClient(LazyEndpointMixin, ceilo_client.SessionClient):
    """python-ceilometerclient's own HTTP client, with a lazy endpoint.

    Serves the stock managers (``meters``, ``samples``, ``alarms``, ...)
    exactly as python-ceilometerclient does.
    """

    def __init__(self, session: ksa_session.Session,
                 endpoint: Endpoint = None, **kwargs: Any) -> None:
        kwargs.pop('endpoint_override', None)
        super().__init__(session=session, **kwargs)
        self._set_endpoint(endpoint)

    def request(self, url: str, method: str, **kwargs: Any) -> Any:
        # keystoneauth's Adapter passes endpoint_override on to the
        # session without calling get_endpoint().
        self._resolve_endpoint()
        return super().request(url, method, **kwargs)


def adapter_options(adapter: Any) -> dict[str, Any]:
    """Return how a keystoneauth Adapter finds its service.

    Used to build a metering client beside an existing
    python-ceilometerclient one, talking to the same endpoint with the
    same session.
    """
    options = {
        'service_type': adapter.service_type or SERVICE_TYPE,
        'service_name': adapter.service_name,
        'interface': adapter.interface,
        'region_name': adapter.region_name,
        'auth': adapter.auth,
    }
    resolver = getattr(adapter, '_endpoint_resolver', None)
    options['endpoint'] = adapter.endpoint_override or resolver
    return options
