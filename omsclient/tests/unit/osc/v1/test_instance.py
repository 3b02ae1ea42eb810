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
import socket
import stat

import fixtures
from osc_lib import exceptions as osc_exc

from omsclient.osc.v1 import instance
from omsclient.tests.unit import fixtures as oms_fixtures
from omsclient.tests.unit.osc.v1 import fakes

INSTANCES = fakes.INSTANCES
INSTANCE = fakes.INSTANCE
KEY = ('-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAsecret\n'
       '-----END RSA PRIVATE KEY-----\n')
PRIVATE_KEY_URL = INSTANCES + '1/private_key/'


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


class TestListInstance(fakes.TestCommand):

    def test_list(self):
        self.requests.get(INSTANCES, json=[INSTANCE])
        (listed,) = self.run_json(instance.ListInstance, [])
        self.assertEqual({'ID': 1, 'Name': '133-130-111-194',
                          'IP Address': '133.130.111.194',
                          'Provider': 'conoha'}, listed)

    def test_long(self):
        self.requests.get(INSTANCES, json=[INSTANCE])
        (listed,) = self.run_json(instance.ListInstance, ['--long'])
        self.assertEqual({'ID': 1, 'Name': '133-130-111-194',
                          'IP Address': '133.130.111.194',
                          'Provider': 'conoha',
                          'Instance ID': INSTANCE['instance_id'],
                          'Key Name': 'gShakAACHA', 'Region': 'tyo1',
                          'Tenant': 'gnct26543406', 'Queue ID': 1},
                         listed)

    def test_filters_and_pages(self):
        self.requests.get(INSTANCES, json=[INSTANCE])
        self.run_json(instance.ListInstance, [
            '--provider', 'conoha', '--region', 'tyo1', '--limit', '5',
            '--marker', '1'])
        self.assertEqual({'provider': ['conoha'], 'region_name': ['tyo1'],
                          'limit': ['5'], 'marker': ['1']},
                         self.calls('GET')[0].qs)

    def test_original_server_lists_instances_of_the_queue(self):
        self.requests.get(INSTANCES, status_code=404,
                          json=oms_fixtures.NOT_FOUND)
        self.requests.get(fakes.QUEUES, json=[
            oms_fixtures.ORIGINAL_QUEUE, oms_fixtures.queue(2, 'BOOT',
                                                            instance=False)])
        for name, output in self.outputs(instance.ListInstance, ['--long'],
                                         fakes.LIST_FORMATS):
            self.assertIn('gShakAACHA', output, name)
            self.assertNotIn('PRIVATE KEY', output, name)
        (listed,) = self.run_json(instance.ListInstance, ['--long'])
        self.assertEqual(1, listed['Queue ID'])


class TestShowInstance(fakes.TestCommand):

    def test_show(self):
        self.requests.get(INSTANCES + '1/', json=INSTANCE)
        shown = self.run_json(instance.ShowInstance, ['1'])
        self.assertEqual(['ID', 'Name', 'Instance ID', 'IP Address',
                          'Key Name', 'Queue ID', 'Account'], list(shown))
        self.assertEqual(INSTANCE['account'], shown['Account'])

    def test_table(self):
        self.requests.get(INSTANCES + '1/', json=INSTANCE)
        output = self.run_command(instance.ShowInstance, ['1'])
        self.assertIn('| Account     | conoha/tyo1 (gnct26543406)', output)

    def test_not_found(self):
        self.requests.get(INSTANCES + '8/', status_code=404,
                          json=oms_fixtures.NOT_FOUND)
        self.requests.get(fakes.API + '/',
                          json=oms_fixtures.REFERENCE_ROOT)
        self.requests.get(INSTANCES, json=[INSTANCE])
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  instance.ShowInstance, ['8'])
        self.assertEqual("Unable to show instance 8: No instance with ID or "
                         "name '8' (HTTP 404)", str(error))

    def test_by_name(self):
        other = dict(INSTANCE, id=2, name='oms-3', instance_id='c0ffee')
        self.requests.get(INSTANCES, json=[INSTANCE, other])
        shown = self.run_json(instance.ShowInstance, ['oms-3'])
        self.assertEqual(2, shown['ID'])
        self.assertEqual('oms-3', shown['Name'])
        # A name is looked for in the list: no request for it as an ID.
        self.assertEqual([INSTANCES], [call.url.split('?')[0]
                                       for call in self.calls('GET')])

    def test_by_provider_instance_id(self):
        self.requests.get(INSTANCES, json=[INSTANCE])
        shown = self.run_json(instance.ShowInstance,
                              [INSTANCE['instance_id']])
        self.assertEqual(1, shown['ID'])

    def test_name_not_unique(self):
        self.requests.get(INSTANCES, json=[
            dict(INSTANCE, id=2, name='web'), dict(INSTANCE, id=5,
                                                   name='web')])
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  instance.ShowInstance, ['web'])
        self.assertEqual("Unable to show instance web: More than one "
                         "instance has the name 'web' (IDs 2, 5): give an "
                         "ID", str(error))

    def test_name_not_found(self):
        self.requests.get(INSTANCES, json=[INSTANCE])
        error = self.assertRaises(osc_exc.CommandError, self.run_command,
                                  instance.ShowInstance, ['oms-3'])
        self.assertEqual("Unable to show instance oms-3: No instance with "
                         "ID or name 'oms-3' (HTTP 404)", str(error))


