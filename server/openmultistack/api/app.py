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

"""The multistack API WSGI application."""

import flask

from openmultistack.api import accounts
from openmultistack.api import instances
from openmultistack.api import providers
from openmultistack.api import queues
from openmultistack.api import urls
from openmultistack.common import exceptions
from openmultistack.common import flaskapp
from openmultistack.common import middleware
from openmultistack.common import responses


def render_error(error: exceptions.APIError) -> dict:
    """Django REST framework's shape: ``detail`` or field errors."""
    if error.errors:
        return error.errors
    return {'detail': error.detail}


def api_root():
    return responses.json_response({
        'queues': urls.absolute('/api/queues/'),
        'accounts': urls.absolute('/api/accounts/'),
        'instances': urls.absolute('/api/instances/'),
        'providers': urls.absolute('/api/providers/')})


def create_flask_app() -> flask.Flask:
    app = flaskapp.create_app(__name__, render_error)
    app.add_url_rule('/api/', 'root', api_root, methods=['GET'])
    for blueprint in (queues.bp, accounts.bp, instances.bp,
                      providers.bp):
        app.register_blueprint(blueprint)
    return app


def create_app():
    """The WSGI application, behind the middleware of both APIs."""
    return middleware.wrap(create_flask_app())
