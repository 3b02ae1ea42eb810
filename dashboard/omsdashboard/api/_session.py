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

"""What both services' wrappers share: a keystoneauth session per request."""

from keystoneauth1 import session as ksa_session
from keystoneauth1 import token_endpoint
from openstack_auth import utils as auth_utils
from openstack_dashboard.api import base


def session_for(request, service_type: str) -> tuple[ksa_session.Session,
                                                     str]:
    """Return a session carrying the user's token, and the endpoint.

    The endpoint is the catalog's for ``service_type`` in the user's
    region and Horizon's endpoint type (``OPENSTACK_ENDPOINT_TYPE``); TLS
    follows Horizon's ``OPENSTACK_SSL_NO_VERIFY`` and
    ``OPENSTACK_SSL_CACERT``.

    :raises openstack_dashboard.api.base.ServiceCatalogException: the
        catalog has no such endpoint.
    """
    endpoint = base.url_for(request, service_type)
    auth = token_endpoint.Token(endpoint, request.user.token.id)
    return auth_utils.get_session(auth=auth), endpoint
