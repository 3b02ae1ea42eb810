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

import errno
import os
import stat

import fixtures
from osc_lib import exceptions as osc_exc
import testtools

from omsclient.osc.v1 import keyfile


class TestWritePrivate(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.path = os.path.join(self.dir, 'key')

    def test_new_file(self):
        keyfile.write_private(self.path, 'secret\n')
        with open(self.path) as f:
            self.assertEqual('secret\n', f.read())
        self.assertEqual(0o600, stat.S_IMODE(os.stat(self.path).st_mode))

    def test_file_appearing_after_the_check_is_not_overwritten(self):
        keyfile.check_target(self.path)
        with open(self.path, 'w') as f:
            f.write('theirs')
        error = self.assertRaises(osc_exc.CommandError,
                                  keyfile.write_private, self.path, 'mine')
        self.assertIn('already exists', str(error))
        with open(self.path) as f:
            self.assertEqual('theirs', f.read())

    def test_failed_write_leaves_nothing(self):
        self.useFixture(fixtures.MockPatch(
            'os.fsync', side_effect=OSError(errno.ENOSPC,
                                            'No space left on device')))
        for replace in (False, True):
            error = self.assertRaises(osc_exc.CommandError,
                                      keyfile.write_private, self.path,
                                      'secret', replace=replace)
            self.assertEqual('Unable to write %s: No space left on device'
                             % self.path, str(error))
            self.assertEqual([], os.listdir(self.dir))

    def test_failed_replace_keeps_the_old_file(self):
        with open(self.path, 'w') as f:
            f.write('old')
        self.useFixture(fixtures.MockPatch(
            'os.replace', side_effect=OSError(errno.EXDEV,
                                              'Invalid cross-device link')))
        self.assertRaises(osc_exc.CommandError, keyfile.write_private,
                          self.path, 'new', replace=True)
        self.assertEqual(['key'], os.listdir(self.dir))
        with open(self.path) as f:
            self.assertEqual('old', f.read())

    def test_file_replaced_by_a_fifo_meanwhile_is_kept(self):
        keyfile.check_target(self.path)
        os.mkfifo(self.path)
        error = self.assertRaises(osc_exc.CommandError,
                                  keyfile.write_private, self.path, 'new',
                                  replace=True)
        self.assertEqual('%s is a FIFO; refusing to replace it' % self.path,
                         str(error))
        self.assertEqual(['key'], os.listdir(self.dir))
