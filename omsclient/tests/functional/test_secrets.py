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

"""Secrets stay out of every output, every service log, the databases."""

import os
import pathlib
import uuid

import fixtures
import sqlalchemy

from omsclient.tests.functional import base


class SecretsTest(base.TestCase):

    def _logs(self) -> str:
        return ''.join(path.read_text(errors='replace')
                       for path in pathlib.Path(self.stack['logs']).glob(
                           '*.log'))

    def test_account_password(self):
        password = 'pw-%s' % uuid.uuid4().hex
        provider = 'secret-%s' % uuid.uuid4().hex[:8]
        outputs = []
        created = self.openstack_json(
            'multistack account create --provider %s --driver nova '
            '--username u --password %s --auth-url http://127.0.0.1:9/v3 '
            '--tenant-name t --region RegionOne --status unavailable'
            % (provider, password))
        self.addCleanup(self.openstack,
                        'multistack account delete %s' % created['ID'],
                        fail_ok=True)
        outputs.append(str(created))
        new_password = 'pw-%s' % uuid.uuid4().hex
        for command in ('multistack account set --password %s %s'
                        % (new_password, created['ID']),
                        'multistack account show %s -f json' % created['ID'],
                        'multistack account list --long -f json'):
            result = self.openstack(command, options='--debug')
            outputs += [result.stdout, result.stderr]
        engine = sqlalchemy.create_engine(self.stack['postgres']['url'])
        self.addCleanup(engine.dispose)
        with engine.connect() as connection:
            stored = connection.execute(
                sqlalchemy.text('SELECT password FROM accounts '
                                'WHERE id = :id'),
                {'id': created['ID']}).scalar()
        for text in outputs + [self._logs(), stored]:
            self.assertNotIn(password, text)
            self.assertNotIn(new_password, text)

    def test_private_key(self):
        options = ('--os-auth-type none --os-endpoint %s'
                   % self.stack['oms_noauth']['api'])
        entry = self.openstack_json(
            'multistack queue create --wait --timeout 120', cloud=None,
            options=options)
        self.delete_at_cleanup(entry['ID'], None, options)
        path = os.path.join(self.useFixture(fixtures.TempDir()).path, 'key')
        outputs = []
        for command in ('multistack queue show %s -f json' % entry['ID'],
                        'multistack queue list --long -f json',
                        'multistack instance show %s -f json'
                        % entry['Instance']['id'],
                        'multistack instance key save %s --file %s'
                        % (entry['Instance']['id'], path)):
            result = self.openstack(command, cloud=None,
                                    options=options + ' --debug')
            outputs += [result.stdout, result.stderr]
        with open(path) as key_file:
            body = key_file.read().splitlines()[1:-1]
        self.assertTrue(body)
        # The service without Keystone keeps its SQLite file (and its
        # write-ahead log) beside its configuration.
        state = pathlib.Path(self.stack['oms_noauth']['config']).parent
        database = ''.join(path.read_bytes().decode('latin-1')
                           for path in state.glob('*.sqlite*'))
        self.assertIn('oms-%s' % entry['ID'], database)
        for text in outputs + [self._logs(), database]:
            self.assertNotIn('PRIVATE KEY', text)
            for line in body:
                self.assertNotIn(line, text)
