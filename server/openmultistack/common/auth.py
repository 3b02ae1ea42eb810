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

from openmultistack import conf

CONF = conf.CONF


def wrap(app):
    """Put ``auth_token`` in front of ``app`` under ``keystone``.

    The decision is delayed: the application answers 401 itself, in its
    own error shape, when the identity is missing or invalid;
    ``auth_token`` adds its ``WWW-Authenticate`` header to that answer.
    """
    if CONF.auth_strategy != conf.default.KEYSTONE:
        return app
    # Imported here: keystonemiddleware is heavy and noauth does not
    # need it.
    from keystonemiddleware import auth_token
    return auth_token.AuthProtocol(app, {'delay_auth_decision': True,
                                         'oslo_config_config': CONF})
