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
import math
import os

API_NAME = 'multistack'
API_VERSION_OPTION = 'os_multistack_api_version'
DEFAULT_API_VERSION = '1'
API_VERSIONS = {
    '1': 'omsclient.client.Client',
}
SERVICE_TYPE = 'multistack'
#: Seconds to wait for an answer when no timeout is set: the library's
#: default read timeout (omsclient.common.http_policy, not imported here).
DEFAULT_TIMEOUT = 60.0


def supported_version(api_name: str, version: str,
                      api_versions: dict[str, str]) -> str:
    """The key of ``api_versions`` that ``version`` names (``1.0``: ``1``).

    :raises osc_lib.exceptions.UnsupportedVersion: it names none; the
        message is one line naming the supported versions and the option.
    """
    from omsclient.common import versions

    # The openstack command loads the commands of the group
    # openstack.<api>.v<what precedes the first dot>: "v1" would be "vv1".
    text = str(version)
    major = versions.match(text, api_versions) if text[:1].isdigit() \
        else None
    if major is not None:
        return major
    from osc_lib import exceptions
    option = api_name.replace('_', '-')
    raise exceptions.UnsupportedVersion(
        'Unsupported %s API version %r (--os-%s-api-version, '
        'OS_%s_API_VERSION); supported: %s' % (
            option, version, option, api_name.upper(),
            ', '.join(sorted(api_versions))))


def check_api_version(check_version: str) -> bool:
    """Accept ``1`` and ``1.0``; refuse others in one line.

    The openstack command calls it before loading the commands, so that an
    unsupported version is one error line instead of "is not an openstack
    command". ``True``: the version was checked here.
    """
    supported_version(API_NAME, check_version, API_VERSIONS)
    return True


def _client_class(version: str) -> type:
    dotted = API_VERSIONS[supported_version(API_NAME, version, API_VERSIONS)]
    module_name, _sep, class_name = dotted.rpartition('.')
    return getattr(importlib.import_module(module_name), class_name)


def make_client(instance):
    """Return an OpenMultiStack client for the openstack command.

    :param instance: the ``ClientManager`` of the openstack command.
    """
    version = str(instance._api_version[API_NAME])
    client_class = _client_class(version)
    instance.setup_auth()
    apply_timeout(instance, API_NAME)
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


def _timeout_key(api_name):
    # The clouds.yaml key; openstacksdk folds every key ending in
    # "timeout" into api_timeout, which osc-lib then drops.
    return '%s_timeout_seconds' % api_name


def add_timeout_option(parser, api_name):
    """Add ``--os-<api>-timeout`` (clouds.yaml ``<api>_timeout_seconds``)."""
    option = api_name.replace('_', '-')
    parser.add_argument(
        '--os-%s-timeout' % option,
        metavar='<seconds>',
        dest='os_' + _timeout_key(api_name),
        default=os.environ.get('OS_%s_TIMEOUT' % api_name.upper()),
        help='Seconds to wait for each answer of the %s API (and of '
             'Keystone for its commands); connecting gives up after 10 s '
             'or this, whichever is shorter (default: %d; Env: '
             'OS_%s_TIMEOUT; clouds.yaml: %s)' % (
                 option, DEFAULT_TIMEOUT, api_name.upper(),
                 _timeout_key(api_name)),
    )


def apply_timeout(instance, api_name):
    """Give the command's session the timeout its user chose.

    osc-lib builds its session without a timeout; every request of a
    command, Keystone's included, gets this one.
    """
    options = getattr(instance, '_cli_options', None)
    config = getattr(options, 'config', None) or {}
    value = config.get(_timeout_key(api_name))
    if value is None or value == '':
        if instance.session.timeout is None:
            instance.session.timeout = DEFAULT_TIMEOUT
        return
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = 0.0
    if not (seconds > 0 and math.isfinite(seconds)):
        from osc_lib import exceptions
        raise exceptions.CommandError(
            'Invalid --os-%s-timeout %r: expected a number of seconds '
            'above 0' % (api_name.replace('_', '-'), value))
    instance.session.timeout = seconds


def add_api_version_option(parser, api_name, default, description):
    """Add ``--os-<api-name>-api-version``, by default from the environment.

    The option the openstack command reads as the plugin's
    ``API_VERSION_OPTION``, defaulting to ``OS_<API_NAME>_API_VERSION``;
    shared with the metering plugin.
    """
    option = api_name.replace('_', '-')
    env = 'OS_%s_API_VERSION' % api_name.upper()
    parser.add_argument(
        '--os-%s-api-version' % option,
        metavar='<%s-api-version>' % option,
        default=os.environ.get(env, default),
        help='%s API version, default=%s (Env: %s)' % (description, default,
                                                       env),
    )
    return parser


def build_option_parser(parser):
    """Add the global options of the multistack plugin to the parser."""
    add_timeout_option(parser, API_NAME)
    return add_api_version_option(parser, API_NAME, DEFAULT_API_VERSION,
                                  'OpenMultiStack')
