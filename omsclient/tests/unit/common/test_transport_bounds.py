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

"""Timeouts, bounds, redirects and masked URLs, against a real server."""

import logging
import time
from unittest import mock

import fixtures
import testtools

from omsclient import client
from omsclient.common import exceptions
from omsclient.metering import client as metering
from omsclient.tests import broken_server


class TestAgainstBrokenServer(testtools.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = broken_server.BrokenServer().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.log = self.useFixture(fixtures.FakeLogger(level=logging.INFO))

    def client(self, name, **kwargs):
        kwargs.setdefault('timeout', 0.5)
        return client.Client('1', endpoint=self.server.endpoint(name),
                             token=broken_server.TOKEN, retry_delay=0,
                             **kwargs)

    def fails(self, error, name, call, **kwargs):
        queues = self.client(name, **kwargs).queues
        return self.assertRaises(error, call, queues)

    def test_stalled_answer_is_a_timeout(self):
        self.server.seen.pop('stall', None)
        exc = self.fails(exceptions.Timeout, 'stall', lambda q: q.get(1))
        self.assertEqual('GET %s/api/queues/1/ did not answer within 0.5 s'
                         % self.server.endpoint('stall'), str(exc))
        self.assertEqual(1, len(self.server.seen['stall']))

    def test_timeout_not_retried(self):
        self.server.seen.pop('stall-after-headers', None)
        self.fails(exceptions.ClientException, 'stall-after-headers',
                   lambda q: list(q.list()))
        self.assertEqual(1, len(self.server.seen['stall-after-headers']))

    def test_drip_is_cut_by_the_read_timeout(self):
        exc = self.fails(exceptions.Timeout, 'drip', lambda q: list(q.list()))
        self.assertIn('took longer than 0.5 s after 0 entries', str(exc))

    def test_head_drip_is_cut_by_the_read_timeout(self):
        # Each byte of the head in time, the head never whole.
        started = time.monotonic()
        exc = self.fails(exceptions.Timeout, 'head-drip', lambda q: q.get(1))
        self.assertEqual('GET %s/api/queues/1/ did not answer within 0.5 s'
                         % self.server.endpoint('head-drip'), str(exc))
        # Cut by the bound, not by the server (which drips for a minute).
        self.assertLess(time.monotonic() - started, 30)

    def test_wait_bounds_a_stalled_request(self):
        exc = self.fails(exceptions.WaitTimeout, 'stall',
                         lambda q: q.wait(1, timeout=0.3, interval=0.1),
                         timeout=60)
        self.assertIn('Queue entry 1 has told no status after 0.3 '
                      'seconds (waiting for RUN)', str(exc))

    def test_create_bounded_by_its_own_timeout(self):
        # What queue create --wait --timeout does with a stalled POST.
        exc = self.fails(exceptions.Timeout, 'stall',
                         lambda q: q.create(timeout=0.3), timeout=60)
        self.assertEqual('POST %s/api/queues/ did not answer within 0.3 s'
                         % self.server.endpoint('stall'), str(exc))

    def test_deep_answer_refused(self):
        for call in (lambda q: list(q.list()), lambda q: q.get(1)):
            exc = self.fails(exceptions.InvalidResponse, 'deep', call)
            self.assertIn('is not what the API promises: it is nested '
                          'deeper than 100 levels', str(exc))

    def test_too_large_refused(self):
        exc = self.fails(exceptions.InvalidResponse, 'huge',
                         lambda q: list(q.list()), timeout=30)
        self.assertIn('an entry is larger than 16777216 bytes', str(exc))

    def test_not_json_values_refused_alike(self):
        for name, reason in (('nan', 'such as NaN'),
                             ('huge-id', 'an integer beyond 64 bits'),
                             ('invalid-utf8', 'not valid UTF-8')):
            for call in (lambda q: list(q.list()), lambda q: q.get(1)):
                exc = self.fails(exceptions.InvalidResponse, name, call)
                self.assertIn('is not what the API promises', str(exc))
                self.assertIn(reason, str(exc))

    def metering(self, name, **kwargs):
        kwargs.setdefault('timeout', 0.5)
        return metering.get_client('2', endpoint=self.server.endpoint(name),
                                   token=broken_server.TOKEN, **kwargs)

    def test_entries_not_objects_refused_by_every_list(self):
        oms = self.client('zeros')
        cclient = self.metering('zeros')
        for call in (lambda: list(oms.queues.list()),
                     lambda: list(oms.accounts.list()),
                     lambda: list(cclient.logs.list()),
                     lambda: list(cclient.logs.list_all()),
                     lambda: list(cclient.rabbit.list('users'))):
            exc = self.assertRaises(exceptions.InvalidResponse, call)
            self.assertIn('is not what the API promises: entry 1 is a '
                          'number (0), not an object', str(exc))

    def test_byte_order_mark_read_by_every_entry_point(self):
        lists = self.client('bom-list')
        cl_lists = self.metering('bom-list')
        for call in (lambda: lists.queues.list(),
                     lambda: lists.queues.list(limit=2),
                     lambda: lists.accounts.list(),
                     lambda: cl_lists.logs.list(),
                     lambda: cl_lists.logs.list_all(),
                     lambda: cl_lists.rabbit.list('users')):
            self.assertEqual([1], [item.id for item in call()])
        objects = self.client('bom-object')
        self.assertEqual('RUN', objects.queues.get(1).status)
        self.assertEqual('RUN', objects.queues.create().status)
        self.assertEqual('started',
                         self.metering('bom-object').rabbit.get().desc)
        exc = self.assertRaises(exceptions.BadRequest,
                                self.client('bom-error').queues.get, 1)
        self.assertIn('Refused with a BOM.', str(exc))

    def test_redirect_to_another_scheme_refused_saying_why(self):
        for name, scheme in (('redirect-file', 'file'),
                             ('redirect-data', 'data'),
                             ('redirect-javascript', 'javascript')):
            self.server.seen.pop(name, None)
            for call in (lambda q: list(q.list()), lambda q: q.get(1)):
                exc = self.fails(exceptions.InvalidResponse, name, call)
                self.assertIn('with a redirect to a %s: URL, refused: only '
                              'http and https are followed' % scheme,
                              str(exc))
            # Each call asked once and stopped there.
            self.assertEqual(2, len(self.server.seen[name]))

    def test_location_not_utf8_is_one_error(self):
        for call in (lambda q: list(q.list()), lambda q: q.get(1),
                     lambda q: q.delete(1)):
            exc = self.fails(exceptions.InvalidResponse,
                             'location-not-utf8', call)
            self.assertIn('answered with a redirect whose Location is not '
                          'valid UTF-8', str(exc))

    def test_declared_charset_decoded_alike(self):
        queues = self.client('latin-1').queues
        self.assertEqual('caf\xe9', list(queues.list())[0].desc)
        self.assertEqual(['caf\xe9'], [
            e['desc'] for e in queues.api.get_json('queues/')])

    def test_unknown_charset_refused(self):
        exc = self.fails(exceptions.InvalidResponse, 'unknown-charset',
                         lambda q: list(q.list()))
        self.assertIn("declares the unknown charset 'x-no'", str(exc))

    def test_retry_after_beyond_the_cap_fails_at_once(self):
        self.server.seen.pop('retry-after-3600', None)
        exc = self.fails(exceptions.ServiceUnavailable, 'retry-after-3600',
                         lambda q: q.get(1))
        self.assertIn('asks to be retried in 3600 s, longer than this '
                      'client waits (30 s)', str(exc))
        self.assertEqual(1, len(self.server.seen['retry-after-3600']))

    def test_retry_after_again_says_what_was_waited(self):
        sleep = self.useFixture(fixtures.MockPatch(
            'omsclient.common.http_policy.time.sleep')).mock
        self.server.seen.pop('retry-after-growing', None)
        exc = self.fails(exceptions.ServiceUnavailable, 'retry-after-growing',
                         lambda q: q.get(1))
        self.assertIn('it asks again to be retried in 30 s, after 1 s '
                      'waited: longer than this client waits in all (30 s)',
                      str(exc))
        # (time.sleep of the server's threads is patched too.)
        self.assertEqual(1, sleep.call_args_list.count(mock.call(1.0)))
        self.assertEqual(2, len(self.server.seen['retry-after-growing']))

    def test_decompression_bomb_refused(self):
        for call in (lambda q: list(q.list()), lambda q: q.get(1)):
            exc = self.fails(exceptions.InvalidResponse, 'gzip-bomb', call)
            self.assertIn('is not what the API promises: compressed (gzip), '
                          'it expands more than 100 times', str(exc))

    def test_gzip_error_says_what_failed(self):
        for call in (lambda q: list(q.list()), lambda q: q.get(1)):
            exc = self.fails(exceptions.InvalidResponse, 'bad-gzip', call)
            self.assertIn('could not be decompressed (Content-Encoding: '
                          'gzip)', str(exc))
            self.assertIn('incorrect header check', str(exc))
            self.assertNotIn('broke off', str(exc))
            self.assertNotIn("('", str(exc))

    def test_token_not_sent_to_another_origin(self):
        self.server.seen.pop('recorder', None)
        entries = list(self.client('redirect-elsewhere').queues.list())
        self.assertEqual([1], [e.id for e in entries])
        (headers,) = self.server.seen['recorder']
        self.assertNotIn('X-Auth-Token', headers)
        self.assertEqual(broken_server.TOKEN, self.server.seen[
            'redirect-elsewhere'][-1]['X-Auth-Token'])

    def test_password_of_the_endpoint_never_shown(self):
        endpoint = 'http://admin:%s@127.0.0.1:%d/stall' % (
            broken_server.PASSWORD, self.server.port)
        api = client.Client('1', endpoint=endpoint, timeout=0.3)
        exc = self.assertRaises(exceptions.Timeout, api.queues.get, 1)
        self.assertNotIn(broken_server.PASSWORD, str(exc) + exc.url)
        self.assertIn('http://***@127.0.0.1', str(exc))


class TestEndpoint(testtools.TestCase):

    def test_invalid_ipv6_endpoint(self):
        api = client.Client('1', endpoint='http://[::1')
        exc = self.assertRaises(exceptions.EndpointNotFound, api.queues.get,
                                1)
        self.assertEqual("Invalid endpoint 'http://[::1' for the multistack "
                         "service: Invalid IPv6 URL", str(exc))
