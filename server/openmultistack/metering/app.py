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

from openmultistack.api import policy
from openmultistack.common import auth
from openmultistack.common import exceptions
from openmultistack.common import flaskapp
from openmultistack.common import responses
from openmultistack.metering import logs
from openmultistack.metering import rabbit


def render_error(error: exceptions.APIError) -> dict:
    return {'error_message': {
        'faultcode': 'Client' if error.status < 500 else 'Server',
        'faultstring': error.message,
        'debuginfo': None}}


def get_rabbit(item):
    policy.authorize(flaskapp.current_context(), 'metering:rabbit:get')
    return rabbit.get_item(item)


def get_logs():
    policy.authorize(flaskapp.current_context(), 'metering:logs:get')
    return responses.json_response(logs.list_page())


def create_flask_app() -> flask.Flask:
    app = flaskapp.create_app(__name__, render_error)
    app.add_url_rule('/v2/rabbit/<item>', 'rabbit', get_rabbit,
                     methods=['GET'])
    app.add_url_rule('/v2/logs', 'logs', get_logs, methods=['GET'])
    return app


def create_app():
    """The WSGI application, behind ``auth_token`` if configured."""
    return auth.wrap(create_flask_app())
