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

"""The ``openstack metric rabbit|log`` plugin of python-openstackclient.

gnocchiclient already owns ``API_NAME = 'metric'`` and its
``--os-metrics-api-version`` option; a second plugin with the same name or
option would break every ``openstack`` command. This plugin therefore has
its own ``API_NAME``, ``oms_metering``: the metering API of OpenMultiStack
(``oms``, as in this package's name), and its own option
(``--os-oms-metering-api-version``), while its commands are still named
``metric rabbit ...`` and ``metric log ...`` beside gnocchi's ``metric``
commands. The name is part of the interface users see: the option, the
``OS_OMS_METERING_API_VERSION`` variable, the ``oms_metering_api_version``
key of clouds.yaml and the ``openstack.oms_metering.v2`` entry points.

The openstack command imports every plugin module on every run: this module
imports only the standard library and :mod:`omsclient.osc.plugin` (which
imports only the standard library too) and names its client class as a
dotted string. ``make_client`` sends no request either: the endpoint is
looked up on the first request the client makes.
"""

import functools

from omsclient.osc import plugin

API_NAME = 'oms_metering'
API_VERSION_OPTION = 'os_oms_metering_api_version'
DEFAULT_API_VERSION = '2'
API_VERSIONS = {
    '2': 'omsclient.metering.client.Client',
}
SERVICE_TYPE = 'metering'


def check_api_version(check_version):
    """Accept ``2`` and ``2.0``; refuse others in one line."""
    plugin.supported_version(API_NAME, check_version, API_VERSIONS)
    return True


def make_client(instance):
    """Return the metering client for the openstack command.

    :param instance: the ``ClientManager`` of the openstack command.
    """
    from omsclient.metering import client

    client_class = client.client_class(plugin.supported_version(
        API_NAME, instance._api_version[API_NAME], API_VERSIONS))
    instance.setup_auth()
    plugin.apply_timeout(instance, API_NAME)
    # get_endpoint_for_service_type() honours metering_endpoint_override
    # (clouds.yaml, OS_METERING_ENDPOINT_OVERRIDE) and --os-endpoint, but
    # with a password it needs a token first: it is called on the first
    # request, not here.
    endpoint = functools.partial(
        instance.get_endpoint_for_service_type,
        SERVICE_TYPE,
        region_name=instance.region_name,
        interface=instance.interface,
    )
    return client_class(
        session=instance.session,
        endpoint=endpoint,
        service_type=SERVICE_TYPE,
        region_name=instance.region_name,
        interface=instance.interface,
    )


def build_option_parser(parser):
    """Add the global options of the metering plugin to the parser."""
    plugin.mask_urls_in_log()
    plugin.add_timeout_option(parser, API_NAME)
    return plugin.add_api_version_option(parser, API_NAME,
                                         DEFAULT_API_VERSION,
                                         'OpenMultiStack metering')
