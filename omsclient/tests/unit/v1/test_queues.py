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

from omsclient.common import base
from omsclient.common import exceptions
from omsclient.tests.unit import fixtures as oms_fixtures
from omsclient.v1 import queues

QUEUES = oms_fixtures.QUEUES
STATUSES = ['REQUEST', 'RUN', 'FAILED', 'RUN', 'BOOT', 'RUN', 'RECIVE',
            'RUN', 'DESTROY', 'RUN']


class FakeQueueServer:
    """The list call of a server, as a requests-mock JSON callback.

    :param honours: whether the server applies ``status``, ``limit`` and
        ``marker`` (the reference service) or ignores them (the original).
    :param max_limit: the most entries the server sends in one page.
    """

    OLD_NAMES = {'queueing': 'REQUEST', 'booting': 'BOOT', 'running': 'RUN',
                 'destroying': 'DESTROY', 'failed': 'FAILED'}

    def __init__(self, entries, honours, max_limit=None):
        self.entries = entries
        self.honours = honours
        self.max_limit = max_limit
        self.queries = []

    def __call__(self, request, context):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(
            request.url).query)
        self.queries.append(query)
        if not self.honours:
            return self.entries
        found = self.entries
        if 'status' in query:
            # Like the reference service: any case, earlier names too.
            wanted = {self.OLD_NAMES.get(s.lower(), s.upper())
                      for s in query['status']}
            found = [e for e in found if e['status'] in wanted]
        if 'marker' in query:
            marker = int(query['marker'][0])
            if marker not in {e['id'] for e in self.entries}:
                context.status_code = 400
                return {'marker': ['Marker %d not found.' % marker]}
            found = [e for e in found if e['id'] > marker]
        limit = int(query['limit'][0]) if 'limit' in query else None
        if self.max_limit is not None:
            limit = min(limit or self.max_limit, self.max_limit)
        return found[:limit] if limit is not None else found


def entries(statuses=STATUSES):
    return [oms_fixtures.queue(i, status)
            for i, status in enumerate(statuses, 1)]


class ListTestMixin:

    def serve(self, honours, statuses=STATUSES, max_limit=None):
        self.server = FakeQueueServer(entries(statuses), honours, max_limit)
        self.requests.get(QUEUES, json=self.server)
        return self.make_client().queues

    def ids(self, **kwargs):
        return [q.id for q in self.queues.list(**kwargs)]

    def test_all(self):
        self.assertEqual(list(range(1, 11)), self.ids())
        self.assertEqual([{}], self.server.queries)

    def test_status(self):
        self.assertEqual([2, 4, 6, 8, 10], self.ids(status='RUN'))
        self.assertEqual({'status': ['RUN']}, self.server.queries[0])

    def test_several_statuses(self):
        self.assertEqual([3, 5], self.ids(status=['FAILED', 'BOOT']))
        self.assertEqual({'status': ['FAILED', 'BOOT']},
                         self.server.queries[0])

    def test_marker(self):
        self.assertEqual([8, 9, 10], self.ids(marker=7))
        self.assertEqual({'marker': ['7']}, self.server.queries[0])

    def test_marker_as_text(self):
        self.assertEqual([9, 10], self.ids(marker='8'))

    def test_limit(self):
        self.assertEqual([1, 2, 3], self.ids(limit=3))
        self.assertEqual({'limit': ['3']}, self.server.queries[0])

    def test_limit_zero(self):
        self.assertEqual([], self.ids(limit=0))
        self.assertEqual([], self.server.queries)

    def test_negative_limit(self):
        self.assertRaises(ValueError, self.queues.list, limit=-1)

    def test_limit_marker_and_status(self):
        self.assertEqual([6, 8], self.ids(status='RUN', marker=4, limit=2))
        self.assertEqual({'status': ['RUN'], 'marker': ['4'],
                          'limit': ['2']}, self.server.queries[0])

    def test_limit_beyond_the_end(self):
        self.assertEqual([8, 10], self.ids(status='RUN', marker=6,
                                           limit=50))

    def test_earlier_status_name(self):
        # 'running' is the earlier name of RUN: the client must not drop
        # the RUN entries that the server sends for it.
        self.assertEqual([2, 4, 6, 8, 10], self.ids(status='running'))
        self.assertEqual([3], self.ids(status=['failed']))

    def test_is_a_sequence_read_on_demand(self):
        listing = self.queues.list()
        self.assertIsInstance(listing, base.ResourceList)
        self.assertEqual([], self.server.queries)
        self.assertEqual(1, next(iter(listing)).id)
        self.assertEqual(1, len(self.server.queries))
        self.assertEqual(10, len(listing))
        self.assertEqual(3, listing[2].id)


