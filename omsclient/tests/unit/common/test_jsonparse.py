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

from omsclient.common import jsonparse

LIST = (b' [1, -2.5e3, "a\\"b\\u00e9]},{", {"x": [true, false, null], '
        b'"y": {}}, -12 , 1e5, [], {"id": 3}] ')
DOCUMENT = (b'{"a": [1, {"b": "],{"}], "results": [{"id": 1}, {"id": 2}], '
            b'"z": {"q": 1e2}}')


def pieces(data, size):
    return iter([data[i:i + size] for i in range(0, len(data), size)])


def parse(data, size=65536, path=('item',)):
    return list(jsonparse.Values(pieces(data, size), path))


def nested(levels):
    return b'[' * levels + b']' * levels


class TestValues(testtools.TestCase):

    def test_every_split_of_a_list(self):
        for size in range(1, len(LIST) + 1):
            self.assertEqual(json.loads(LIST), parse(LIST, size), size)

    def test_every_split_of_a_path(self):
        for size in range(1, len(DOCUMENT) + 1):
            self.assertEqual([{'id': 1}, {'id': 2}],
                             parse(DOCUMENT, size, ('results', 'item')))
            self.assertEqual([json.loads(DOCUMENT)],
                             parse(DOCUMENT, size, ()))

    def test_path_absent(self):
        self.assertEqual([], parse(b'{"other": [1]}', 3, ('results', 'item')))

    def test_count(self):
        values = jsonparse.Values(pieces(b'[1, 2, 3]', 2))
        entries = iter(values)
        self.assertEqual([1, 2], [next(entries), next(entries)])
        self.assertEqual(2, values.count)

    def test_empty_list_and_byte_order_mark(self):
        self.assertEqual([], parse(b' [ ] '))
        self.assertEqual([1], parse(b'\xef\xbb\xbf[1]', 1))

    def assertMalformed(self, data, message):
        for size in (1, 4, 65536):
            exc = self.assertRaises(jsonparse.Malformed, parse, data, size)
            self.assertIn(message, str(exc))

    def test_malformed(self):
        self.assertMalformed(b'[1,]', 'expected a value')
        self.assertMalformed(b'[1 2]', "expected ',' or ']'")
        self.assertMalformed(b'[1]x', 'unexpected text after the document')
        self.assertMalformed(b'["a\nb"]', 'Invalid control character')

    def test_truncated(self):
        for data in (b'', b'[', b'[{"a": 1}', b'[1,', b'["abc', b'[12'):
            self.assertMalformed(data, 'the document ends before its end')

    def assertRefused(self, data, message, path=('item',)):
        for size in (1, 4, 7, 65536):
            exc = self.assertRaises(jsonparse.Refused, parse, data, size,
                                    path)
            self.assertEqual(message, str(exc))

    def test_not_a_number_refused(self):
        for constant in (b'NaN', b'Infinity', b'-Infinity'):
            self.assertRefused(
                b'[{"a": ' + constant + b'}]',
                'it is not valid JSON: a value JSON does not allow (such '
                'as NaN or Infinity)')

    def test_numbers_beyond_64_bits_refused(self):
        for number, message in (
                (b'9223372036854775808',
                 'it holds an integer beyond 64 bits (9223372036854775808)'),
                (b'-9223372036854775809', 'it holds an integer beyond 64 '
                 'bits (-9223372036854775809)'),
                (b'1' + b'0' * 400, 'it holds an integer beyond 64 bits '
                 '(100000000000... of 401 characters)'),
                (b'1' + b'0' * 5000, 'it holds an integer beyond 64 bits '
                 '(100000000000... of 5001 characters)'),
                (b'18446744073709551615',
                 'it holds an integer beyond 64 bits (18446744073709551615)'),
                (b'18446744073709551616',
                 'it holds an integer beyond 64 bits (18446744073709551616)'),
                (b'1e999', 'it holds a number beyond the range of a float '
                 '(1e999)'),
                (b'-1e999', 'it holds a number beyond the range of a float '
                 '(-1e999)')):
            self.assertRefused(b'[{"id": 1}, {"a": [' + number + b']}]',
                               message)
            self.assertRefused(b'{"a": ' + number + b'}', message, ())

    def test_numbers_within_64_bits_and_long_digit_texts_kept(self):
        data = (b'[9223372036854775807, -9223372036854775808, '
                b'"12345678901234567890123", 1.2345678901234567890123]')
        for size in range(1, len(data) + 1):
            self.assertEqual(json.loads(data), parse(data, size))

    def test_long_digit_runs_outside_integers_kept(self):
        data = (b'[{"12345678901234567890123": "x\\\\"}, '
                b'"a\\"12345678901234567890123", 1e0000000000000000000001, '
                b'0.00000000000000000000001, 1.5E+0000000000000000000002]')
        for size in (1, 7, 65536):
            self.assertEqual(json.loads(data), parse(data, size))

    def test_lone_surrogate_malformed(self):
        self.assertMalformed(b'["\\ud800"]', 'surrogate')

    def test_invalid_utf8_refused(self):
        self.assertRefused(b'[{"a": "\xff\xfe"}]',
                           'text that is not valid UTF-8')
        self.assertRefused(b'["caf\xc3', 'text that is not valid UTF-8')

    def test_depth_bound(self):
        self.assertEqual([json.loads(nested(99))],
                         parse(b'[' + nested(99) + b']', 7))
        self.assertEqual([json.loads(nested(100))],
                         parse(nested(100), 7, ()))
        self.assertRefused(b'[' + nested(100) + b']',
                           'it is nested deeper than 100 levels')
        self.assertRefused(nested(101), 'it is nested deeper than 100 levels',
                           ())

    def test_brackets_in_texts_do_not_count(self):
        text = b'"' + b'[' * 300 + b'"'
        self.assertEqual([[json.loads(text)]],
                         parse(b'[[' + text + b']]', 64))

    def test_very_deep_refused_at_once(self):
        self.assertRefused(nested(200000), 'it is nested deeper than 100 '
                           'levels', ())
        self.assertRefused(nested(200000), 'it is nested deeper than 100 '
                           'levels')

    def test_loads(self):
        self.assertEqual({'a': [1]}, jsonparse.loads(b'{"a": [1]}'))
        self.assertRaises(ValueError, jsonparse.loads, b'{"a": NaN}')
        self.assertRaises(ValueError, jsonparse.loads, b'')
