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

import copy

import testtools

from omsclient.common import base
from omsclient.tests.unit import fixtures as oms_fixtures


class Thing(base.Resource):
    write_only_fields = frozenset(['password'])


class TestResource(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.info = copy.deepcopy(oms_fixtures.ORIGINAL_QUEUE)
        self.thing = Thing(None, self.info)

    def test_attributes(self):
        self.assertEqual(1, self.thing.id)
        self.assertEqual('RUN', self.thing.status)
        self.assertEqual('RUN', self.thing.get('status'))
        self.assertIsNone(self.thing.get('fault'))
        self.assertRaises(AttributeError, getattr, self.thing, 'fault')
        self.assertIn('regist_datetime', dir(self.thing))

    def test_items(self):
        self.assertEqual('RUN', self.thing['status'])
        self.assertNotIn('key_raw', self.thing['instance'])
        self.assertRaises(KeyError, lambda: self.thing['fault'])
        self.assertRaises(KeyError, lambda: self.thing['_info'])

    def test_nested_values_without_secrets(self):
        self.assertNotIn('key_raw', self.thing.instance)
        self.assertEqual('gShakAACHA', self.thing.instance['key_name'])

    def test_to_dict(self):
        expected = copy.deepcopy(self.info)
        del expected['instance']['key_raw']
        self.assertEqual(expected, self.thing.to_dict())
        self.assertEqual(self.info, self.thing.to_dict(include_secrets=True))

    def test_to_dict_is_a_copy(self):
        self.thing.to_dict(include_secrets=True)['instance']['name'] = 'x'
        self.assertEqual('133-130-111-194', self.thing.instance['name'])

    def test_repr(self):
        text = repr(self.thing)
        self.assertTrue(text.startswith("<Thing {'id': 1, "))
        self.assertNotIn('PRIVATE KEY', text)

    def test_top_level_secret_by_name_only(self):
        key = Thing(None, {'key_name': 'k', 'key_raw': 'SECRET'})
        self.assertEqual('SECRET', key.key_raw)
        self.assertNotIn('SECRET', repr(key))
        self.assertEqual({'key_name': 'k'}, key.to_dict())

    def test_write_only_never_kept(self):
        thing = Thing(None, {'id': 1, 'password': 'pw'})
        self.assertEqual({'id': 1}, thing.to_dict(include_secrets=True))

    def test_equality(self):
        self.assertEqual(Thing(None, self.info), self.thing)
        self.assertNotEqual(Thing(None, {'id': 1}), self.thing)
        self.assertNotEqual(base.Resource(None, self.info), self.thing)
        self.assertEqual(hash(Thing(None, {'id': 1})), hash(Thing(None, {
            'id': 1, 'x': 2})))


class TestHelpers(testtools.TestCase):

    def test_quote_id(self):
        self.assertEqual('a%2Fb%3F', base.quote_id('a/b?'))
        self.assertEqual('12', base.quote_id(12))
