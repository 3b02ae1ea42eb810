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

"""The metering client: ceilometerclient's, plus ``rabbit`` and ``logs``.

Code written for python-ceilometerclient and the original extension keeps
working once its import names this module::

    from omsclient.metering import client  # was: ceilometerclient
    cclient = client.get_client(2, **kwargs)
    print(cclient.rabbit.list('users'))      # [<Rabbitmq record -- {...}>]
    cclient.rabbit.get('overview')
    cclient.logs.list(q=[{'field': 'page', 'value': 2}])
    cclient.meters.list()                    # ceilometerclient's own

and a client built by python-ceilometerclient itself gains the two
managers with one call::

    cclient = ceilometerclient.client.get_client('2', session=sess)
    client.extend(cclient)

python-ceilometerclient is used through its public interface only: every
attribute of a :class:`Client` other than ``rabbit`` and ``logs``
(``meters``, ``samples``, ``alarms``, ``http_client``...) is that of a v2
client built by ``ceilometerclient.client.Client`` on first use, with the
same session and endpoint. Building a :class:`Client` sends no request;
python-ceilometerclient's own client, once built, looks for aodh and panko
as it always does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ceilometerclient import client as ceilo_client
from keystoneauth1 import session as ksa_session

from omsclient.common import exceptions
from omsclient.common import http_policy
from omsclient.common import utils
from omsclient.common import versions
from omsclient.metering import auth
from omsclient.metering import http
from omsclient.metering import logs
from omsclient.metering import rabbit

SUPPORTED_VERSIONS = ('2',)
#: Keyword arguments of python-ceilometerclient's that this client takes.
_OWN_ARGS = frozenset(['endpoint_override', 'endpoint_type'])
DEFAULT_INTERFACE = 'public'


class Client:
    """The metering client: ``rabbit``, ``logs`` and ceilometer's managers.

    :param session: a keystoneauth1 session; without one, a session is
        built from python-ceilometerclient's older arguments (``token``,
        ``os_username``, ``os_password``, ``os_auth_url``, ...), see
        :func:`omsclient.metering.auth.legacy_session`.
    :param endpoint: the metering API's base URL (``http://host:8777``), a
        zero-argument callable returning it on the first request, or
        ``None`` to find it in the catalog. ``endpoint_override`` is the
        same.
    :param service_type: the catalog type (``metering``).
    :param interface: the catalog interface (``public``).
    :param region_name: the catalog region.
    :param aodh_endpoint: the alarming API, for ``alarms``.
    :param panko_endpoint: the event API, for ``events`` and ``traits``.
    :param timeout: seconds to wait for each answer (connecting gives up
        after 10 s or that, whichever is shorter), or ``(connect, read)``;
        by default the session's timeout, else 10 s and 60 s.
    :param kwargs: other keystoneauth ``Adapter`` arguments
        (``user_agent``, ``auth``, ...).
    :raises omsclient.common.exceptions.InvalidTimeout: ``timeout`` (or
        the session's) is not seconds above 0 and at most an hour.
    :raises TypeError: ``session`` is not a keystoneauth1 session,
        ``endpoint`` neither a URL nor a callable, or a keyword argument is
        none of those above, of python-ceilometerclient's or of the HTTP
        layer's; when the client is built, before any request.
    """

    def __init__(self, endpoint: http.Endpoint = None,
                 session: ksa_session.Session | None = None,
                 service_type: str = http.SERVICE_TYPE,
                 interface: str | None = None,
                 region_name: str | None = None,
                 aodh_endpoint: str | None = None,
                 panko_endpoint: str | None = None,
                 **kwargs: Any) -> None:
        utils.check_client_arguments(
            session, endpoint, [name for name in kwargs
                                if not name.startswith('os_')],
            utils.http_options() | auth.LEGACY_ARGS | _OWN_ARGS,
            callable_endpoint=True)
        endpoint = kwargs.pop('endpoint_override', None) or endpoint
        interface = (interface or kwargs.pop('endpoint_type', None)
                     or DEFAULT_INTERFACE)
        timeout = kwargs.pop('timeout', None)
        if timeout is not None:
            timeout = http_policy.as_timeout(timeout)
        if session is None:
            session = auth.legacy_session(
                timeout=None if timeout is None else timeout[1], **kwargs)
        options = dict(auth.drop_legacy_args(kwargs),
                       service_type=service_type or http.SERVICE_TYPE,
                       interface=interface, region_name=region_name)
        self.session = session
        self.metering_client = http.SessionClient(
            session, endpoint=endpoint, timeout=timeout, **options)
        self.rabbit = rabbit.RabbitManager(self.metering_client)
        self.logs = logs.LogManager(self.metering_client)
        other_apis = dict(aodh_endpoint=aodh_endpoint,
                          panko_endpoint=panko_endpoint)
        self._ceilometer_options = dict(
            options, **{name: url for name, url in other_apis.items() if url})
        self._ceilometer: Any = None

    @property
    def ceilometer(self) -> Any:
        """python-ceilometerclient's own v2 client, built on first use.

        From this client's session, endpoint and catalog options, by
        ``ceilometerclient.client.Client``.
        """
        if self._ceilometer is None:
            self._ceilometer = ceilo_client.Client(
                '2', session=self.session,
                endpoint_override=self.metering_client.base_url,
                **self._ceilometer_options)
        return self._ceilometer

    def __getattr__(self, name: str) -> Any:
        # Called for the attributes not found on this object only.
        if name.startswith('_'):
            raise AttributeError(name)
        return getattr(self.ceilometer, name)


def _metering_client_of(cclient: Any) -> http.SessionClient:
    """Return an HTTP client to the metering API of a ceilometer client."""
    api = getattr(cclient, 'http_client', None)
    session = getattr(api, 'session', None)
    if isinstance(session, ksa_session.Session):
        return http.SessionClient(session, **http.adapter_options(api))
    # Built without a session, python-ceilometerclient keeps its arguments
    # in the options of its auth plugin.
    opts = getattr(getattr(cclient, 'auth_plugin', None), 'opts', None)
    if not isinstance(opts, Mapping):
        raise TypeError(
            'extend() needs a v2 client built by python-ceilometerclient: '
            'this %s has neither a keystoneauth session (http_client.'
            'session) nor python-ceilometerclient\'s authentication options '
            '(auth_plugin.opts)' % type(cclient).__name__)
    return http.SessionClient(
        auth.legacy_session(**opts), endpoint=opts.get('endpoint'),
        service_type=opts.get('service_type') or http.SERVICE_TYPE,
        interface=opts.get('endpoint_type') or DEFAULT_INTERFACE,
        region_name=opts.get('region_name'))


def extend(cclient: Any) -> Any:
    """Attach the ``rabbit`` and ``logs`` managers to a ceilometer client.

    ``cclient`` is a v2 client built by python-ceilometerclient. Built from
    a keystoneauth session (``ceilometerclient.client.get_client('2',
    session=sess)``), the managers use its session, catalog options and
    endpoint. Built from the older arguments (the dashboard's
    ``Client('2', endpoint, token=lambda: ...)``, or ``os_username``,
    ``os_password``, ``os_auth_url``...), they use a session built from the
    same arguments, see :func:`omsclient.metering.auth.legacy_session`.
    Either way they talk through omsclient's HTTP layer. Sends no request.

    :returns: ``cclient`` itself.
    :raises TypeError: ``cclient`` has neither a keystoneauth session nor
        python-ceilometerclient's authentication options.
    """
    if isinstance(cclient, Client):
        return cclient
    metering = _metering_client_of(cclient)
    cclient.rabbit = rabbit.RabbitManager(metering)
    cclient.logs = logs.LogManager(metering)
    return cclient


def client_class(version: str) -> type:
    """Return the client class of an API version."""
    if versions.match(version, SUPPORTED_VERSIONS) is None:
        raise exceptions.UnsupportedVersion(
            'Unsupported metering API version %s; valid versions: %s'
            % (version, ', '.join(SUPPORTED_VERSIONS)))
    return Client


def get_client(version: str, **kwargs: Any) -> Client:
    """Return a metering client, like ``ceilometerclient.client.get_client``.

    :param version: the API version, ``'2'``.
    :param kwargs: ``session``, ``service_type``, ``interface``,
        ``region_name``, ``endpoint_override``, ``aodh_endpoint``,
        ``panko_endpoint``, ``user_agent``, ``auth``; or, without a session,
        python-ceilometerclient's older arguments: ``endpoint``
        (``os_endpoint``, ``ceilometer_url``), ``os_token``
        (``os_auth_token``, ``token``), ``os_username``, ``os_password``,
        ``os_tenant_name`` (``os_project_name``), ``os_auth_url``,
        ``os_region_name``, ...
        Building the client sends no request.
    """
    cls = client_class(version)
    endpoint = (kwargs.pop('endpoint', None)
                or kwargs.pop('os_endpoint', None)
                or kwargs.pop('ceilometer_url', None))
    kwargs.setdefault('region_name', kwargs.pop('os_region_name', None))
    kwargs.setdefault('service_type', kwargs.pop('os_service_type', None))
    kwargs.setdefault('interface', kwargs.pop('os_endpoint_type', None))
    return cls(endpoint=endpoint, **kwargs)