class TestListMarkers(oms_fixtures.TestCase):
    """A marker that is no entry is an error, unless the client chose it."""

    def setUp(self):
        super().setUp()
        self.server = FakeQueueServer(entries(), True, max_limit=3)
        self.requests.get(QUEUES, json=self.server)
        self.queues = self.make_client().queues

    def test_unknown_marker_is_an_error(self):
        error = self.assertRaises(exceptions.BadRequest, list,
                                  self.queues.list(marker=42, limit=5))
        self.assertIn('Marker 42 not found.', str(error))

    def test_last_entry_of_a_page_deleted_before_the_next(self):
        listing = iter(self.queues.list(limit=8))
        self.assertEqual([1, 2, 3], [next(listing).id for _ in range(3)])
        # Entries 2 and 3 go away while the first page is being read.
        del self.server.entries[1:3]
        self.assertEqual([4, 5, 6, 7, 8], [entry.id for entry in listing])
        self.assertEqual(['3', '2', '1', '6'],
                         [query['marker'][0]
                          for query in self.server.queries[1:]])

    def test_every_entry_before_deleted(self):
        listing = iter(self.queues.list(limit=6))
        self.assertEqual([1, 2, 3], [next(listing).id for _ in range(3)])
        del self.server.entries[:3]
        self.assertEqual([4, 5, 6], [entry.id for entry in listing])


class TestListOriginalServer(ListTestMixin, oms_fixtures.TestCase):
    """The original service ignores every query parameter."""

    def setUp(self):
        super().setUp()
        self.queues = self.serve(honours=False)

    def test_limit_stops_reading(self):
        self.assertEqual([1, 2], self.ids(limit=2))
        self.assertEqual(1, len(self.server.queries))

    def test_limit_beyond_the_end_asks_once_more(self):
        self.assertEqual(list(range(1, 11)), self.ids(limit=50))
        # The second page (marker=10) came back whole and was all skipped.
        self.assertEqual([{'limit': ['50']},
                          {'limit': ['40'], 'marker': ['10']}],
                         self.server.queries)

    def test_old_lower_case_statuses(self):
        self.queues = self.serve(False, ['queueing', 'booting', 'running',
                                         'destroying', 'failed'])
        self.assertEqual([3], self.ids(status='running'))
        self.assertEqual([5], self.ids(status='FAILED'))


class TestListReferenceServer(ListTestMixin, oms_fixtures.TestCase):
    """The reference service honours status, limit and marker."""

    def setUp(self):
        super().setUp()
        self.queues = self.serve(honours=True)

    def test_pages(self):
        self.queues = self.serve(True, max_limit=3)
        self.assertEqual(list(range(1, 8)), self.ids(limit=7))
        self.assertEqual([{'limit': ['7']},
                          {'limit': ['4'], 'marker': ['3']},
                          {'limit': ['1'], 'marker': ['6']}],
                         self.server.queries)

    def test_pages_to_the_end(self):
        self.queues = self.serve(True, max_limit=4)
        self.assertEqual([2, 4, 6, 8, 10], self.ids(status='RUN',
                                                    limit=100))
        self.assertEqual(['100', '96', '95'],
                         [q['limit'][0] for q in self.server.queries])


class TestListEndlessPages(oms_fixtures.TestCase):
    """Paging stops, with an error, when it cannot move on."""

    def test_entries_without_ids(self):
        entry = {'status': 'BOOT'}
        self.requests.get(QUEUES, json=[entry, entry])
        got = []
        exc = self.assertRaises(
            exceptions.InvalidResponse, got.extend,
            self.make_client().queues.list(limit=5, status='RUN'))
        self.assertEqual([], got)
        # Refused by the entry check before paging needs the id.
        self.assertEqual('the answer of GET %s is not what the API '
                         'promises: entry 1 has no id' % QUEUES, str(exc))
        self.assertEqual(1, len(self.calls()))


