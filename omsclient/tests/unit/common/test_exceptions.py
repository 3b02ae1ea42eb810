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

import json

import testtools

from omsclient.common import exceptions

URL = 'http://oms.test/api/queues/'


class TestExtractMessage(testtools.TestCase):

    def check(self, body, expected):
        self.assertEqual(expected, exceptions.extract_message(body))

    # Django REST framework bodies of the original service.

    def test_detail(self):
        self.check({"detail": "Not found."}, 'Not found.')

    def test_detail_parse_error(self):
        self.check({"detail": "JSON parse error - Expecting value"},
                   'JSON parse error - Expecting value')

    def test_non_field_errors(self):
        self.check({"non_field_errors": [
            "Invalid data. Expected a dictionary, but got list."]},
            'Invalid data. Expected a dictionary, but got list.')

    def test_field_error(self):
        self.check({"field": ["This field may not be null."]},
                   'field: This field may not be null.')

    def test_several_field_errors(self):
        self.check({"provider": ["This field is required."],
                    "auth_url": ["Enter a valid URL.", "Too long."]},
                   'provider: This field is required.; '
                   'auth_url: Enter a valid URL. Too long.')

    def test_nested_field_error(self):
        self.check({"account": {"region_name": ["Required."]}},
                   'account.region_name: Required.')

    def test_field_and_non_field_errors(self):
        self.check({"non_field_errors": ["Bad pair."],
                    "name": ["Too long."]},
                   'Bad pair.; name: Too long.')

    # OpenStack bodies.

    def test_keystone_error(self):
        self.check({"error": {"code": 401, "title": "Unauthorized",
                              "message": "The request you have made "
                                         "requires authentication."}},
                   'The request you have made requires authentication.')

    def test_nova_fault(self):
        self.check({"badRequest": {"code": 400,
                                   "message": "Invalid flavorRef."}},
                   'Invalid flavorRef.')

    def test_ceilometer_error_message(self):
        self.check({"error_message": {"faultstring": "Unknown item",
                                      "debuginfo": None}},
                   'Unknown item')

    def test_ceilometer_error_message_serialised(self):
        inner = json.dumps({"faultstring": "Bad query"})
        self.check({"error_message": inner}, 'Bad query')

    def test_error_message_plain_string(self):
        self.check({"error_message": "boom"}, 'boom')

    def test_empty_bodies(self):
        for body in (None, '', {}, []):
            self.check(body, None)

    def test_list_of_messages(self):
        self.check(["one", "two"], 'one two')


class TestFromResponse(testtools.TestCase):

    def test_status_classes(self):
        for status, cls in ((400, exceptions.BadRequest),
                            (401, exceptions.Unauthorized),
                            (403, exceptions.Forbidden),
                            (404, exceptions.NotFound),
                            (405, exceptions.MethodNotAllowed),
                            (406, exceptions.NotAcceptable),
                            (409, exceptions.Conflict),
                            (415, exceptions.UnsupportedMediaType),
                            (500, exceptions.InternalServerError),
                            (502, exceptions.BadGateway),
                            (503, exceptions.ServiceUnavailable),
                            (504, exceptions.GatewayTimeout)):
            exc = exceptions.from_response(status, 'GET', URL,
                                           body={"detail": "x"})
            self.assertIsInstance(exc, cls)
            self.assertIsInstance(exc, exceptions.ClientException)
            self.assertEqual(status, exc.http_status)

    def test_unknown_status(self):
        exc = exceptions.from_response(418, 'GET', URL, body={"detail": "t"})
        self.assertIs(exceptions.HttpError, type(exc))
        self.assertEqual('t (HTTP 418)', str(exc))

    def test_attributes_and_text(self):
        body = {"detail": "Method \"DELETE\" not allowed."}
        exc = exceptions.from_response(405, 'DELETE', URL, body=body,
                                       request_id='req-1')
        self.assertEqual('Method "DELETE" not allowed.', exc.message)
        self.assertEqual('DELETE', exc.method)
        self.assertEqual(URL, exc.url)
        self.assertEqual('req-1', exc.request_id)
        self.assertEqual(body, exc.details)
        self.assertEqual('Method "DELETE" not allowed. (HTTP 405) '
                         '(Request-ID: req-1)', str(exc))

    def test_html_body(self):
        exc = exceptions.from_response(
            500, 'POST', URL, text='<!DOCTYPE html><html>Server Error',
            content_type='text/html; charset=utf-8')
        self.assertEqual('POST %s returned HTML instead of JSON (HTTP 500)'
                         % URL, str(exc))
        self.assertIsNone(exc.details)

    def test_html_without_content_type(self):
        exc = exceptions.from_response(502, 'GET', URL,
                                       text='  <html>Bad Gateway</html>')
        self.assertIn('returned HTML instead of JSON', str(exc))

    def test_empty_body(self):
        exc = exceptions.from_response(503, 'GET', URL, text='')
        self.assertEqual('GET %s returned an empty body (HTTP 503)' % URL,
                         str(exc))

    def test_not_json(self):
        exc = exceptions.from_response(500, 'GET', URL, text='{"detail": "t')
        self.assertEqual('GET %s returned a body that is not valid JSON '
                         '(HTTP 500)' % URL, str(exc))


class TestClientException(testtools.TestCase):

    def test_default_message(self):
        self.assertEqual('Not found (HTTP 404)', str(exceptions.NotFound()))

    def test_no_status(self):
        exc = exceptions.NotSupported('no accounts')
        self.assertEqual('no accounts', str(exc))
        self.assertIsNone(exc.http_status)
