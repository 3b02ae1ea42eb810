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

"""The network API Nova asks in a stack without a network service.

Nova has no mode without Neutron any more: showing or listing servers
looks up their ports and security groups, deleting one looks for ports
to unbind. The stack has no Neutron, and its servers are booted with
``networks: none``, so every answer is known: nothing. This WSGI
application (served by gunicorn from Nova's venv, named to Nova only by
``[neutron] endpoint_override``, in no catalog) answers every list of
the networking API v2.0 with an empty one, every single resource with
404 and every change with 403: Horizon and the reference service see
no network service, as there is none.
"""

import json
import re

from omsstack import layout as layout_mod
from omsstack import process

NAME = 'no-network'
_LIST = re.compile(r'^/v2\.0/([a-z][a-z0-9_-]*?)(?:\.json)?/?$')


def endpoint() -> str:
    return layout_mod.url(NAME)


def _answer(start_response, status: str, body: dict):
    data = json.dumps(body).encode()
    start_response(status, [('Content-Type', 'application/json'),
                            ('Content-Length', str(len(data)))])
    return [data]


def application(environ, start_response):
    path = environ.get('PATH_INFO', '')
    method = environ.get('REQUEST_METHOD', 'GET')
    if path in ('', '/'):
        return _answer(start_response, '200 OK', {'versions': [
            {'id': 'v2.0', 'status': 'CURRENT',
             'links': [{'rel': 'self', 'href': endpoint() + '/v2.0/'}]}]})
    if method != 'GET':
        return _answer(start_response, '403 Forbidden', {'NeutronError': {
            'type': 'Forbidden', 'detail': '',
            'message': 'This stack has no network service.'}})
    match = _LIST.match(path)
    if match is None:
        return _answer(start_response, '404 Not Found', {'NeutronError': {
            'type': 'NotFound', 'detail': '',
            'message': 'This stack has no network service.'}})
    # security-groups -> security_groups, as Neutron names its lists.
    return _answer(start_response, '200 OK',
                   {match.group(1).replace('-', '_'): []})


def spec(layout: layout_mod.Layout, venv) -> process.Spec:
    return process.gunicorn_spec(
        layout, NAME, venv, 'omsstack.no_network:application', NAME,
        endpoint(), {}, ready_timeout=60)
