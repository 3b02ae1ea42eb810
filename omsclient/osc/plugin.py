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

import argparse
import importlib
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
    # "timeout" into api_timeout, which the plugins do not read.
    return '%s_timeout_seconds' % api_name


def _timeout_names(api_name):
    """The option, environment variable and clouds.yaml key of a timeout."""
    return ('--os-%s-timeout' % api_name.replace('_', '-'),
            'OS_%s_TIMEOUT' % api_name.upper(), _timeout_key(api_name))


class _FromEnvironment(str):
    """A timeout read from its environment variable."""


class _GivenTimeout(argparse.Action):
    """Store the option, and that it was given on the command line."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)
        setattr(namespace, self.dest + '_given', True)


def add_timeout_option(parser, api_name):
    """Add ``--os-<api>-timeout`` (clouds.yaml ``<api>_timeout_seconds``)."""
    option, env, key = _timeout_names(api_name)
    # Taken out of the environment: openstacksdk would read it as
    # "multistack_timeout", fold it into api_timeout, the timeout of every
    # API of the command, and fail on a bad value before this plugin
    # could name it. It is this option's default instead.
    default = os.environ.pop(env, None) or None
    parser.add_argument(
        option,
        metavar='<seconds>',
        dest='os_' + key,
        action=_GivenTimeout,
        default=_FromEnvironment(default) if default else None,
        help='Seconds to wait for each answer of the %s API (and of '
             'Keystone for its commands), above 0 and at most 3600; '
             'connecting gives up after 10 s or this, whichever is '
             'shorter (default: %d; Env: %s; clouds.yaml: %s)' % (
                 option[5:-8], DEFAULT_TIMEOUT, env, key),
    )


def apply_timeout(instance, api_name):
    """Give the command's session the timeout its user chose.

    osc-lib builds its session without a timeout; every request of a
    command, Keystone's included, gets this one. The value is checked as
    every timeout of omsclient is, and a bad one is named by where it came
    from: the option, its environment variable or the clouds.yaml key.
    """
    option, env, key = _timeout_names(api_name)
    options = getattr(instance, '_cli_options', None)
    config = getattr(options, 'config', None) or {}
    value = config.get(key)
    if config.get(key + '_given'):
        source = option
    elif isinstance(value, _FromEnvironment):
        source = env
    elif value is not None and value != '':
        source = 'clouds.yaml %s' % key
    elif instance.session.timeout is None:
        instance.session.timeout = DEFAULT_TIMEOUT
        return
    else:
        # openstacksdk's api_timeout, or a key it folds into it.
        value = instance.session.timeout
        source = 'clouds.yaml api_timeout'
    from osc_lib import exceptions

    from omsclient.common import http_policy
    try:
        _connect, seconds = http_policy.as_timeout(value, source)
    except ValueError as exc:
        raise exceptions.CommandError(str(exc))
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


def mask_urls_in_log():
    """Mask the password of every URL in every log line of the command.

    osc-lib masks ``password=`` and the like (oslo.utils' ``mask_password``)
    in the lines ``--debug`` prints, but not the user information of a URL
    (``--os-endpoint http://admin:secret@host``): in the start options,
    the parameters, keystoneauth's errors and their tracebacks. Every log
    record of the process is made with it masked, as ``http://***@host``,
    by :func:`omsclient.common.exceptions.mask_url`. Called by both plugins;
    it wraps the record factory once.
    """
    import logging

    from omsclient.common import exceptions

    make_record = logging.getLogRecordFactory()
    if getattr(make_record, 'masks_urls', False):
        return

    def masked_record(*args, **kwargs):
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:
            return record    # logging reports it when the line is written
        if '@' in message:
            record.msg, record.args = exceptions.mask_url(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = exceptions.mask_url(
                logging.Formatter().formatException(record.exc_info))
        return record

    masked_record.masks_urls = True
    logging.setLogRecordFactory(masked_record)


def build_option_parser(parser):
    """Add the global options of the multistack plugin to the parser."""
    mask_urls_in_log()
    add_timeout_option(parser, API_NAME)
    return add_api_version_option(parser, API_NAME, DEFAULT_API_VERSION,
                                  'OpenMultiStack')
