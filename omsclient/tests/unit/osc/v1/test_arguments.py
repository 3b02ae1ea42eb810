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

"""Arguments the API would refuse are refused before any request."""

from osc_lib import exceptions as osc_exc

from omsclient.osc.v1 import account
from omsclient.osc.v1 import instance
from omsclient.osc.v1 import queue
from omsclient.tests.unit.osc.v1 import fakes

BAD_IDS = ('', '.', '..', 'a/b', '../accounts', '1?x=1', '1#x', ' 1',
           'a b', '1\t', 'a\\b', '%2e%2e', '\x1b[2J')


class TestIds(fakes.TestCommand):

    def assert_refused(self, command_class, argv):
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  command_class, argv)
        self.assertEqual([], self.requests.request_history)
        message = str(error)
        self.assertEqual(1, len(message.splitlines()), message)
        self.assertNotIn('\x1b', message)
        return message

    def test_queue_show(self):
        for bad in BAD_IDS:
            message = self.assert_refused(queue.ShowQueue, [bad])
            self.assertIn('Invalid ID', message)
        self.assertEqual(
            "Unable to show queue entry ..: Invalid ID '..': an ID cannot "
            "be empty, \".\" or \"..\"",
            self.assert_refused(queue.ShowQueue, ['..']))
        self.assertEqual(
            "Unable to show queue entry a/b: Invalid ID 'a/b': an ID is a "
            "number or a name without white space, control characters or "
            "any of / \\ ? # %",
            self.assert_refused(queue.ShowQueue, ['a/b']))

    def test_queue_delete(self):
        for bad in BAD_IDS:
            self.assert_refused(queue.DeleteQueue, [bad])
            self.assertIn('Failed to delete queue entry', self.log.output)

    def test_account_show_set_delete(self):
        for bad in BAD_IDS:
            self.assert_refused(account.ShowAccount, [bad])
            self.assert_refused(account.SetAccount, [bad, '--region', 'r'])
            self.assert_refused(account.DeleteAccount, [bad])

    def test_instance_show_and_key(self):
        for bad in BAD_IDS:
            self.assert_refused(instance.ShowInstance, [bad])
            self.assert_refused(instance.SaveInstanceKey, [bad, '--stdout'])

    def test_good_ids_are_sent(self):
        self.requests.get(fakes.INSTANCES, json=[
            dict(fakes.INSTANCE, instance_id='bec7c0ea-2262')])
        self.run_command(instance.ShowInstance, ['bec7c0ea-2262'])
        self.requests.get(fakes.ACCOUNTS, json=[fakes.ACCOUNT])
        self.run_command(account.ShowAccount, ['conoha'])


class TestLimitAndMarker(fakes.TestCommand):

    LISTERS = (queue.ListQueue, account.ListAccount, instance.ListInstance)

    def test_beyond_the_range_of_the_api(self):
        for lister in self.LISTERS:
            for argv in (['--limit', '2147483648'], ['--limit', '0'],
                         ['--limit', '-2'], ['--marker', '0'],
                         ['--marker', '-1'], ['--marker', '2147483648'],
                         ['--marker', 'abc'], ['--marker', '']):
                error = self.assertRaises(osc_exc.CommandError,
                                          self.run_command, lister, argv)
                self.assertRegex(str(error), r'^Invalid --(limit|marker): '
                                 r'.* is not a whole number from 1 to '
                                 r'2147483647$')
        self.assertEqual([], self.requests.request_history)

    def test_not_a_number(self):
        for lister in self.LISTERS:
            self.assert_parse_error(lister, ['--limit', 'all'])

    def test_limit_minus_one_lists_everything(self):
        for lister, url in zip(self.LISTERS, (fakes.QUEUES, fakes.ACCOUNTS,
                                              fakes.INSTANCES)):
            self.requests.get(url, json=[])
            self.run_command(lister, ['--limit', '-1'])
            self.assertEqual({}, self.requests.last_request.qs)

    def test_bounds_are_accepted(self):
        for lister, url in zip(self.LISTERS, (fakes.QUEUES, fakes.ACCOUNTS,
                                              fakes.INSTANCES)):
            self.requests.get(url, json=[])
            self.run_command(lister, ['--limit', '2147483647',
                                      '--marker', '1'])
            self.assertEqual({'limit': ['2147483647'], 'marker': ['1']},
                             self.requests.last_request.qs)
