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

* :func:`require_one_host`: a request without ``Host`` under HTTP/1.1,
  or with several, gets ``400`` (RFC 9112, section 3.2), whichever server
  passed it on; the links in the answers are built from that header;
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


_BAD_HOST = b'Bad Request: one Host header is required.\n'


def require_one_host(app):
    """``app`` behind a refusal of a missing or repeated ``Host``.

    waitress hands a repeated header on joined with commas, and no
    server adds a missing one; a host name or address never holds a
    comma.
    """
    def check(environ, start_response):
        host = environ.get('HTTP_HOST')
        if (',' in host if host is not None
                else environ.get('SERVER_PROTOCOL') != 'HTTP/1.0'):
            start_response('400 Bad Request', [
                ('Content-Type', 'text/plain'),
                ('Content-Length', str(len(_BAD_HOST)))])
            return [_BAD_HOST]
        return app(environ, start_response)
    return check


def wrap(app):
    """``app`` behind the pipeline of the module documentation."""
    routed = dispatcher.DispatcherMiddleware(
        auth.wrap(app),
        {HEALTHCHECK_PATH: healthcheck.Healthcheck(None, CONF)})
    # Built first: it registers the [oslo_middleware] options.
    proxied = http_proxy_to_wsgi.HTTPProxyToWSGI(routed, CONF)
    if CONF.oslo_middleware.enable_proxy_headers_parsing:
        return require_one_host(proxied)
    return require_one_host(routed)
