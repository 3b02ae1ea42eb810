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

from omsclient.common import exceptions
from omsclient.tests.unit import fixtures as oms_fixtures
from omsclient.v1 import instances

INSTANCES = oms_fixtures.API + '/instances/'
QUEUES = oms_fixtures.QUEUES
INSTANCE = {k: v for k, v in oms_fixtures.ORIGINAL_QUEUE['instance'].items()
            if k != 'key_raw'}
HTML_404 = {'status_code': 404, 'text': '<html>Not Found</html>',
            'headers': {'Content-Type': 'text/html'}}


class TestInstances(oms_fixtures.TestCase):
    """The reference service: ``/api/instances/``."""

    def setUp(self):
        super().setUp()
        self.instances = self.make_client().instances
        self.requests.get(oms_fixtures.API + '/',
                          json=oms_fixtures.REFERENCE_ROOT)

    def test_list(self):
        self.requests.get(INSTANCES, json=[dict(INSTANCE, queue_id=1),
                                           dict(INSTANCE, id=2, queue_id=4)])
        found = list(self.instances.list())
        self.assertEqual([(1, 1), (2, 4)], [(i.id, i.queue_id)
                                            for i in found])
        self.assertIsInstance(found[0], instances.Instance)
        self.assertEqual([], self.calls('GET', '/api/queues/'))

    def test_get(self):
        self.requests.get(INSTANCES + '1/', json=INSTANCE)
        self.assertEqual('133.130.111.194', self.instances.get(1).ip_addr)

    def test_get_missing(self):
        self.requests.get(INSTANCES + '9/', status_code=404,
                          json=oms_fixtures.NOT_FOUND)
        self.assertRaises(exceptions.NotFound, self.instances.get, 9)
        self.assertEqual([], self.calls('GET', '/api/queues/'))

    def test_private_key(self):
        self.requests.get(INSTANCES + '1/private_key/',
                          json={'key_name': 'gShakAACHA',
                                'key_raw': oms_fixtures.PRIVATE_KEY})
        key = self.instances.get_private_key(1)
        self.assertIsInstance(key, instances.PrivateKey)
        self.assertEqual(('gShakAACHA', oms_fixtures.PRIVATE_KEY),
                         (key.key_name, key.key_raw))
        self.assertNotIn('PRIVATE', repr(key))
        self.assertEqual({'key_name': 'gShakAACHA'}, key.to_dict())

    def test_private_key_forbidden(self):
        self.requests.get(INSTANCES + '1/private_key/', status_code=403,
                          json={'detail': 'Forbidden.'})
        self.assertRaises(exceptions.Forbidden,
                          self.instances.get_private_key, 1)


def instance_on(number, provider, region_name='tyo1'):
    """Instance ``number`` of the original shape, booted on ``provider``."""
    return dict(INSTANCE, id=number, queue_id=number, account=dict(
        INSTANCE['account'], provider=provider, region_name=region_name))


class TestInstanceList(oms_fixtures.TestCase):
    """Filters and pages with the reference service, old and new."""

    FILTERS = {name: (lambda entry, name=name: entry['account'][name])
               for name in ('provider', 'region_name')}

    def serve(self, filters=FILTERS, max_limit=None):
        self.server = oms_fixtures.FakeListServer(
            [instance_on(1, 'a'), instance_on(2, 'b', 'tyo2'),
             instance_on(3, 'a', 'tyo2'), instance_on(4, 'a')],
            filters, max_limit=max_limit)
        self.requests.get(INSTANCES, json=self.server)
        return self.make_client().instances

    def ids(self, instances, **kwargs):
        return [instance.id for instance in instances.list(**kwargs)]

    def test_filters_are_sent(self):
        instances = self.serve()
        self.assertEqual([3], self.ids(instances, provider='a',
                                       region_name='tyo2'))
        self.assertEqual([{'provider': ['a'], 'region_name': ['tyo2']}],
                         self.server.queries)

    def test_filters_ignored_by_the_server(self):
        instances = self.serve(filters={})
        self.assertEqual([1, 3, 4], self.ids(instances, provider='a'))
        self.assertEqual([2, 3], self.ids(instances, region_name='tyo2'))

    def test_pages_until_the_limit(self):
        instances = self.serve(max_limit=1)
        self.assertEqual([3, 4], self.ids(instances, provider='a',
                                          limit=5, marker=1))
        self.assertEqual([{'provider': ['a'], 'limit': ['5'],
                           'marker': ['1']},
                          {'provider': ['a'], 'limit': ['4'],
                           'marker': ['3']},
                          {'provider': ['a'], 'limit': ['3'],
                           'marker': ['4']}], self.server.queries)


class TestInstancesOnOriginalServer(oms_fixtures.TestCase):
    """The original service: instances live inside the queue entries."""

    def setUp(self):
        super().setUp()
        self.instances = self.make_client().instances
        self.requests.get(oms_fixtures.API + '/',
                          json=oms_fixtures.ORIGINAL_ROOT)
        self.requests.get(INSTANCES, **HTML_404)
        self.requests.get(QUEUES, json=[
            oms_fixtures.queue(1), oms_fixtures.queue(2, 'REQUEST', False),
            oms_fixtures.queue(3)])

    def test_list(self):
        found = list(self.instances.list())
        self.assertEqual([(1, 1), (3, 3)], [(i.id, i.queue_id)
                                            for i in found])
        for instance in found:
            self.assertNotIn('key_raw', instance.to_dict())
            self.assertNotIn('PRIVATE', repr(instance))

    def test_list_filters_and_pages(self):
        self.requests.get(QUEUES, json=[
            oms_fixtures.queue(1), oms_fixtures.queue(2),
            dict(oms_fixtures.queue(3), instance=instance_on(3, 'a')),
            oms_fixtures.queue(4)])
        found = self.instances.list(provider='conoha', marker='1', limit=2)
        self.assertEqual([2, 4], [instance.id for instance in found])
        self.assertEqual([], list(self.instances.list(provider='a',
                                                      limit=0)))

    def test_get(self):
        self.requests.get(INSTANCES + '3/', **HTML_404)
        self.assertEqual(3, self.instances.get(3).queue_id)

    def test_get_by_provider_instance_id(self):
        uuid = oms_fixtures.ORIGINAL_QUEUE['instance']['instance_id']
        self.requests.get(INSTANCES + uuid + '/', **HTML_404)
        self.assertEqual(1, self.instances.get(uuid).id)

    def test_get_missing(self):
        self.requests.get(INSTANCES + '2/', **HTML_404)
        exc = self.assertRaises(exceptions.NotFound, self.instances.get, 2)
        self.assertEqual('Instance 2 not found (HTTP 404)', str(exc))

    def test_private_key(self):
        self.requests.get(INSTANCES + '3/private_key/', **HTML_404)
        key = self.instances.get_private_key(3)
        self.assertEqual(('gShakAACHA', oms_fixtures.PRIVATE_KEY + '3'),
                         (key.key_name, key.key_raw))

    def test_private_key_missing(self):
        self.requests.get(INSTANCES + '1/private_key/', **HTML_404)
        self.requests.get(QUEUES, json=[dict(oms_fixtures.queue(1),
                                             instance=INSTANCE)])
        exc = self.assertRaises(exceptions.NotFound,
                                self.instances.get_private_key, 1)
        self.assertIn('Instance 1 has no private key', str(exc))