class TestListChecksEachEntry(oms_fixtures.TestCase):
    """Entries that arrive together are checked together, named alone."""

    def test_entries_before_a_broken_one_are_yielded(self):
        entries = [{'id': i, 'status': 'RUN'} for i in range(1, 6)]
        entries[3]['regist_datetime'] = 'yesterday'
        self.requests.get(QUEUES, json=entries)
        got = []

        def read():
            for queue in self.make_client().queues.list():
                got.append(queue.id)

        exc = self.assertRaises(exceptions.InvalidResponse, read)
        self.assertEqual([1, 2, 3], got)
        self.assertEqual(
            "the answer of GET %s is not what the API promises: entry 4: "
            "regist_datetime is a text ('yesterday'), not an ISO 8601 "
            "timestamp with a UTC equivalent" % QUEUES, str(exc))

    def test_entries_laid_out_differently(self):
        entries = [{'id': 1, 'status': 'RUN', 'instance': None},
                   {'id': 2, 'fault': None,
                    'regist_datetime': '2016-08-09T02:29:34Z',
                    'instance': {'id': 7, 'account': None}},
                   {'id': 3, 'instance': {'id': 8, 'account': {
                       'provider': 'sim'}}}]
        self.requests.get(QUEUES, json=entries)
        self.assertEqual([1, 2, 3], [queue.id for queue in
                                     self.make_client().queues.list()])
        entries[2]['instance']['account']['provider'] = 5
        self.requests.get(QUEUES, json=entries)
        exc = self.assertRaises(exceptions.InvalidResponse, list,
                                self.make_client().queues.list())
        self.assertIn('entry 3: instance.account.provider is a number (5)',
                      str(exc))


class TestQueueCalls(oms_fixtures.TestCase):

    def setUp(self):
        super().setUp()
        self.queues = self.make_client().queues

    def test_create_without_body(self):
        self.requests.post(QUEUES, status_code=201,
                           json=dict(oms_fixtures.queue(3, 'REQUEST',
                                                        instance=False)))
        entry = self.queues.create()
        self.assertIsInstance(entry, queues.Queue)
        self.assertEqual((3, 'REQUEST', None),
                         (entry.id, entry.status, entry.instance))
        call = self.calls('POST')[0]
        self.assertIsNone(call.body)
        self.assertNotIn('Content-Type', call.headers)

    def test_create_with_options(self):
        self.requests.post(QUEUES, status_code=201,
                           json=oms_fixtures.queue(3, 'REQUEST', False))
        self.queues.create(image='cirros', flavor='m1.tiny',
                           provider='conoha')
        call = self.calls('POST')[0]
        self.assertEqual({'image': 'cirros', 'flavor': 'm1.tiny',
                          'provider': 'conoha'}, call.json())
        self.assertEqual('application/json', call.headers['Content-Type'])

    def test_get(self):
        self.requests.get(QUEUES + '1/', json=oms_fixtures.ORIGINAL_QUEUE)
        entry = self.queues.get(1)
        self.assertEqual('RUN', entry.status)
        self.assertEqual('2016-08-09T02:29:34.461432Z', entry.regist_datetime)
        self.assertEqual('133.130.111.194', entry.instance['ip_addr'])
        self.assertEqual('conoha', entry.instance['account']['provider'])

    def test_get_keeps_the_key_out_of_sight(self):
        self.requests.get(QUEUES + '1/', json=oms_fixtures.ORIGINAL_QUEUE)
        entry = self.queues.get(1)
        self.assertNotIn('key_raw', entry.instance)
        self.assertNotIn('key_raw', entry.to_dict()['instance'])
        self.assertNotIn('PRIVATE KEY', repr(entry))
        self.assertEqual(oms_fixtures.PRIVATE_KEY, entry.to_dict(
            include_secrets=True)['instance']['key_raw'])

    def test_ids_that_change_the_path_are_refused(self):
        for bad in ('a/b', '..', '.', '', '1?limit=1', '1#x', ' 1', None):
            exc = self.assertRaises(exceptions.InvalidId, self.queues.get,
                                    bad)
            self.assertIsInstance(exc, ValueError)
            self.assertRaises(exceptions.InvalidId, self.queues.delete, bad)
        self.assertEqual([], self.requests.request_history)

    def test_get_quotes_the_id(self):
        self.requests.get(QUEUES + 'a%40b/', status_code=404,
                          json=oms_fixtures.NOT_FOUND)
        self.assertRaises(exceptions.NotFound, self.queues.get, 'a@b')

    def test_get_not_found(self):
        self.requests.get(QUEUES + '7/', status_code=404,
                          json=oms_fixtures.NOT_FOUND)
        exc = self.assertRaises(exceptions.NotFound, self.queues.get, 7)
        self.assertEqual('Not found. (HTTP 404)', str(exc))

    def test_delete(self):
        self.requests.delete(QUEUES + '1/', status_code=204)
        self.assertIsNone(self.queues.delete(1))
        self.assertEqual(1, len(self.calls('DELETE', '/api/queues/1/')))

    def test_delete_method_not_allowed(self):
        self.requests.delete(QUEUES + '1/', status_code=405,
                             json={'detail': 'Method "DELETE" not allowed.'})
        exc = self.assertRaises(exceptions.MethodNotAllowed,
                                self.queues.delete, 1)
        self.assertEqual('Method "DELETE" not allowed. (HTTP 405)', str(exc))


