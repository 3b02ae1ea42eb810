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

import urllib.parse

from omsclient.common import exceptions
from omsclient.tests.unit import fixtures as oms_fixtures
from omsclient.v1 import providers

PROVIDERS = oms_fixtures.API + '/providers/'


def provider(name, account_id=1, **extra):
    record = {
        'provider': name, 'account_id': account_id, 'driver': 'simulated',
        'region_name': 'RegionOne', 'status': 'available',
        'reachable': True, 'reason': None,
        'quota': {'instances': {'used': 2, 'limit': 10},
                  'cores': {'used': 2, 'limit': -1},
                  'ram': {'used': 1024, 'limit': 51200}},
        'entries': 2, 'checked_at': '2026-12-07T20:00:00.000000Z'}
    record.update(extra)
    return record


class NamedPages:
    """A providers list paged by ``?limit=&marker=<name>``."""

    def __init__(self, records):
        self.records = records
        self.queries = []

    def __call__(self, request, context):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(
            request.url).query)
        self.queries.append(query)
        names = [r['provider'] for r in self.records]
        start = (names.index(query['marker'][0]) + 1 if 'marker' in query
                 else 0)
        limit = int(query['limit'][0]) if 'limit' in query else None
        return self.records[start:][:limit]


class TestProviders(oms_fixtures.TestCase):

    def setUp(self):
        super().setUp()
        self.providers = self.make_client().providers

    def use_root(self, root=oms_fixtures.REFERENCE_ROOT):
        self.requests.get(oms_fixtures.API + '/', json=root)

    def test_list_reads_on_use(self):
        self.use_root()
        self.requests.get(PROVIDERS, json=[provider('a'),
                                           provider('b', 2, reachable=None,
                                                    quota=None)])
        listing = self.providers.list()
        self.assertEqual([], self.calls('GET'))
        found = list(listing)
        self.assertEqual(['a', 'b'], [p.provider for p in found])
        self.assertIsInstance(found[0], providers.Provider)
        self.assertEqual(-1, found[0].quota['cores']['limit'])
        self.assertIsNone(found[1].quota)

    def test_list_walks_the_pages_by_name(self):
        self.use_root()
        pages = NamedPages([provider(n, i) for i, n in enumerate('cab', 1)])
        self.requests.get(PROVIDERS, json=pages)
        self.assertEqual(['a', 'b'], [p.provider for p in
                                      self.providers.list(limit=2,
                                                          marker='c')])
        self.assertEqual([{'limit': ['2'], 'marker': ['c']}], pages.queries)

    def test_list_goes_on_until_the_limit(self):
        self.use_root()
        records = [provider(n, i) for i, n in enumerate('abcde', 1)]
        pages = NamedPages(records)

        def two_at_most(request, context):
            return pages(request, context)[:2]
        self.requests.get(PROVIDERS, json=two_at_most)
        self.assertEqual(list('abcd'), [p.provider for p in
                                        self.providers.list(limit=4)])
        self.assertEqual([{'limit': ['4']},
                          {'limit': ['2'], 'marker': ['b']}], pages.queries)

    def test_list_of_a_server_ignoring_the_marker_ends(self):
        self.use_root()
        self.requests.get(PROVIDERS, json=[provider('a'), provider('b', 2)])
        self.assertEqual(['a', 'b'], [p.provider for p in
                                      self.providers.list(limit=5)])
        self.assertEqual(2, len(self.calls('GET', '/api/providers/')))

    def test_get(self):
        self.use_root()
        self.requests.get(PROVIDERS + 'a/', json=provider('a'))
        self.assertEqual(2, self.providers.get('a').entries)
        self.assertEqual('a', self.providers.find('a').provider)

    def test_get_missing(self):
        self.use_root()
        self.requests.get(PROVIDERS + 'x/', status_code=404,
                          json=oms_fixtures.NOT_FOUND)
        self.assertRaises(exceptions.NotFound, self.providers.get, 'x')

    def test_bad_names_are_refused_before_any_request(self):
        for bad in ('', '..', 'a/b', 'a b'):
            self.assertRaises(exceptions.InvalidId, self.providers.get, bad)
            self.assertRaises(exceptions.InvalidId, self.providers.list,
                              marker=bad)
        self.assertEqual([], self.requests.request_history)

    def test_original_server(self):
        self.use_root(oms_fixtures.ORIGINAL_ROOT)
        message = ('the OpenMultiStack service at http://oms.test/api does '
                   'not support providers (it has no providers resource)')
        error = self.assertRaises(exceptions.NotSupported, list,
                                  self.providers.list())
        self.assertEqual(message, str(error))
        error = self.assertRaises(exceptions.NotSupported,
                                  self.providers.get, 'a')
        self.assertEqual(message, str(error))
        self.assertEqual(['/api/'], [r.path for r in
                                     self.requests.request_history])

    def test_record_of_a_wrong_shape(self):
        self.use_root()
        self.requests.get(PROVIDERS, json=[provider('a', reachable='yes')])
        error = self.assertRaises(exceptions.InvalidResponse, list,
                                  self.providers.list())
        self.assertIn("entry 1: reachable is a text ('yes'), not true or "
                      "false or null", str(error))

    def test_records_before_a_broken_one_are_yielded(self):
        self.use_root()
        self.requests.get(PROVIDERS, json=[
            provider('a'), provider('b'), provider('c', entries='many'),
            provider('d')])
        got = []

        def read():
            for record in self.providers.list():
                got.append(record.provider)

        error = self.assertRaises(exceptions.InvalidResponse, read)
        self.assertEqual(['a', 'b'], got)
        self.assertIn("entry 3: entries is a text ('many')", str(error))
