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


"""Bad input gets a 4xx JSON answer and changes nothing."""

import io
from unittest import mock

from sqlalchemy import exc as sa_exc

from openmultistack.api import serializers
from openmultistack.db import api as db_api
from openmultistack.db import models
from openmultistack.tests.unit.api import base


class ParseException(Exception):
    """What gunicorn raises for a broken chunked body (``-1``, ``0x2``)."""


class FailingStream(io.BytesIO):
    """A request body whose reading fails like a server's stream."""

    def __init__(self, error: Exception):
        super().__init__(b'{}')
        self.error = error

    def read(self, size=-1):
        raise self.error


class TestBadInput(base.APITestCase):

    def assertNothingCreated(self):
        with self.session() as session:
            self.assertEqual(0, session.query(models.Queue).count())

    def test_unknown_fields_are_named(self):
        data = self.assertJSON(self.request(
            'POST', '/api/queues/', {'image': 'cirros', 'colour': 'red',
                                     'size': 3}), 400)
        self.assertEqual({'colour': ['Unknown field.'],
                          'size': ['Unknown field.']}, data)
        self.assertNothingCreated()

    def test_wrong_types(self):
        data = self.assertJSON(self.request(
            'POST', '/api/queues/', {'image': 5, 'flavor': ['m1'],
                                     'name': '', 'provider': True}), 400)
        self.assertEqual({'image': ['Not a valid string.'],
                          'flavor': ['Not a valid string.'],
                          'name': ['This field may not be blank.'],
                          'provider': ['Not a valid string.']}, data)
        self.assertNothingCreated()

    def test_strings_no_database_stores(self):
        # Escaped in the JSON text: NUL and a lone surrogate.
        for name, message in (
                ('a\\u0000b', 'Null characters are not allowed.'),
                ('\\ud800x',
                 'Surrogate characters are not allowed: U+D800.')):
            self.assertJSON(self.request(
                'POST', '/api/queues/', '{"name": "%s"}' % name), 400,
                {'name': [message]})
        self.assertNothingCreated()
        account = self.assertJSON(self.request(
            'POST', '/api/accounts/', {'provider': 'p', 'driver':
                                       'simulated'}), 201)
        self.assertJSON(self.request(
            'PATCH', '/api/accounts/%d/' % account['id'],
            '{"password": "\\udfff"}'), 400, {'password': [
                'Surrogate characters are not allowed: U+DFFF.']})

    def test_too_long(self):
        data = self.assertJSON(self.request(
            'POST', '/api/queues/', {'name': 'n' * 256}), 400)
        self.assertIn('255', data['name'][0])

    def test_non_object_json(self):
        for body, name in (('[1, 2]', 'list'), ('"x"', 'str'),
                           ('3', 'int'), ('null', 'NoneType'),
                           ('true', 'bool')):
            self.assertJSON(self.request('POST', '/api/queues/', body), 400,
                            {'non_field_errors': [
                                'Invalid data. Expected a dictionary, but '
                                'got %s.' % name]})
        self.assertNothingCreated()

    def test_invalid_json(self):
        for body in ('{"image": ', '{x}', 'NaN', b'{"a": "\xff"}'):
            data = self.assertJSON(self.request('POST', '/api/queues/',
                                                body), 400)
            self.assertTrue(data['detail'].startswith('JSON parse error - '),
                            data)
        self.assertNothingCreated()

    def test_wrong_content_type(self):
        response = self.request('POST', '/api/queues/', 'image=cirros',
                                headers={'Content-Type': 'text/plain'})
        self.assertJSON(response, 415, {
            'detail': 'Unsupported media type "text/plain" in request.'})
        self.assertNothingCreated()

    def test_json_suffix_content_type_accepted(self):
        self.assertJSON(self.request(
            'POST', '/api/queues/', '{}',
            headers={'Content-Type': 'application/vnd.oms+json'}), 201)

    def test_body_too_large(self):
        self.config.config(max_request_body_size=1024)
        data = self.assertJSON(self.request(
            'POST', '/api/queues/', {'name': 'n' * 2000}), 413)
        self.assertIn('1024', data['detail'])
        self.assertNothingCreated()

    def test_chunked_body_too_large(self):
        self.config.config(max_request_body_size=1024)
        response = self.client.open(
            '/api/queues/', method='POST',
            input_stream=io.BytesIO(b'{"name": "%s"}' % (b'n' * 4000)),
            headers={'Content-Type': 'application/json',
                     'Transfer-Encoding': 'chunked'},
            environ_overrides={'wsgi.input_terminated': True})
        self.assertJSON(response, 413)
        self.assertNothingCreated()

    def post_stream(self, stream, length=None):
        environ = {'wsgi.input_terminated': True}
        if length is not None:
            environ['CONTENT_LENGTH'] = length
        return self.client.open(
            '/api/queues/', method='POST', input_stream=stream,
            headers={'Content-Type': 'application/json'},
            environ_overrides=environ)

    def test_invalid_content_length(self):
        for length in ('-5', '1e3', 'x'):
            self.assertJSON(self.post_stream(io.BytesIO(b'{}'), length),
                            400, {'detail': 'Invalid Content-Length header.'})
        self.assertNothingCreated()

    def test_body_shorter_than_announced(self):
        self.assertJSON(self.post_stream(io.BytesIO(b'{}'), '50'), 400, {
            'detail': 'Incomplete request body: 2 of the 50 bytes '
                      'announced.'})
        self.assertNothingCreated()

    def test_body_read_fails(self):
        for error, status in ((TimeoutError('timed out'), 408),
                              (ConnectionResetError(), 400),
                              (ValueError('Bad chunked transfer size'),
                               400),
                              (ParseException("Invalid chunk size: b'-1'"),
                               400)):
            self.assertJSON(self.post_stream(FailingStream(error)), status)
        self.assertNothingCreated()

    def test_unacceptable_accept(self):
        self.assertJSON(self.request(
            'GET', '/api/queues/', headers={'Accept': 'text/html'}), 406,
            {'detail': 'Could not satisfy the request Accept header.'})

    def test_accept_decided_anew_for_each_value(self):
        # Each value's answer is kept: a refused value stays refused and
        # does not decide for another one.
        for accept, status in (('text/html', 406), ('text/html', 406),
                               ('application/json', 200),
                               ('text/html', 406), ('*/*', 200)):
            self.assertEqual(status, self.request(
                'GET', '/api/queues/',
                headers={'Accept': accept}).status_code, accept)

    def test_acceptable_accepts(self):
        for accept in ('application/json', '*/*', 'application/*',
                       'text/html, application/json;q=0.5'):
            self.assertJSON(self.request(
                'GET', '/api/queues/', headers={'Accept': accept}), 200)

    def test_method_not_allowed(self):
        response = self.request('DELETE', '/api/queues/')
        self.assertJSON(response, 405,
                        {'detail': 'Method "DELETE" not allowed.'})
        self.assertIn('POST', response.headers['Allow'])

    def test_answers_without_body_have_no_type(self):
        queue_id = self.add_queue()
        response = self.request('DELETE', '/api/queues/%d/' % queue_id)
        self.assertEqual((204, b''), (response.status_code, response.data))
        self.assertNotIn('Content-Type', response.headers)
        response = self.request('OPTIONS', '/api/queues/')
        self.assertEqual((200, b''), (response.status_code, response.data))
        self.assertEqual({'GET', 'HEAD', 'OPTIONS', 'POST'},
                         set(response.headers['Allow'].split(', ')))
        self.assertNotIn('Content-Type', response.headers)

    def test_unknown_path(self):
        self.assertJSON(self.request('GET', '/api/nothing/'), 404,
                        {'detail': 'Not found.'})

    def test_unexpected_error_is_a_json_500(self):
        self.add_queue()
        with mock.patch.object(serializers, 'queue_row',
                               side_effect=RuntimeError('boom')):
            response = self.request('GET', '/api/queues/1/')
        data = self.assertJSON(response, 500)
        request_id = response.headers['x-openstack-request-id']
        self.assertIn(request_id, data['detail'])
        self.assertNotIn('boom', data['detail'])

    def test_database_unavailable_is_a_json_503(self):
        error = sa_exc.OperationalError('SELECT', {}, Exception('locked'))
        with mock.patch.object(db_api, 'read', side_effect=error):
            response = self.request('GET', '/api/queues/1/')
        data = self.assertJSON(response, 503)
        self.assertIn('database is unavailable', data['detail'])
        self.assertIn(response.headers['x-openstack-request-id'],
                      data['detail'])