class TestWait(oms_fixtures.TestCase):

    def setUp(self):
        super().setUp()
        self.clock = self.use_fake_clock()
        self.queues = self.make_client().queues

    def answers(self, *statuses, fault=None):
        self.requests.get(QUEUES + '5/', [
            {'json': dict(oms_fixtures.queue(5, status), fault=fault)}
            for status in statuses])

    def test_wait_until_run(self):
        self.answers('REQUEST', 'RECIVE', 'RECIVE', 'BOOT', 'RUN')
        seen = []
        entry = self.queues.wait(5, interval=3,
                                 callback=lambda q: seen.append(q.status))
        self.assertEqual('RUN', entry.status)
        self.assertEqual(['REQUEST', 'RECIVE', 'BOOT', 'RUN'], seen)
        self.assertEqual([3, 3, 3, 3], self.clock.sleeps)

    def test_wait_old_statuses(self):
        self.answers('queueing', 'booting', 'running')
        self.assertEqual('running', self.queues.wait(5).status)

    def test_failed(self):
        self.answers('REQUEST', 'FAILED', fault='every provider refused')
        exc = self.assertRaises(exceptions.ResourceFailed, self.queues.wait,
                                5)
        self.assertEqual('Queue entry 5 is FAILED: every provider refused',
                         str(exc))
        self.assertEqual('FAILED', exc.details['status'])
        self.assertNotIn('key_raw', exc.details['instance'])

    def test_failed_lower_case(self):
        self.answers('failed')
        self.assertRaises(exceptions.ResourceFailed, self.queues.wait, 5)

    def test_timeout(self):
        self.answers('BOOT')
        exc = self.assertRaises(exceptions.WaitTimeout, self.queues.wait, 5,
                                timeout=10, interval=4)
        self.assertEqual('Queue entry 5 is still BOOT after 10 seconds '
                         '(waiting for RUN)', str(exc))
        self.assertEqual([4, 4, 2], self.clock.sleeps)

    def test_other_statuses(self):
        self.answers('RUN', 'DESTROY')
        self.assertEqual('DESTROY', self.queues.wait(
            5, statuses=['DESTROY']).status)

    def test_wait_for_delete(self):
        self.requests.get(QUEUES + '5/', [
            {'json': oms_fixtures.queue(5, 'DESTROY')},
            {'json': oms_fixtures.queue(5, 'DESTROY')},
            {'status_code': 404, 'json': oms_fixtures.NOT_FOUND}])
        seen = []
        self.assertIsNone(self.queues.wait_for_delete(
            5, callback=lambda q: seen.append(q.status)))
        self.assertEqual(['DESTROY', 'DESTROY'], seen)
        self.assertEqual(3, len(self.calls('GET')))

    def test_wait_for_delete_timeout(self):
        self.answers('DESTROY')
        exc = self.assertRaises(exceptions.WaitTimeout,
                                self.queues.wait_for_delete, 5, timeout=5)
        self.assertEqual('Queue entry 5 still exists after 5 seconds',
                         str(exc))