class TestSaveInstanceKey(fakes.TestCommand):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.path = os.path.join(self.dir, 'id_rsa')

    def answer_key(self, key=KEY):
        self.requests.get(PRIVATE_KEY_URL, json={'key_name': 'gShakAACHA',
                                                 'key_raw': key})

    def save(self, *argv):
        return self.run_command(instance.SaveInstanceKey, ['1'] + list(argv))

    def assert_quiet(self, output):
        self.assertEqual('', output)
        self.assertEqual('', self.app.stderr.getvalue())
        self.assertNotIn('MIIE', self.log.output)

    def test_by_name(self):
        self.answer_key()
        self.requests.get(INSTANCES, json=[
            INSTANCE, dict(INSTANCE, id=2, name='web-1')])
        self.requests.get(INSTANCES + '2/private_key/', json={
            'key_name': 'oms-2', 'key_raw': KEY})
        self.assert_quiet(self.run_command(
            instance.SaveInstanceKey, ['web-1', '--file', self.path]))
        with open(self.path) as key_file:
            self.assertEqual(KEY, key_file.read())
        self.assertEqual(INSTANCES + '2/private_key/',
                         self.requests.last_request.url)

    def test_save_to_new_file(self):
        self.answer_key()
        self.assert_quiet(self.save('--file', self.path))
        with open(self.path) as key_file:
            self.assertEqual(KEY, key_file.read())
        self.assertEqual(0o600, mode_of(self.path))

    def test_mode_with_a_permissive_umask(self):
        self.answer_key()
        old = os.umask(0)
        self.addCleanup(os.umask, old)
        self.save('--file', self.path)
        self.assertEqual(0o600, mode_of(self.path))

    def test_final_newline_added(self):
        self.answer_key(KEY.rstrip('\n'))
        self.save('--file', self.path)
        with open(self.path) as key_file:
            self.assertEqual(KEY, key_file.read())

    def test_existing_file_is_kept(self):
        with open(self.path, 'w') as old:
            old.write('old content')
        self.answer_key()
        error = self.assertRaises(osc_exc.CommandError, self.save,
                                  '--file', self.path)
        self.assertIn('already exists; use --force', str(error))
        with open(self.path) as old:
            self.assertEqual('old content', old.read())
        # The secret is not even fetched.
        self.assertEqual([], self.requests.request_history)

    def test_symlink_is_not_followed(self):
        target = os.path.join(self.dir, 'elsewhere')
        os.symlink(target, self.path)
        self.answer_key()
        self.assertRaises(osc_exc.CommandError, self.save,
                          '--file', self.path)
        self.assertFalse(os.path.exists(target))

    def test_force_replaces_with_mode_0600(self):
        with open(self.path, 'w') as old:
            old.write('old content that is longer than the key ' * 10)
        os.chmod(self.path, 0o644)
        self.answer_key()
        self.assert_quiet(self.save('--file', self.path, '--force'))
        with open(self.path) as key_file:
            self.assertEqual(KEY, key_file.read())
        self.assertEqual(0o600, mode_of(self.path))
        self.assertEqual(['id_rsa'], os.listdir(self.dir))

    def test_force_on_a_new_file(self):
        self.answer_key()
        self.save('--file', self.path, '--force')
        self.assertEqual(0o600, mode_of(self.path))

    def test_failed_retrieval_leaves_no_file(self):
        for status in (404, 500):
            self.requests.get(PRIVATE_KEY_URL, status_code=status,
                              json={'detail': 'Nope.'})
            self.requests.get(fakes.API + '/',
                              json=oms_fixtures.REFERENCE_ROOT)
            error = self.assertRaises(osc_exc.CommandError, self.save,
                                      '--file', self.path)
            self.assertIn('Unable to get the private key of instance 1: '
                          'Nope.', str(error))
            self.assertEqual([], os.listdir(self.dir))

    def test_instance_without_key(self):
        self.answer_key(None)
        error = self.assertRaises(osc_exc.CommandError, self.save,
                                  '--file', self.path)
        self.assertEqual('Instance 1 has no private key', str(error))
        self.assertEqual([], os.listdir(self.dir))

    def test_stdout_only_when_asked(self):
        self.answer_key()
        self.assertEqual(KEY, self.save('--stdout'))
        self.assertEqual([], os.listdir(self.dir))

    def test_original_server_key_from_the_queue(self):
        self.requests.get(PRIVATE_KEY_URL, status_code=404,
                          json=oms_fixtures.NOT_FOUND)
        self.requests.get(fakes.API + '/', json=oms_fixtures.ORIGINAL_ROOT)
        self.requests.get(fakes.QUEUES, json=[oms_fixtures.ORIGINAL_QUEUE])
        self.save('--file', self.path)
        with open(self.path) as key_file:
            self.assertEqual(oms_fixtures.PRIVATE_KEY + '\n',
                             key_file.read())

    def test_parse_errors(self):
        self.assert_parse_error(instance.SaveInstanceKey, ['1'])
        self.assert_parse_error(instance.SaveInstanceKey, [
            '1', '--file', self.path, '--stdout'])
        self.assert_parse_error(instance.SaveInstanceKey,
                                ['--file', self.path])

    def test_force_needs_file(self):
        error = self.assertRaises(osc_exc.CommandError, self.save,
                                  '--stdout', '--force')
        self.assertIn('--force only applies to --file', str(error))
        self.assertEqual([], self.requests.request_history)

    def test_unwritable_directory(self):
        self.answer_key()
        path = os.path.join(self.dir, 'missing', 'id_rsa')
        error = self.assertRaises(osc_exc.CommandError, self.save,
                                  '--file', path)
        self.assertIn('Unable to create %s' % path, str(error))
        self.assertEqual([], os.listdir(self.dir))

    def assert_refused(self, path, message, *options):
        error = self.assertRaises(osc_exc.CommandError, self.save,
                                  '--file', path, *options)
        self.assertEqual(message, str(error))
        # Refused before the secret was asked for.
        self.assertEqual([], self.requests.request_history)

    def test_directory_is_refused_at_once(self):
        for options in ((), ('--force',)):
            self.assert_refused(self.dir, '%s is a directory' % self.dir,
                                *options)

    def test_special_files_are_never_replaced(self):
        fifo = os.path.join(self.dir, 'fifo')
        os.mkfifo(fifo)
        sock_path = os.path.join(self.dir, 'sock')
        sock = socket.socket(socket.AF_UNIX)
        self.addCleanup(sock.close)
        sock.bind(sock_path)
        link = os.path.join(self.dir, 'null-link')
        os.symlink(os.devnull, link)
        for path, kind in ((os.devnull, 'a character device'),
                           (fifo, 'a FIFO'), (sock_path, 'a socket'),
                           (link, 'a character device')):
            for options in ((), ('--force',)):
                self.assert_refused(
                    path, '%s is %s; refusing to replace it' % (path, kind),
                    *options)
        self.assertTrue(stat.S_ISCHR(os.stat(os.devnull).st_mode))
        self.assertEqual(sorted(['fifo', 'sock', 'null-link']),
                         sorted(os.listdir(self.dir)))

    def test_dangling_symlink_is_refused(self):
        os.symlink(os.path.join(self.dir, 'nowhere'), self.path)
        self.assert_refused(
            self.path, '%s is a symbolic link to nothing; refusing to write '
            'through it' % self.path, '--force')
        self.assertFalse(os.path.exists(os.path.join(self.dir, 'nowhere')))

    def test_errors_name_the_given_path(self):
        self.answer_key()
        self.useFixture(fixtures.MockPatch(
            'os.replace', side_effect=OSError(errno.EACCES,
                                              'Permission denied')))
        with open(self.path, 'w') as old:
            old.write('old')
        error = self.assertRaises(osc_exc.CommandError, self.save,
                                  '--file', self.path, '--force')
        self.assertEqual('Unable to write %s: Permission denied' % self.path,
                         str(error))
        self.assertEqual(['id_rsa'], os.listdir(self.dir))
