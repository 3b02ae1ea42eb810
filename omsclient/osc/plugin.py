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

"""The ``openstack multistack`` plugin of python-openstackclient.

The openstack command imports every plugin module on every run, even for
``openstack --version``: this module therefore imports nothing but the
standard library and names its client class as a dotted string. The client
and its HTTP layer are imported only when a multistack command runs.
"""

import importlib
import os

API_NAME = 'multistack'
API_VERSION_OPTION = 'os_multistack_api_version'
DEFAULT_API_VERSION = '1'
API_VERSIONS = {
    '1': 'omsclient.client.Client',
}
SERVICE_TYPE = 'multistack'


def _client_class(version: str) -> type:
    try:
        dotted = API_VERSIONS[version]
    except KeyError:
        from osc_lib import exceptions
        raise exceptions.UnsupportedVersion(
            'Unsupported multistack API version %(version)s; valid '
            'versions: %(valid)s' % {'version': version,
                                     'valid': ', '.join(sorted(API_VERSIONS))})
    module_name, _sep, class_name = dotted.rpartition('.')
    return getattr(importlib.import_module(module_name), class_name)


def make_client(instance):
    """Return an OpenMultiStack client for the openstack command.

    :param instance: the ``ClientManager`` of the openstack command.
    """
    version = str(instance._api_version[API_NAME])
    client_class = _client_class(version)
    instance.setup_auth()
    endpoint = instance.get_endpoint_for_service_type(
        SERVICE_TYPE,
        region_name=instance.region_name,
        interface=instance.interface,
    )
    return client_class(
        version,
        session=instance.session,
        endpoint=endpoint,
        region_name=instance.region_name,
        interface=instance.interface,
    )


def build_option_parser(parser):
    """Add the global options of the multistack plugin to the parser."""
    parser.add_argument(
        '--os-multistack-api-version',
        metavar='<multistack-api-version>',
        default=os.environ.get('OS_MULTISTACK_API_VERSION',
                               DEFAULT_API_VERSION),
        help='OpenMultiStack API version, default=%s '
             '(Env: OS_MULTISTACK_API_VERSION)' % DEFAULT_API_VERSION,
    )
    return parser
