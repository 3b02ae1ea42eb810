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

"""The HTTP client of the metering API.

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

from keystoneauth1 import session as ksa_session

from omsclient.common import http

SERVICE_TYPE = 'metering'

#: An endpoint URL, or a callable that returns it on the first request.
Endpoint = Union[str, Callable[[], Union[str, None]], None]


class SessionClient(http.SessionClient):
    """omsclient's HTTP layer set up for the metering API.

    The endpoint is the API's base URL (``http://host:8777``); paths such
    as ``v2/rabbit/users`` are appended as they are, without the
    multistack API's ``/api`` prefix and trailing slash. A callable
    endpoint is called by the first ``get_endpoint()``, through which
    omsclient's SessionClient finds its base URL and maps the errors of
    the lookup (no endpoint in the catalog, Keystone refusing the
    credentials) to omsclient exceptions.
    """

    def __init__(self, session: ksa_session.Session,
                 endpoint: Endpoint = None,
                 service_type: str = SERVICE_TYPE,
                 **kwargs: Any) -> None:
        kwargs.pop('endpoint_override', None)
        super().__init__(session, service_type=service_type, api_prefix='',
                         trailing_slash=False, **kwargs)
        self._endpoint_resolver: Callable[[], str | None] | None = None
        if callable(endpoint):
            self._endpoint_resolver = endpoint
            self.endpoint_override = None
        else:
            self.endpoint_override = endpoint

    def get_endpoint(self, auth: Any = None, **kwargs: Any) -> str | None:
        if self._endpoint_resolver is not None:
            self.endpoint_override = self._endpoint_resolver() or None
            self._endpoint_resolver = None
        return super().get_endpoint(auth, **kwargs)


def adapter_options(adapter: Any) -> dict[str, Any]:
    """Return how a keystoneauth Adapter finds its service.

    Used to build a metering client beside an existing
    python-ceilometerclient one, talking to the same endpoint with the
    same session.
    """
    return {
        'endpoint': adapter.endpoint_override,
        'service_type': adapter.service_type or SERVICE_TYPE,
        'service_name': adapter.service_name,
        'interface': adapter.interface,
        'region_name': adapter.region_name,
        'auth': adapter.auth,
    }