class TestRequirements(oms_fixtures.TestCase):

    def setUp(self):
        super().setUp()
        self.queues = self.make_client().queues
        self.requests.post(QUEUES, status_code=201,
                           json=oms_fixtures.CHOSEN_QUEUE)

    def use_root(self, root):
        self.requests.get(oms_fixtures.API + '/', json=root)

    def test_sent_with_the_other_options(self):
        self.use_root(oms_fixtures.REFERENCE_ROOT)
        entry = self.queues.create(
            image='ubuntu', min_ram=4096, min_vcpus=0, min_disk=20,
            image_properties={'os_distro': 'ubuntu', 'os_version': '22.04'})
        self.assertEqual({'image': 'ubuntu', 'min_ram': 4096,
                          'min_vcpus': 0, 'min_disk': 20,
                          'image_properties': {'os_distro': 'ubuntu',
                                               'os_version': '22.04'}},
                         self.calls('POST')[0].json())
        self.assertEqual({'id': '3', 'name': 'm1.medium'},
                         entry.instance['flavor'])
        self.assertEqual('no_flavor', entry.skipped[0]['reason'])

    def test_the_root_is_read_once_per_client(self):
        self.use_root(oms_fixtures.REFERENCE_ROOT)
        self.queues.create(min_ram=1)
        self.queues.create(image_properties={'os_distro': 'ubuntu'})
        self.assertEqual(1, len(self.calls('GET', '/api/')))
        self.assertEqual(2, len(self.calls('POST')))

    def test_no_requirement_reads_no_root(self):
        self.queues.create(image='cirros')
        self.assertEqual([], self.calls('GET'))

    def test_original_server_is_refused_before_anything_is_created(self):
        self.use_root(oms_fixtures.ORIGINAL_ROOT)
        for name, value in (('min_ram', 4096), ('min_vcpus', 2),
                            ('min_disk', 0),
                            ('image_properties', {'os_distro': 'ubuntu'})):
            error = self.assertRaises(exceptions.NotSupported,
                                      self.queues.create, **{name: value})
            self.assertEqual(
                'the OpenMultiStack service at http://oms.test/api does not '
                'support %s (it has no requirement-based choice)' % name,
                str(error))
        self.assertEqual([], self.calls('POST'))

    def test_bad_values_are_refused_before_any_request(self):
        for kwargs, message in (
                ({'min_ram': -1}, "Invalid min_ram: -1 is not a whole "
                 "number from 0 to 2147483647"),
                ({'min_vcpus': 2 ** 31}, 'Invalid min_vcpus: 2147483648'),
                ({'min_disk': True}, 'Invalid min_disk: True'),
                ({'min_ram': 1.5}, 'Invalid min_ram: 1.5'),
                ({'min_ram': '4096'}, "Invalid min_ram: '4096'"),
                ({'image_properties': 'os_distro=ubuntu'},
                 'Invalid image_properties: expected a mapping'),
                ({'image_properties': {'k%d' % i: 'v' for i in range(21)}},
                 'Invalid image_properties: 21 properties given, at most '
                 '20'),
                ({'image_properties': {'os distro': 'ubuntu'}},
                 "Invalid image_properties key 'os distro': a key is 1 to "
                 "255 letters, digits or any of _ . : -"),
                ({'image_properties': {'': 'x'}},
                 "Invalid image_properties key ''"),
                ({'image_properties': {'k' * 256: 'x'}},
                 'Invalid image_properties key'),
                ({'image_properties': {'os_distro': ''}},
                 "Invalid image_properties value '' of os_distro"),
                ({'image_properties': {'os_distro': 'x' * 256}},
                 'Invalid image_properties value'),
                ({'image_properties': {'os_distro': 'a\nb'}},
                 "Invalid image_properties value 'a\\nb' of os_distro"),
                ({'image_properties': {'os_version': 22}},
                 'Invalid image_properties value 22')):
            error = self.assertRaises(exceptions.InvalidRequirement,
                                      self.queues.create, **kwargs)
            self.assertIsInstance(error, ValueError)
            self.assertIn(message, str(error))
            self.assertEqual(1, len(str(error).splitlines()))
        self.assertEqual([], self.requests.request_history)

    def test_bounds_are_accepted(self):
        self.use_root(oms_fixtures.REFERENCE_ROOT)
        properties = {'k%d' % i: 'v' * 255 for i in range(19)}
        properties['A-z0.9_:' + 'k' * 247] = 'x'
        self.queues.create(min_ram=2 ** 31 - 1, min_vcpus=0,
                           image_properties=properties)
        self.assertEqual(properties,
                         self.calls('POST')[0].json()['image_properties'])

    def test_entry_of_a_wrong_shape(self):
        self.use_root(oms_fixtures.REFERENCE_ROOT)
        self.requests.post(QUEUES, status_code=201, json=dict(
            oms_fixtures.CHOSEN_QUEUE, skipped='b: quota'))
        error = self.assertRaises(exceptions.InvalidResponse,
                                  self.queues.create, min_ram=1)
        self.assertIn("skipped is a text ('b: quota'), not a list or null",
                      str(error))
