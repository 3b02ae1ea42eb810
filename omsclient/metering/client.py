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

"""The metering client: python-ceilometerclient's v2 client, extended.

Code written for python-ceilometerclient keeps working::

    from omsclient.metering import client
    cclient = client.get_client('2', session=sess)
    cclient.rabbit.list('users')       # generator of <Rabbitmq ...>
    cclient.rabbit.get('overview')
    cclient.logs.list(q=[{'field': 'page', 'value': 2}])
    cclient.meters.list()              # ceilometerclient's own managers

and a client built by python-ceilometerclient itself gains the two
managers with one call::

    cclient = ceilometerclient.client.get_client('2', session=sess)
    client.extend(cclient)

Unlike ``ceilometerclient.v2.client.Client``, building a :class:`Client`
sends no request: python-ceilometerclient probes the aodh and panko
endpoints while it builds its client; here ``alarms`` and ``events`` use
``aodh_endpoint`` / ``panko_endpoint`` when they are given and the metering
endpoint otherwise.
"""

from __future__ import annotations

from typing import Any

from ceilometerclient.v2 import alarms
from ceilometerclient.v2 import capabilities
from ceilometerclient.v2 import client as ceilo_v2
from ceilometerclient.v2 import event_types
from ceilometerclient.v2 import events
from ceilometerclient.v2 import meters
from ceilometerclient.v2 import query
from ceilometerclient.v2 import resources
from ceilometerclient.v2 import samples
from ceilometerclient.v2 import statistics
from ceilometerclient.v2 import trait_descriptions
from ceilometerclient.v2 import traits
from keystoneauth1 import session as ksa_session

from omsclient.common import exceptions
from omsclient.metering import auth
from omsclient.metering import http
from omsclient.metering import logs
from omsclient.metering import rabbit

SUPPORTED_VERSIONS = ('2',)
DEFAULT_INTERFACE = 'public'


def _add_managers(cclient: Any, api: http.SessionClient) -> None:
    cclient.metering_client = api
    cclient.rabbit = rabbit.RabbitManager(api)
    cclient.logs = logs.LogManager(api)


class Client(ceilo_v2.Client):
    """python-ceilometerclient's v2 client plus ``rabbit`` and ``logs``.

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
    :param kwargs: other keystoneauth ``Adapter`` arguments
        (``user_agent``, ``auth``, ...).
    """

    def __init__(self, endpoint: http.Endpoint = None,
                 session: ksa_session.Session | None = None,
                 service_type: str = http.SERVICE_TYPE,
                 interface: str | None = None,
                 region_name: str | None = None,
                 aodh_endpoint: str | None = None,
                 panko_endpoint: str | None = None,
                 **kwargs: Any) -> None:
        # ceilometerclient.v2.client.Client.__init__ is not called: it
        # sends requests to find aodh and panko.
        endpoint = kwargs.pop('endpoint_override', None) or endpoint
        interface = (interface or kwargs.pop('endpoint_type', None)
                     or DEFAULT_INTERFACE)
        if session is None:
            session = auth.legacy_session(**kwargs)
        kwargs = auth.drop_legacy_args(kwargs)
        user_agent = kwargs.pop('user_agent', None)
        self.session = session
        self.auth_plugin = None
        options = dict(kwargs, service_type=service_type or http.SERVICE_TYPE,
                       interface=interface, region_name=region_name)
        self.http_client = http.CeilometerSessionClient(
            session, endpoint=endpoint,
            user_agent=user_agent or 'python-ceilometerclient', **options)
        self.alarm_client = self._redirect(session, options, 'alarming',
                                           aodh_endpoint)
        self.event_client = self._redirect(session, options, 'event',
                                           panko_endpoint)
        self.meters = meters.MeterManager(self.http_client)
        self.samples = samples.OldSampleManager(self.http_client)
        self.new_samples = samples.SampleManager(self.http_client)
        self.statistics = statistics.StatisticsManager(self.http_client)
        self.resources = resources.ResourceManager(self.http_client)
        self.alarms = alarms.AlarmManager(self.alarm_client)
        self.events = events.EventManager(self.event_client)
        self.event_types = event_types.EventTypeManager(self.event_client)
        self.traits = traits.TraitManager(self.event_client)
        self.trait_descriptions = (
            trait_descriptions.TraitDescriptionManager(self.event_client))
        self.query_samples = query.QuerySamplesManager(self.http_client)
        self.query_alarms = query.QueryAlarmsManager(self.alarm_client)
        self.query_alarm_history = query.QueryAlarmHistoryManager(
            self.alarm_client)
        self.capabilities = capabilities.CapabilitiesManager(
            self.http_client)
        if user_agent:
            options['user_agent'] = user_agent
        _add_managers(self, http.SessionClient(session, endpoint=endpoint,
                                               **options))

    def _redirect(self, session: ksa_session.Session,
                  options: dict[str, Any], service_type: str,
                  endpoint: str | None) -> Any:
        if not endpoint:
            return self.http_client
        return http.CeilometerSessionClient(
            session, endpoint=endpoint,
            **dict(options, service_type=service_type))


def extend(cclient: ceilo_v2.Client) -> ceilo_v2.Client:
    """Attach the ``rabbit`` and ``logs`` managers to a ceilometer client.

    ``cclient`` is a client built by python-ceilometerclient (for example
    ``ceilometerclient.client.get_client('2', session=sess)``); the
    managers use its session, catalog options and endpoint, through
    omsclient's HTTP layer. Sends no request.

    :returns: ``cclient`` itself.
    :raises TypeError: ``cclient`` was built without a keystoneauth
        session (python-ceilometerclient's deprecated ``os_*`` arguments).
    """
    api = getattr(cclient, 'http_client', None)
    if not isinstance(getattr(api, 'session', None), ksa_session.Session):
        raise TypeError('extend() needs a ceilometer client built with a '
                        'keystoneauth session (session=...), not with the '
                        'deprecated os_* arguments')
    _add_managers(cclient, http.SessionClient(api.session,
                                              **http.adapter_options(api)))
    return cclient


def client_class(version: str) -> type:
    """Return the client class of an API version."""
    if str(version) not in SUPPORTED_VERSIONS:
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
