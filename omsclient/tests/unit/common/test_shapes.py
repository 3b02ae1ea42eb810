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

import itertools

import testtools

from omsclient.common import shapes
from omsclient.common import utils

CUSTOM = shapes.Kind(lambda value: value is None or value == [],
                     'null or an empty list')
SHAPE = shapes.Shape({
    'id': shapes.NUMBER, 'name': shapes.TEXT | shapes.NULL,
    'when': shapes.DATE, 'until': shapes.DATE | shapes.NULL,
    'flag': shapes.BOOLEAN, 'custom': CUSTOM | shapes.OBJECT,
    'nested': shapes.Shape({'n': shapes.NUMBER | shapes.NULL},
                           required=('n',))}, required=('id',))
VALUES = [None, True, 0, 1, 2.5, 'x', [], [1], {}, {'n': 1}, {'n': 'x'},
          '2016-08-09T02:29:34.461432Z', '2016-08-09T02:29:34Z',
          '2016-08-09Z', '2016-08-09T12Z', ' 2016-08-09T02:29:34Z ',
          '2016-08-09T02:29:34+09:00', '2016-08-09T02:29:34',
          '9999-12-31T23:59:59-23:59', '2016-13-09T02:29:34Z']
DATES = [v for v in VALUES if isinstance(v, str)]


class TestShape(testtools.TestCase):

    def test_quick_date_test_agrees_with_the_parse(self):
        for value in DATES + VALUES:
            self.assertEqual(utils.parse_datetime(value) is not None,
                             shapes.DATE.test(value), value)

    def test_fits_when_and_only_when_there_is_no_problem(self):
        fields = ['id', 'name', 'when', 'until', 'flag', 'custom', 'nested']
        base = {'id': 1, 'name': 'a', 'when': '2016-08-09T02:29:34Z',
                'until': None,
                'flag': False, 'custom': [], 'nested': {'n': 1}}
        self.assertTrue(SHAPE.fits(base))
        for field, value in itertools.product(fields, VALUES + ['absent']):
            entry = dict(base)
            if value == 'absent':
                del entry[field]
            else:
                entry[field] = value
            problem = SHAPE.problem(entry)
            self.assertEqual(problem is None, SHAPE.fits(entry),
                             (field, value, problem))

    def test_all_fit_when_and_only_when_each_fits(self):
        fields = ['id', 'name', 'when', 'until', 'flag', 'custom', 'nested']
        base = {'id': 1, 'name': 'a', 'when': '2016-08-09T02:29:34Z',
                'until': None, 'flag': False, 'custom': None,
                'nested': None}
        other = {'id': 2, 'when': '2016-08-09T02:29:34.461432Z',
                 'until': '2016-08-09T02:29:35Z', 'flag': True,
                 'custom': {}, 'nested': {'n': None}}
        self.assertTrue(SHAPE.all_fit([]))
        self.assertTrue(SHAPE.all_fit([base, other, base]))
        for field, value in itertools.product(fields, VALUES + ['absent']):
            entry = dict(other)
            if value == 'absent':
                entry.pop(field, None)
            else:
                entry[field] = value
            self.assertEqual(SHAPE.fits(entry),
                             SHAPE.all_fit([base, entry, other]),
                             (field, value))
        for value in VALUES:
            self.assertEqual(SHAPE.fits(value), SHAPE.all_fit([base, value]),
                             value)

    def test_problem_named(self):
        self.assertEqual(
            'entry 2: nested.n is a text (\'x\'), not a whole number or null',
            SHAPE.problem({'id': 1, 'nested': {'n': 'x'}}, 'entry 2: '))
        self.assertEqual('the answer has no id', SHAPE.problem({}))
        self.assertEqual('the answer is a list, not an object',
                         SHAPE.problem([]))
