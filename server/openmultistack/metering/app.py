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

"""The metering extension WSGI application (Ceilometer v2 paths).

Errors come in Ceilometer's shape, which python-ceilometerclient reads:
``{"error_message": {"faultcode": "Client", "faultstring": "...",
"debuginfo": null}}``.
"""

import flask

from openmultistack.common import exceptions
from openmultistack.common import flaskapp
from openmultistack.common import middleware
from openmultistack.common import policy
from openmultistack.common import responses
from openmultistack import conf
from openmultistack.metering import logs
from openmultistack.metering import rabbit

CONF = conf.CONF


def render_error(error: exceptions.APIError) -> dict:
    return {'error_message': {
        'faultcode': 'Client' if error.status < 500 else 'Server',
        'faultstring': error.message,
        'debuginfo': None}}


#: Ceilometer's root and ``/v2`` documents name the v2 API by the date of
#: its release.
V2_UPDATED = '2013-02-13T00:00:00Z'
V2_MEDIA_TYPE = 'application/vnd.openstack.telemetry-v2+json'


def _v2_version() -> dict:
    """The v2 API, described as Ceilometer describes it.

    Ceilometer also names an XML media type; this API answers JSON only.
    """
    return {
        'id': 'v2',
        'links': [
            {'href': flask.request.url_root + 'v2', 'rel': 'self'},
            {'href': 'https://docs.openstack.org/', 'rel': 'describedby',
             'type': 'text/html'}],
        'media-types': [{'base': flaskapp.JSON, 'type': V2_MEDIA_TYPE}],
        'status': 'stable',
        'updated': V2_UPDATED,
    }


def get_versions():
    """``GET /``: python-ceilometerclient looks for aodh and panko here."""
    return responses.json_response({'versions': {'values': [_v2_version()]}})


def get_v2():
    return responses.json_response({'version': _v2_version()})


def _show_password_hash() -> bool:
    """Whether this caller sees the RabbitMQ users' password hashes.

    Without Keystone every caller is an anonymous administrator: the
    operator decides, by ``[metering] expose_password_hash_without_auth``.
    """
    if CONF.auth_strategy == conf.default.NOAUTH:
        return CONF.metering.expose_password_hash_without_auth
    return policy.allowed(flaskapp.current_context(),
                          'metering:rabbit:password_hash')


def get_rabbit(item):
    policy.authorize(flaskapp.current_context(), 'metering:rabbit:get')
    return rabbit.get_item(item, show_secrets=_show_password_hash())


def get_logs():
    policy.authorize(flaskapp.current_context(), 'metering:logs:get')
    return responses.json_response(logs.list_page())


def create_flask_app() -> flask.Flask:
    app = flaskapp.create_app(__name__, render_error)
    app.add_url_rule('/', 'versions', get_versions, methods=['GET'])
    app.add_url_rule('/v2', 'v2', get_v2, methods=['GET'])
    app.add_url_rule('/v2/rabbit/<item>', 'rabbit', get_rabbit,
                     methods=['GET'])
    app.add_url_rule('/v2/logs', 'logs', get_logs, methods=['GET'])
    return app


def create_app():
    """The WSGI application, behind the middleware of both APIs."""
    return middleware.wrap(create_flask_app())
