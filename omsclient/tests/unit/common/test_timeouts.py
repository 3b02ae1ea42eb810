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

"""One check of every timeout, whatever its source."""

import functools

from keystoneauth1 import session as ksa_session
from requests_mock.contrib import fixture as rm_fixture
import testtools

from omsclient import client
from omsclient.common import exceptions
from omsclient.common import http_policy
from omsclient.metering import client as metering

ENDPOINT = 'http://oms.test:8765'
#: What no source may give: too long, not a number, not above 0.
BAD = [1e10, 99999999999999999999, 10 ** 400, float('inf'), float('nan'),
       0, -1, True, False, 'abc', '1e10', '', (3,), (3, 10, 1), (0, 10),
       (3, float('nan')), ('3', None), {'connect': 3}]


def _metering(**kwargs):
    return metering.get_client('2', endpoint=ENDPOINT, **kwargs)


def _multistack(**kwargs):
    return client.Client('1', endpoint=ENDPOINT, **kwargs)


class TestAsTimeout(testtools.TestCase):

    def test_accepted(self):
        for value, expected in ((5, (5.0, 5.0)), (30.5, (10.0, 30.5)),
                                ('2.5', (2.5, 2.5)), (' 60 ', (10.0, 60.0)),
                                ((3, 10), (3.0, 10.0)), ([1, 2], (1.0, 2.0)),
                                (3600, (10.0, 3600.0)), (None, (10.0, 60.0))):
            self.assertEqual(expected, http_policy.as_timeout(value))

    def test_refused_naming_the_source(self):
        for value in BAD:
            exc = self.assertRaises(exceptions.InvalidTimeout,
                                    http_policy.as_timeout, value,
                                    'OS_X_TIMEOUT')
            self.assertIsInstance(exc, ValueError)
            self.assertTrue(str(exc).startswith(
                'Invalid OS_X_TIMEOUT %r: expected ' % (value,)), exc)
            self.assertIn('above 0 and at most 3600', str(exc))

    def test_a_call_shortens_the_bound(self):
        bound = (10.0, 60.0)
        self.assertEqual((10.0, 60.0), http_policy.shorter(None, bound))
        self.assertEqual((2.0, 2.0), http_policy.shorter(2, bound))
        # A wait longer than the client's timeout keeps the client's.
        self.assertEqual((10.0, 60.0), http_policy.shorter(1e10, bound))


class TestPythonApiTimeouts(testtools.TestCase):
    """Both clients check ``timeout=`` when built, before any request."""

    def setUp(self):
        super().setUp()
        self.requests = self.useFixture(rm_fixture.Fixture())

    def test_bad_timeout_refused_at_construction(self):
        for build in (_multistack, _metering):
            for value in BAD:
                exc = self.assertRaises(exceptions.InvalidTimeout, build,
                                        timeout=value)
                self.assertIn('Invalid timeout', str(exc))
        self.assertEqual([], self.requests.request_history)

    def test_connect_read_pair_is_used(self):
        self.requests.get(ENDPOINT + '/api/queues/1/',
                          json={'id': 1, 'status': 'RUN',
                                'regist_datetime': '2016-08-09T02:29Z'})
        self.requests.get(ENDPOINT + '/v2/rabbit/overview', json={})
        _multistack(timeout=(3, 10)).queues.get(1)
        _metering(timeout=(3, 10)).rabbit.get('overview')
        self.assertEqual([(3.0, 10.0), (3.0, 10.0)],
                         [r.timeout for r in self.requests.request_history])

    def test_bad_session_timeout_refused(self):
        session = ksa_session.Session()
        session.timeout = 1e10
        for build in (functools.partial(client.Client, '1'),
                      metering.Client):
            exc = self.assertRaises(exceptions.InvalidTimeout, build,
                                    session=session, endpoint=ENDPOINT)
            self.assertIn('Invalid session timeout 10000000000.0',
                          str(exc))
