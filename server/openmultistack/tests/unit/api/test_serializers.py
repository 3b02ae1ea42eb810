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

"""Rows rendered for the API, whatever form the database gives times in."""

import datetime
import json

import testtools

from openmultistack.api import serializers

API_TIME = '2016-08-09T02:29:34.461432Z'


def queue_row(regist, updated=None, instance=None,
              requirements=(None, None, None, None, None)):
    return ((7, 'RUN', regist, 'p', 'img', 'flv', 'vm', 'prov', None,
             updated if updated is not None else regist) +
            requirements + (instance or (None,) * 13))


class TestQueueRow(testtools.TestCase):

    def test_times_in_every_stored_form(self):
        for stored, expected in [
                # SQLite, as SQLAlchemy and db_utcnow write it.
                ('2016-08-09 02:29:34.461432', API_TIME),
                # ISO 8601 with a T, and without microseconds.
                ('2016-08-09T02:29:34.461432', API_TIME),
                ('2016-08-09 02:29:34', '2016-08-09T02:29:34.000000Z'),
                # PostgreSQL: a naive datetime in UTC.
                (datetime.datetime(2016, 8, 9, 2, 29, 34, 461432),
                 API_TIME)]:
            entry = serializers.queue_row(queue_row(stored))
            self.assertEqual(expected, entry['regist_datetime'], stored)
            self.assertEqual(expected, entry['updated_datetime'], stored)

    def test_missing_time_is_null(self):
        entry = serializers.queue_row(queue_row(None, updated=None))
        self.assertIsNone(entry['regist_datetime'])
        self.assertIsNone(entry['updated_datetime'])

    def test_entry_with_instance(self):
        entry = serializers.queue_row(queue_row(
            '2016-08-09 02:29:34.461432',
            instance=(3, 'vm-7', 'uuid', '192.0.2.7', 'key-7', 'prov',
                      'RegionOne', 'tenant', 7, '2', 'm1.small', 'img-id',
                      'ubuntu-24.04')))
        self.assertEqual(
            {'id': 7, 'status': 'RUN', 'regist_datetime': API_TIME,
             'instance': {'id': 3, 'name': 'vm-7', 'instance_id': 'uuid',
                          'ip_addr': '192.0.2.7', 'key_name': 'key-7',
                          'account': {'provider': 'prov',
                                      'region_name': 'RegionOne',
                                      'tenant_name': 'tenant'},
                          'queue_id': 7,
                          'flavor': {'id': '2', 'name': 'm1.small'},
                          'image': {'id': 'img-id', 'name': 'ubuntu-24.04'}},
             'project_id': 'p', 'image': 'img', 'flavor': 'flv',
             'name': 'vm', 'provider': 'prov', 'fault': None,
             'updated_datetime': API_TIME, 'min_ram': None,
             'min_vcpus': None, 'min_disk': None, 'image_properties': {},
             'skipped': []}, entry)
        self.assertEqual(list(entry), list(serializers.queue(
            _Queue())))

    def test_requirements_and_skipped(self):
        skipped = [{'provider': 'a', 'reason': 'no_flavor',
                    'detail': 'no public flavor with at least 9 MB RAM'}]
        entry = serializers.queue_row(queue_row(
            API_TIME, requirements=(4096, 2, None,
                                    '{"os_distro": "ubuntu"}',
                                    json.dumps(skipped))))
        self.assertEqual((4096, 2, None, {'os_distro': 'ubuntu'}, skipped),
                         (entry['min_ram'], entry['min_vcpus'],
                          entry['min_disk'], entry['image_properties'],
                          entry['skipped']))
        self.assertIsNone(entry['instance'])

    def test_empty_and_null_json_are_fresh_empty_values(self):
        for stored in (None, '{}'):
            entry = serializers.queue_row(queue_row(
                API_TIME, requirements=(None, None, None, stored,
                                        None if stored is None else '[]')))
            self.assertEqual(({}, []), (entry['image_properties'],
                                        entry['skipped']))
            entry['image_properties']['k'] = 'v'
        self.assertEqual({}, serializers.queue_row(
            queue_row(API_TIME))['image_properties'])


class _Queue:
    """An ORM-like entry, for the order of the fields."""

    id = 7
    status = 'RUN'
    regist_datetime = updated_datetime = None
    instance = None
    project_id = image = flavor = name = provider = fault = None
    min_ram = min_vcpus = min_disk = image_properties = skipped = None
