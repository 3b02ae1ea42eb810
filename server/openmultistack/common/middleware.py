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

"""The middleware in front of both APIs, outermost first.

* oslo.middleware's ``http_proxy_to_wsgi``: behind a proxy that sets
  ``X-Forwarded-Proto`` / ``X-Forwarded-Host`` (or ``Forwarded``), with
  ``[oslo_middleware] enable_proxy_headers_parsing``, the links in the
  answers use the scheme and host the client used. The option is read
  when the application is built: when it is off, the middleware, which
  would then only wrap every request and answer in WebOb's objects (a
  tenth of the CPU of a ``GET`` of one entry), is left out;
* oslo.middleware's ``healthcheck`` at :data:`HEALTHCHECK_PATH`, without
  authentication, for load balancers (``[healthcheck]``; its
  ``disable_by_file`` backend drains a host);
* keystonemiddleware's ``auth_token`` (:mod:`openmultistack.common.auth`)
  and the application.
"""

from oslo_middleware import healthcheck
from oslo_middleware import http_proxy_to_wsgi
from werkzeug.middleware import dispatcher

from openmultistack.common import auth
from openmultistack import conf

CONF = conf.CONF
HEALTHCHECK_PATH = '/healthcheck'


def wrap(app):
    """``app`` behind the pipeline of the module documentation."""
    routed = dispatcher.DispatcherMiddleware(
        auth.wrap(app),
        {HEALTHCHECK_PATH: healthcheck.Healthcheck(None, CONF)})
    # Built first: it registers the [oslo_middleware] options.
    proxied = http_proxy_to_wsgi.HTTPProxyToWSGI(routed, CONF)
    if CONF.oslo_middleware.enable_proxy_headers_parsing:
        return proxied
    return routed
