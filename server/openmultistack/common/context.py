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

"""The identity a request acts with."""

from oslo_context import context

from openmultistack import conf

CONF = conf.CONF


def from_environ(environ: dict, request_id: str) -> context.RequestContext:
    """Build the request context.

    Under ``noauth`` every request is an anonymous administrator, as in
    the original service. Under ``keystone`` the identity comes from the
    headers keystonemiddleware's ``auth_token`` set.
    """
    if CONF.auth_strategy == conf.default.NOAUTH:
        return context.RequestContext(is_admin=True, request_id=request_id)
    return context.RequestContext.from_environ(environ,
                                               request_id=request_id)


def is_authenticated(environ: dict) -> bool:
    if CONF.auth_strategy == conf.default.NOAUTH:
        return True
    return environ.get('HTTP_X_IDENTITY_STATUS') == 'Confirmed'
