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

"""keystonemiddleware ``auth_token`` in front of an application."""

from oslo_config import cfg

from openmultistack import conf

CONF = conf.CONF
GROUP = 'keystone_authtoken'


class NotConfigured(cfg.Error):
    """``auth_strategy = keystone`` without what ``auth_token`` needs."""


def wrap(app):
    """Put ``auth_token`` in front of ``app`` under ``keystone``.

    The decision is delayed: the application answers 401 itself, in its
    own error shape, when the identity is missing or invalid;
    ``auth_token`` adds its ``WWW-Authenticate`` header to that answer.

    :raises NotConfigured: ``[keystone_authtoken]`` sets neither
        ``www_authenticate_uri`` nor ``auth_type``, or lacks an option
        its auth plugin needs. ``keystone`` is the default: this is
        where a configuration written for ``noauth`` stops.
    """
    if CONF.auth_strategy != conf.default.KEYSTONE:
        return app
    # Imported here: keystonemiddleware is heavy and noauth does not
    # need it.
    from keystoneauth1 import exceptions as ksa_exc
    from keystonemiddleware import auth_token
    # Registered as auth_token registers them, to be read before it
    # starts (and warns about what is missing).
    for group, options in auth_token.list_opts():
        CONF.register_opts(options, group=group)
    section = CONF[GROUP]
    plugin_section = CONF[section.auth_section or GROUP]
    if not (section.www_authenticate_uri or plugin_section.auth_type):
        raise NotConfigured(
            'auth_strategy = keystone (the default) needs [%s] to reach '
            'Keystone (www_authenticate_uri, auth_type and its '
            'credentials); for a demo on this machine, set auth_strategy '
            '= noauth.' % GROUP)
    try:
        return auth_token.AuthProtocol(
            app, {'delay_auth_decision': True, 'oslo_config_config': CONF})
    except ksa_exc.MissingRequiredOptions as error:
        raise NotConfigured('[%s]: %s' % (GROUP, error)) from None
