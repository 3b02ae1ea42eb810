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

"""The service behind Keystone keeps its state in PostgreSQL."""

import sqlalchemy

from omsclient.tests.functional import base


class PostgreSQLTest(base.TestCase):

    def test_entries_are_rows_in_postgresql(self):
        url = self.stack['postgres']['url']
        self.assertTrue(url.startswith('postgresql'), url)
        engine = sqlalchemy.create_engine(url)
        self.addCleanup(engine.dispose)

        entry = self.openstack_json('multistack queue create',
                                    cloud='oms-member')
        self.delete_at_cleanup(entry['ID'], 'oms-member')
        with engine.connect() as connection:
            row = connection.execute(
                sqlalchemy.text('SELECT project_id FROM queues '
                                'WHERE id = :id'),
                {'id': entry['ID']}).one()
        self.assertEqual(entry['Project ID'], row.project_id)

        self.openstack('multistack queue delete --wait --timeout 300 %s'
                       % entry['ID'], cloud='oms-member')
        with engine.connect() as connection:
            count = connection.execute(
                sqlalchemy.text('SELECT count(*) FROM queues WHERE id = :id'),
                {'id': entry['ID']}).scalar()
        self.assertEqual(0, count)
