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

import testtools

from omsclient.common import secret_fields


class TestSecretFields(testtools.TestCase):

    def test_secret_names(self):
        for name in ('password', 'password_hash', 'key_raw', 'private_key',
                     'token', 'auth_token', 'X-Auth-Token', 'secret',
                     'client_secret', 'adminPass', 'Password',
                     'credentials'):
            self.assertTrue(secret_fields.is_secret(name), name)

    def test_other_names(self):
        for name in ('name', 'key_name', 'tokens_used_x', 'consumer_tag',
                     'hashing_algorithm', 'public_key', 1, None):
            self.assertFalse(secret_fields.is_secret(name), name)

    def test_scrub_at_any_depth(self):
        value = {'a': [{'password': 'p', 'b': 1}],
                 'instance': {'key_raw': 'K', 'name': 'n',
                              'account': {'token': 't', 'provider': 'x'}},
                 'users': [[{'password_hash': 'h', 'name': 'guest'}]]}
        self.assertEqual({'a': [{'b': 1}],
                          'instance': {'name': 'n',
                                       'account': {'provider': 'x'}},
                          'users': [[{'name': 'guest'}]]},
                         secret_fields.scrub(value))
        # The input is left untouched.
        self.assertEqual('K', value['instance']['key_raw'])
