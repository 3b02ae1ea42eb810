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

"""The client of version 1 of the OpenMultiStack API."""

from __future__ import annotations

from typing import Any

from keystoneauth1 import session as ksa_session

from omsclient.common import base
from omsclient.common import exceptions
from omsclient.common import http
from omsclient.common import http_policy
from omsclient.common import utils
from omsclient.v1 import accounts
from omsclient.v1 import instances
from omsclient.v1 import providers
from omsclient.v1 import queues

SERVICE_TYPE = 'multistack'


class Client:
    """OpenMultiStack API v1 client.

    Its managers are ``queues``, ``accounts``, ``instances`` and
    ``providers``. Building it sends no request: the endpoint is looked
    up on first use.

    :param endpoint: the base URL of the service (``http://host:port``,
        with or without ``/api``). Without a session, a session without
        authentication is built for it (or one sending ``token``).
    :param session: a keystoneauth1 session; the endpoint comes from its
        service catalog unless ``endpoint`` is given.
    :param service_type: the catalog type (``multistack``).
    :param interface: the catalog interface (``public``, ``internal``...).
    :param region_name: the catalog region.
    :param token: with ``endpoint`` and no session: a token to send.
    :param insecure: with no session: do not verify TLS certificates.
    :param cacert: with no session: the CA bundle to verify with.
    :param timeout: seconds to wait for each answer (connecting gives up
        after 10 s or that, whichever is shorter), or ``(connect, read)``;
        by default the session's timeout, else 10 s and 60 s.
    :param kwargs: more :class:`omsclient.common.http.SessionClient`
        arguments (``retries``, ``retry_delay``, ``user_agent``...).
    :raises omsclient.common.exceptions.EndpointNotFound: neither a
        session nor an endpoint was given.
    :raises omsclient.common.exceptions.InvalidTimeout: ``timeout`` (or
        the session's) is not seconds above 0 and at most an hour.
    :raises TypeError: ``session`` is not a keystoneauth1 session,
        ``endpoint`` not a URL, or another keyword argument is not one of
        those above, of :class:`omsclient.common.http.SessionClient` or of
        keystoneauth1's ``Adapter``.
    """

    def __init__(self, endpoint: str | None = None,
                 session: ksa_session.Session | None = None,
                 service_type: str = SERVICE_TYPE,
                 interface: str | None = None,
                 region_name: str | None = None,
                 token: str | None = None,
                 insecure: bool = False,
                 cacert: str | None = None,
                 timeout: http_policy.TimeoutValue = None,
                 **kwargs: Any) -> None:
        utils.check_client_arguments(session, endpoint, kwargs,
                                     utils.http_options())
        if session is None and not endpoint:
            raise exceptions.EndpointNotFound(
                'Either a keystoneauth1 session or an endpoint is needed to '
                'build an OpenMultiStack client')
        if timeout is not None:
            timeout = http_policy.as_timeout(timeout)
        if session is None:
            verify: bool | str = not insecure
            if cacert and not insecure:
                verify = cacert
            session = http.make_session(
                token=token, verify=verify,
                timeout=None if timeout is None else timeout[1])
        self.http_client = http.SessionClient(
            session, service_type=service_type, interface=interface,
            region_name=region_name, endpoint_override=endpoint,
            timeout=timeout, **kwargs)
        root = base.ApiRoot(self.http_client)
        self.queues = queues.QueueManager(self.http_client, root)
        self.accounts = accounts.AccountManager(self.http_client, root)
        self.instances = instances.InstanceManager(self.http_client, root)
        self.providers = providers.ProviderManager(self.http_client, root)
