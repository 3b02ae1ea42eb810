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

import gzip
import http.server
import json
import logging
import threading
import tracemalloc

import fixtures
import testtools

from omsclient.common import exceptions
from omsclient.tests.unit import fixtures as oms_fixtures

QUEUES = oms_fixtures.QUEUES


class TestStreamedList(oms_fixtures.TestCase):

    def stream(self, body, **kwargs):
        self.requests.get(QUEUES, body=body, **kwargs)
        return self.make_client().http_client.iter_json_list('queues/')

    def test_entries_yielded_before_the_body_is_read(self):
        body = oms_fixtures.GeneratedList(100000)
        entries = self.stream(body)
        self.assertEqual({'id': 0}, next(entries))
        # Debug logging is on (see TestCase): it must not have read the
        # streamed body either.
        self.assertTrue(self.log.output)
        self.assertLess(body.consumed, body.size // 2)
        self.assertEqual(list(range(1, 100000)),
                         [e['id'] for e in entries])
        self.assertEqual(body.size, body.consumed)

    def test_debug_log_line_without_body(self):
        entries = self.stream(oms_fixtures.GeneratedList(3),
                              headers={'Content-Type': 'application/json',
                                       'X-OpenStack-Request-ID': 'req-s'})
        list(entries)
        self.assertIn('RESP: [200] GET %s (request id req-s)' % QUEUES,
                      self.log.output)
        self.assertNotIn('RESP BODY', self.log.output)
        self.assertNotIn('"id": 1', self.log.output)

    def test_floats_and_nesting(self):
        self.requests.get(QUEUES, text='[{"a": 1.5, "b": {"c": [1, 2]}}]')
        client = self.make_client()
        self.assertEqual([{'a': 1.5, 'b': {'c': [1, 2]}}],
                         list(client.http_client.iter_json_list('queues/')))

    def test_prefix(self):
        self.requests.get(QUEUES, json={'results': [{'id': 1}, {'id': 2}]})
        client = self.make_client()
        self.assertEqual([1, 2], [e['id'] for e in client.http_client
                                  .iter_json_list('queues/',
                                                  prefix='results.item')])

    def test_empty_list(self):
        self.assertEqual([], list(self.stream(
            oms_fixtures.GeneratedList(0))))

    def test_truncated_mid_stream(self):
        entries = self.stream(oms_fixtures.GeneratedList(10, cut_after=7))
        got = []
        exc = self.assertRaises(exceptions.InvalidResponse, got.extend,
                                entries)
        self.assertEqual(list(range(7)), [e['id'] for e in got])
        self.assertIn('The JSON list from GET %s is truncated or malformed '
                      'after 7 entries' % QUEUES, str(exc))
        self.assertEqual(QUEUES, exc.url)

    def test_malformed(self):
        self.requests.get(QUEUES, text='[{"id": 1}, {"id": 2,, }]')
        exc = self.assertRaises(
            exceptions.InvalidResponse, list,
            self.make_client().http_client.iter_json_list('queues/'))
        self.assertIn('after 1 entry:', str(exc))

    def test_html(self):
        self.requests.get(QUEUES, text='<html>oops</html>')
        exc = self.assertRaises(exceptions.InvalidResponse, list,
                                self.make_client().queues.list())
        self.assertEqual('GET %s returned HTML instead of JSON (HTTP 200)'
                         % QUEUES, str(exc))

    def test_html_content_type(self):
        self.requests.get(QUEUES, text='[]',
                          headers={'Content-Type': 'text/html'})
        exc = self.assertRaises(exceptions.InvalidResponse, list,
                                self.make_client().queues.list())
        self.assertIn('returned HTML instead of JSON', str(exc))

    def test_empty_body(self):
        self.requests.get(QUEUES, text='  ')
        exc = self.assertRaises(exceptions.InvalidResponse, list,
                                self.make_client().queues.list())
        self.assertEqual('GET %s returned an empty body (HTTP 200)' % QUEUES,
                         str(exc))

    def test_object_instead_of_list(self):
        self.requests.get(QUEUES, json={'detail': 'surprise'})
        exc = self.assertRaises(exceptions.InvalidResponse, list,
                                self.make_client().queues.list())
        self.assertIn('returned a JSON object instead of a JSON list',
                      str(exc))

    def test_gzip(self):
        body = gzip.compress(json.dumps([{'id': 1}, {'id': 2}]).encode())
        self.requests.get(QUEUES, content=body,
                          headers={'Content-Encoding': 'gzip'})
        self.assertEqual([1, 2], [q.id for q in
                                  self.make_client().queues.list()])

    def test_closing_the_generator_closes_the_answer(self):
        body = oms_fixtures.GeneratedList(100000)
        entries = self.stream(body)
        next(entries)
        entries.close()
        self.assertTrue(body.closed)


class TestBoundedMemory(oms_fixtures.TestCase):

    def peak_while_listing(self, count):
        template = oms_fixtures.queue(0)
        # A private key of realistic size (a 4096-bit RSA key is ~3.2 kB).
        template['instance']['key_raw'] = 'K' * 3200
        body = oms_fixtures.GeneratedList(count, template)
        self.requests.get(QUEUES, body=body)
        queues = self.make_client().queues
        tracemalloc.start()
        try:
            seen = sum(1 for _entry in queues.list())
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertEqual(count, seen)
        self.assertEqual(body.size, body.consumed)
        return peak, body.size

    def test_large_list_in_flat_memory(self):
        # Debug logging is on (see TestCase) and must not change this.
        small_peak, _small_size = self.peak_while_listing(1200)
        peak, size = self.peak_while_listing(6000)
        # ~20 MB of body read with a peak of Python allocations far below
        # it, and no higher than for a list five times shorter.
        self.assertGreater(size, 20 * 1000 * 1000)
        self.assertLess(peak, size // 10)
        self.assertLess(peak, small_peak * 2)


class _Handler(http.server.BaseHTTPRequestHandler):

    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def do_GET(self):
        count = 20000 if self.path.startswith('/short') else 100
        entries = [json.dumps({'id': i}).encode() for i in range(count)]
        body = b'[' + b','.join(entries) + b']'
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        if self.path.startswith('/gzip'):
            body = gzip.compress(body)
            self.send_header('Content-Encoding', 'gzip')
        if self.path.startswith('/stall'):
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.server.release.wait()
            return
        if self.path.startswith('/short'):
            # Content-Length promises more than is sent.
            self.send_header('Content-Length', str(len(body)))
            self.send_header('Connection', 'close')
            self.end_headers()
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.send_header('Transfer-Encoding', 'chunked')
        self.end_headers()
        for start in range(0, len(body), 100):
            piece = body[start:start + 100]
            self.wfile.write(b'%x\r\n%s\r\n' % (len(piece), piece))
        self.wfile.write(b'0\r\n\r\n')


class TestRealConnection(testtools.TestCase):
    """Chunked, gzip and cut bodies from a loopback HTTP server."""

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.FakeLogger(level=logging.DEBUG))
        server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
        server.release = threading.Event()
        self.addCleanup(server.release.set)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        self.endpoint = 'http://127.0.0.1:%d' % server.server_address[1]

    def api(self, timeout=None):
        from omsclient.common import http as oms_http
        return oms_http.SessionClient(
            oms_http.make_session(timeout=timeout), api_prefix='',
            retries=0, endpoint_override=self.endpoint)

    def test_chunked(self):
        self.assertEqual(list(range(100)), [
            e['id'] for e in self.api().iter_json_list('chunked/')])

    def test_chunked_gzip(self):
        self.assertEqual(list(range(100)), [
            e['id'] for e in self.api().iter_json_list('gzip/')])

    def test_connection_cut(self):
        got = []
        exc = self.assertRaises(exceptions.InvalidResponse, got.extend,
                                self.api().iter_json_list('short/'))
        self.assertTrue(got)
        self.assertIn('after %d entries' % len(got), str(exc))
        self.assertIn(self.endpoint + '/short/', str(exc))

    def test_stalled_answer(self):
        got = []
        exc = self.assertRaises(exceptions.Timeout, got.extend,
                                self.api(timeout=1.0).iter_json_list(
                                    'stall/'))
        self.assertEqual('Reading the answer of GET %s/stall/ timed out '
                         'after %d entries' % (self.endpoint, len(got)),
                         str(exc))
