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


"""/api/queues/ over HTTP."""

from concurrent import futures
import datetime
import json
import multiprocessing
import time

import fixtures
from oslo_db import exception as db_exc
import sqlalchemy as sa
from werkzeug import test as wz_test

from openmultistack.api import app
from openmultistack.api import queues
from openmultistack.api import serializers
from openmultistack.db import api as db_api
from openmultistack.db import events
from openmultistack.db import models
from openmultistack.db import types as db_types
from openmultistack.tests.unit.api import base


class TestQueues(base.APITestCase):

    def test_root_lists_absolute_urls(self):
        data = self.assertJSON(self.request('GET', '/api/'), 200)
        self.assertEqual(base.BASE + '/api/queues/', data['queues'])
        self.assertEqual(base.BASE + '/api/accounts/', data['accounts'])
        self.assertEqual(base.BASE + '/api/instances/', data['instances'])

    def test_root_honours_public_endpoint(self):
        self.config.config(public_endpoint='https://oms.example/',
                           group='api')
        data = self.assertJSON(self.request('GET', '/api/'), 200)
        self.assertEqual('https://oms.example/api/queues/', data['queues'])

    def test_create_without_body(self):
        response = self.request('POST', '/api/queues/')
        entry = self.assertJSON(response, 201)
        self.assertEqual('REQUEST', entry['status'])
        self.assertIsNone(entry['instance'])
        self.assertIsNone(entry['fault'])
        self.assertEqual('%s/api/queues/%d/' % (base.BASE, entry['id']),
                         response.headers['Location'])
        self.assertTrue(entry['regist_datetime'].endswith('Z'))
        parsed = datetime.datetime.strptime(entry['regist_datetime'],
                                            '%Y-%m-%dT%H:%M:%S.%fZ')
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now.replace(tzinfo=None) - parsed)
                            .total_seconds()), 3600)
        self.assertEqual(models.REQUEST,
                         self.get_row(models.Queue, entry['id']).status)
        self.assertIn('queue %d: REQUEST' % entry['id'],
                      self.event_descs()[-1])

    def test_create_with_fields(self):
        self.add_account(provider='prov-b')
        body = {'image': 'cirros', 'flavor': 'm1.tiny', 'name': ' web ',
                'provider': 'prov-b'}
        entry = self.assertJSON(self.request('POST', '/api/queues/', body),
                                201)
        self.assertEqual(('cirros', 'm1.tiny', 'web', 'prov-b'),
                         (entry['image'], entry['flavor'], entry['name'],
                          entry['provider']))
        row = self.get_row(models.Queue, entry['id'])
        self.assertEqual('web', row.name)
        self.assertEqual('prov-b', row.provider)

    def test_create_with_null_fields(self):
        entry = self.assertJSON(self.request(
            'POST', '/api/queues/', {'image': None}), 201)
        self.assertIsNone(entry['image'])

    def test_create_with_requirements(self):
        body = {'min_ram': 4096, 'min_vcpus': 0, 'min_disk': 2147483647,
                'image_properties': {'os_distro': 'ubuntu',
                                     'os_version': '24.04'}}
        created = self.request('POST', '/api/queues/', body)
        entry = self.assertJSON(created, 201)
        self.assertEqual(body, {name: entry[name] for name in body})
        self.assertEqual([], entry['skipped'])
        row = self.get_row(models.Queue, entry['id'])
        self.assertEqual((4096, 0, 2147483647, body['image_properties']),
                         (row.min_ram, row.min_vcpus, row.min_disk,
                          row.image_properties))
        self.assertEqual('queue %d: REQUEST (image default, flavor default, '
                         'provider any, min_ram 4096 MB, min_vcpus 0, '
                         'min_disk 2147483647 GB, image properties '
                         'os_distro=ubuntu, os_version=24.04)'
                         % entry['id'], self.event_descs()[-1])
        read = self.client.get(created.headers['Location'])
        self.assertEqual(read.get_data(), created.get_data())
        listed = self.assertJSON(self.request('GET', '/api/queues/'), 200)
        self.assertEqual(entry, listed[-1])

    def test_entries_without_requirements_show_them_empty(self):
        entry = self.assertJSON(self.request('POST', '/api/queues/', {
            'min_ram': None, 'image_properties': None}), 201)
        self.assertEqual((None, None, None, {}, []),
                         (entry['min_ram'], entry['min_vcpus'],
                          entry['min_disk'], entry['image_properties'],
                          entry['skipped']))
        row = self.get_row(models.Queue, entry['id'])
        self.assertIsNone(row.image_properties)

    def test_create_with_bad_requirements(self):
        too_many = {'p%d' % n: 'v' for n in range(21)}
        for field, value, message in [
                ('min_ram', -1, 'Ensure this value is greater than or '
                 'equal to 0.'),
                ('min_ram', 2147483648, 'Ensure this value is less than or '
                 'equal to 2147483647.'),
                ('min_vcpus', True, 'A valid integer is required.'),
                ('min_vcpus', 2.0, 'A valid integer is required.'),
                ('min_disk', '20', 'A valid integer is required.'),
                ('image_properties', ['os_distro=ubuntu'],
                 'Expected a dictionary of items but got type "list".'),
                ('image_properties', too_many,
                 'Ensure this field has no more than 20 properties.'),
                ('image_properties', {'os distro': 'ubuntu'},
                 'Invalid property name "os distro": 1 to 255 letters, '
                 'digits, "_", ".", ":" or "-".'),
                ('image_properties', {'k' * 256: 'v'},
                 'Invalid property name "%s": 1 to 255 letters, digits, '
                 '"_", ".", ":" or "-".' % ('k' * 256)),
                ('image_properties', {'os_distro': 24},
                 'Property "os_distro": not a valid string.'),
                ('image_properties', {'os_distro': ''},
                 'Property "os_distro": the value must hold 1 to 255 '
                 'characters.'),
                ('image_properties', {'os_distro': 'u' * 256},
                 'Property "os_distro": the value must hold 1 to 255 '
                 'characters.'),
                ('image_properties', {'os_distro': 'ubu\nntu'},
                 'Property "os_distro": control and surrogate characters '
                 'are not allowed.'),
                ('image_properties', {'os_distro': '\ud800'},
                 'Property "os_distro": control and surrogate characters '
                 'are not allowed.')]:
            data = self.assertJSON(self.request(
                'POST', '/api/queues/', {field: value}), 400)
            self.assertEqual({field: [message]}, data, (field, value))
        self.assertEqual([], self._ids())

    def test_create_unknown_provider(self):
        data = self.assertJSON(self.request(
            'POST', '/api/queues/', {'provider': 'nowhere'}), 400)
        self.assertIn('nowhere', data['provider'][0])
        self.assertEqual([], self._ids())

    def test_create_answers_what_a_get_of_the_entry_answers(self):
        # The answer of a POST is built from what it wrote, not read
        # back: it must still be the entry as stored, to the byte.
        self.add_account(provider='prov-b')
        for body in (None, {'image': 'cirros', 'flavor': 'm1.tiny',
                            'name': ' w\u00e9b \u2603 ', 'provider': 'prov-b'},
                     {'image': None, 'flavor': 'm1.small'}):
            created = self.request('POST', '/api/queues/', body)
            self.assertEqual(201, created.status_code)
            read = self.client.get(created.headers['Location'])
            self.assertEqual(200, read.status_code)
            self.assertEqual(read.get_data(), created.get_data())
            self.assertEqual(read.headers['Content-Type'],
                             created.headers['Content-Type'])

    def test_create_writes_one_event_at_the_entry_time(self):
        entry = self.assertJSON(self.request(
            'POST', '/api/queues/', {'image': 'cirros'}), 201)
        with self.session() as session:
            written = session.execute(sa.select(
                models.Event.desc, models.Event.queue_id,
                models.Event.level, models.Event.time)).all()
        self.assertEqual([('queue %d: REQUEST (image cirros, flavor default, '
                           'provider any)' % entry['id'], entry['id'],
                           events.INFO)],
                         [tuple(row[:3]) for row in written])
        self.assertEqual(entry['regist_datetime'],
                         serializers.isotime(written[0].time))

    def test_create_writes_nothing_when_refused(self):
        self.assertJSON(self.request(
            'POST', '/api/queues/', {'provider': 'nowhere'}), 400)
        self.assertEqual([], self.event_descs())

    def test_create_without_slash_is_not_a_500(self):
        response = self.request('POST', '/api/queues')
        self.assertEqual(308, response.status_code)
        self.assertEqual(base.BASE + '/api/queues/',
                         response.headers['Location'])
        self.assertEqual([], self._ids())

    def test_list_without_slash_redirects(self):
        response = self.request('GET', '/api/queues?status=RUN')
        self.assertEqual(301, response.status_code)
        self.assertEqual(base.BASE + '/api/queues/?status=RUN',
                         response.headers['Location'])

    def _ids(self, query=''):
        data = self.assertJSON(self.request('GET', '/api/queues/' + query),
                               200)
        return [entry['id'] for entry in data]

    def test_list_in_id_order(self):
        ids = [self.add_queue() for _ in range(5)]
        self.assertEqual(ids, self._ids())

    def test_list_empty(self):
        self.assertEqual([], self._ids())

    def test_list_streams_in_batches(self):
        self.config.config(list_batch_size=2, group='api')
        ids = [self.add_queue() for _ in range(7)]
        response = self.request('GET', '/api/queues/')
        self.assertIsNone(response.content_length)
        self.assertEqual(ids, [e['id'] for e in self.assertJSON(response,
                                                                200)])
        chunks = list(self.client.get('/api/queues/',
                                      buffered=False).response)
        # '[', four batches, ']'
        self.assertEqual(6, len(chunks))

    def test_status_filter(self):
        run = self.add_queue(status=models.RUN)
        self.add_queue(status=models.REQUEST)
        failed = self.add_queue(status=models.FAILED)
        self.assertEqual([run], self._ids('?status=RUN'))
        self.assertEqual([run, failed],
                         self._ids('?status=RUN&status=FAILED'))

    def test_status_filter_legacy_names(self):
        ids = {status: self.add_queue(status=status)
               for status in models.QUEUE_STATUSES}
        for name, status in (('queueing', models.REQUEST),
                             ('booting', models.BOOT),
                             ('running', models.RUN),
                             ('destroying', models.DESTROY),
                             ('failed', models.FAILED)):
            self.assertEqual([ids[status]], self._ids('?status=' + name))
        self.assertEqual([ids[models.RUN], ids[models.FAILED]],
                         self._ids('?status=running&status=FAILED'
                                   '&status=RUN'))

    def test_status_filter_any_case(self):
        ids = {status: self.add_queue(status=status)
               for status in models.QUEUE_STATUSES}
        self.assertEqual([ids[models.RUN]], self._ids('?status=run'))
        self.assertEqual([ids[models.RECIVE]], self._ids('?status=Recive'))
        self.assertEqual([ids[models.FAILED]], self._ids('?status=FAILED'))
        self.assertEqual([ids[models.BOOT]], self._ids('?status=BOOTING'))

    def test_status_filter_unknown(self):
        data = self.assertJSON(self.request(
            'GET', '/api/queues/?status=RUN&status=walking&status='), 400)
        message = data['status'][0]
        self.assertIn('walking', message)
        for valid in models.QUEUE_STATUSES + ('running', 'queueing'):
            self.assertIn(valid, message)

    def test_limit_and_marker(self):
        ids = [self.add_queue() for _ in range(5)]
        self.assertEqual(ids[:2], self._ids('?limit=2'))
        self.assertEqual(ids[2:4], self._ids('?limit=2&marker=%d' % ids[1]))
        self.assertEqual(ids[3:], self._ids('?marker=%d' % ids[2]))
        self.assertEqual([], self._ids('?marker=%d' % ids[4]))

    def test_limit_spans_batches(self):
        self.config.config(list_batch_size=2, group='api')
        ids = [self.add_queue() for _ in range(6)]
        self.assertEqual(ids[1:4], self._ids('?limit=3&marker=%d' % ids[0]))

    def assert_marker_not_found(self, query, marker):
        data = self.assertJSON(self.request('GET', '/api/queues/' + query),
                               400)
        self.assertEqual({'marker': ['Marker %d not found.' % marker]}, data)

    def test_marker_deleted_between_pages(self):
        ids = [self.add_queue() for _ in range(5)]
        self.assertEqual(ids[:2], self._ids('?limit=2'))
        self.assertEqual(204, self.request(
            'DELETE', '/api/queues/%d/' % ids[1]).status_code)
        # As Nova answers: not an empty page that reads as the end.
        self.assert_marker_not_found('?limit=2&marker=%d' % ids[1], ids[1])

    def test_marker_that_never_existed(self):
        ids = [self.add_queue() for _ in range(3)]
        for marker in (0, ids[-1] + 100):
            self.assert_marker_not_found('?marker=%d' % marker, marker)

    def test_marker_with_status_filter(self):
        self.add_queue(status=models.RUN)
        other = self.add_queue(status=models.REQUEST)
        last = self.add_queue(status=models.RUN)
        # The marker is an entry of the list, not of the filtered page.
        self.assertEqual([last], self._ids('?status=RUN&marker=%d' % other))

    def test_provider_and_name_filters(self):
        booted = self.add_queue(status=models.RUN, provider='prov-b')
        asked = self.add_queue(status=models.REQUEST, provider='prov-b',
                               name='web')
        other = self.add_queue(status=models.REQUEST, name='db')
        # Booted on prov-a, whatever was asked for.
        self.add_instance(booted, self.add_account(provider='prov-a'),
                          name='web')
        self.assertEqual([booted], self._ids('?provider=prov-a'))
        self.assertEqual([asked], self._ids('?provider=prov-b'))
        self.assertEqual([asked], self._ids('?provider=prov-b'))
        self.assertEqual([booted, asked],
                         self._ids('?provider=prov-a&provider=prov-b'))
        self.assertEqual([booted, asked], self._ids('?name=web'))
        self.assertEqual([other], self._ids('?name=db'))
        self.assertEqual([asked], self._ids('?name=web&provider=prov-b'))
        self.assertEqual([asked], self._ids('?name=web&status=REQUEST'))
        self.assertEqual([asked], self._ids('?name=web&marker=%d' % booted))
        self.assertEqual([], self._ids('?provider=nowhere'))

    def test_bad_limit_and_marker(self):
        self.add_queue()
        for query, field in (('?limit=0', 'limit'), ('?limit=abc', 'limit'),
                             ('?limit=-3', 'limit'), ('?marker=x', 'marker'),
                             ('?marker=-1', 'marker'),
                             ('?marker=1.5', 'marker'),
                             ('?marker=', 'marker'),
                             ('?marker=99999999999999999999', 'marker'),
                             ('?limit=99999999999999999999', 'limit')):
            data = self.assertJSON(self.request('GET', '/api/queues/' +
                                                query), 400)
            self.assertEqual([field], list(data), query)

    def test_unknown_query_parameters_ignored(self):
        queue_id = self.add_queue()
        self.assertEqual([queue_id], self._ids('?page=2'))

    def test_get(self):
        queue_id = self.add_queue(status=models.BOOT, image='cirros')
        entry = self.assertJSON(self.request(
            'GET', '/api/queues/%d/' % queue_id), 200)
        self.assertEqual((queue_id, 'BOOT', 'cirros'),
                         (entry['id'], entry['status'], entry['image']))

    def test_times_shown_as_stored(self):
        utc = datetime.timezone.utc
        queue_id = self.add_queue(
            regist_datetime=datetime.datetime(2016, 8, 9, 2, 29, 34,
                                              tzinfo=utc),
            updated_datetime=datetime.datetime(2016, 8, 9, 2, 31, 2, 118204,
                                               tzinfo=utc))
        clocked = self.add_queue()
        with self.session() as session:
            session.execute(sa.update(models.Queue).where(
                models.Queue.id == clocked).values(
                    updated_datetime=db_types.db_utcnow()))
            session.commit()
        listed = self.assertJSON(self.request('GET', '/api/queues/'), 200)
        shown = self.assertJSON(self.request(
            'GET', '/api/queues/%d/' % queue_id), 200)
        for entry in (listed[0], shown):
            self.assertEqual(('2016-08-09T02:29:34.000000Z',
                              '2016-08-09T02:31:02.118204Z'),
                             (entry['regist_datetime'],
                              entry['updated_datetime']))
        self.assertEqual(
            serializers.isotime(self.get_row(models.Queue,
                                             clocked).updated_datetime),
            listed[1]['updated_datetime'])

    def test_answers_escape_beyond_ascii_as_before(self):
        created = self.request('POST', '/api/queues/',
                               {'name': 'caf\u00e9 \u2603\x7f'})
        entry = self.assertJSON(created, 201)
        for path in ('/api/queues/', '/api/queues/%d/' % entry['id']):
            body = self.request('GET', path).get_data()
            answer = json.loads(body)
            self.assertEqual(
                json.dumps(answer, separators=(',', ':')).encode('ascii'),
                body.rstrip(b'\n'))
            self.assertIn(b'caf\\u00e9 \\u2603\\u007f', body)

    def test_get_with_instance_hides_key(self):
        account_id = self.add_account()
        queue_id = self.add_queue(status=models.RUN)
        instance_id = self.add_instance(queue_id, account_id)
        response = self.request('GET', '/api/queues/%d/' % queue_id)
        entry = self.assertJSON(response, 200)
        self.assertEqual({'id': instance_id, 'name': 'vm-%d' % queue_id,
                          'instance_id': 'uuid-%d' % queue_id,
                          'ip_addr': '192.0.2.%d' % queue_id,
                          'key_name': 'key-%d' % queue_id,
                          'queue_id': queue_id,
                          'account': {'provider': 'prov-a',
                                      'region_name': 'RegionOne',
                                      'tenant_name': 'tenant'},
                          'flavor': None, 'image': None},
                         entry['instance'])
        self.assertNotIn(b'PRIVATE KEY', response.data)
        self.assertNotIn(b'Secret-Pass', response.data)

    def test_get_unknown_and_bad_ids(self):
        self.add_queue()
        for path in ('/api/queues/99/', '/api/queues/abc/',
                     '/api/queues/-1/', '/api/queues/0/',
                     '/api/queues/1.5/',
                     '/api/queues/99999999999999999999999/'):
            self.assertJSON(self.request('GET', path), 404,
                            {'detail': 'Not found.'})

    def test_put_and_patch_leave_the_entry_unchanged(self):
        queue_id = self.add_queue(image='cirros')
        for method in ('PUT', 'PATCH'):
            entry = self.assertJSON(self.request(
                method, '/api/queues/%d/' % queue_id,
                {'status': 'RUN', 'image': 'other'}), 200)
            self.assertEqual(('REQUEST', 'cirros'),
                             (entry['status'], entry['image']))
        self.assertEqual('cirros',
                         self.get_row(models.Queue, queue_id).image)

    def test_delete_request_entry_is_forgotten(self):
        queue_id = self.add_queue()
        response = self.request('DELETE', '/api/queues/%d/' % queue_id)
        self.assertEqual(204, response.status_code)
        self.assertEqual(b'', response.data)
        self.assertJSON(self.request('GET', '/api/queues/%d/' % queue_id),
                        404)
        self.assertEqual('queue %d: deleted' % queue_id,
                         self.event_descs()[-1])

    def test_delete_failed_entry_is_forgotten(self):
        queue_id = self.add_queue(status=models.FAILED, fault='no quota')
        self.request('DELETE', '/api/queues/%d/' % queue_id)
        self.assertIsNone(self.get_row(models.Queue, queue_id))

    def test_delete_claimed_request_goes_to_destroy(self):
        queue_id = self.add_queue(claimed_by='worker-1')
        self.assertEqual(204, self.request(
            'DELETE', '/api/queues/%d/' % queue_id).status_code)
        row = self.get_row(models.Queue, queue_id)
        self.assertEqual((models.DESTROY, 'worker-1'),
                         (row.status, row.claimed_by))

    def test_delete_running_entry_goes_to_destroy(self):
        account_id = self.add_account()
        queue_id = self.add_queue(status=models.RUN)
        self.add_instance(queue_id, account_id)
        self.assertEqual(204, self.request(
            'DELETE', '/api/queues/%d/' % queue_id).status_code)
        entry = self.assertJSON(self.request(
            'GET', '/api/queues/%d/' % queue_id), 200)
        self.assertEqual('DESTROY', entry['status'])
        self.assertEqual('queue %d: DESTROY' % queue_id,
                         self.event_descs()[-1])
        # Asking again changes nothing and writes no second event.
        events = len(self.event_descs())
        self.assertEqual(204, self.request(
            'DELETE', '/api/queues/%d/' % queue_id).status_code)
        self.assertEqual(events, len(self.event_descs()))

    def test_delete_unknown(self):
        self.assertJSON(self.request('DELETE', '/api/queues/5/'), 404,
                        {'detail': 'Not found.'})

    def test_ids_are_not_reused(self):
        first = self.assertJSON(self.request('POST', '/api/queues/'), 201)
        self.request('DELETE', '/api/queues/%d/' % first['id'])
        second = self.assertJSON(self.request('POST', '/api/queues/'), 201)
        self.assertGreater(second['id'], first['id'])

    def test_create_is_tried_again_after_a_lost_connection(self):
        self.config.config(group='database', db_retry_interval=0)
        insert = queues._insert
        failures = []

        def lost_once(*args):
            if not failures:
                failures.append(1)
                raise db_exc.DBConnectionError('connection lost')
            return insert(*args)
        self.useFixture(fixtures.MonkeyPatch(
            'openmultistack.api.queues._insert', lost_once))

        entry = self.assertJSON(self.request('POST', '/api/queues/'), 201)
        self.assertEqual([1], failures)
        self.assertEqual([entry['id']], self._ids())

    def test_cap_on_active_entries(self):
        self.config.config(max_active_queues_per_project=2)
        self.add_queue(status=models.FAILED)
        self.assertJSON(self.request('POST', '/api/queues/'), 201)
        self.assertJSON(self.request('POST', '/api/queues/'), 201)
        data = self.assertJSON(self.request('POST', '/api/queues/'), 403)
        self.assertIn('Quota exceeded', data['detail'])
        self.assertEqual(3, len(self._ids()))


class TestIdempotency(base.APITestCase):

    def post(self, key, body=None):
        return self.request('POST', '/api/queues/', body,
                            headers={'Idempotency-Key': key})

    def test_repeat_returns_the_first_entry(self):
        first = self.assertJSON(self.post('k-1', {'image': 'cirros'}), 201)
        response = self.post('k-1', {'image': 'cirros'})
        again = self.assertJSON(response, 200)
        self.assertEqual(first, again)
        self.assertEqual('%s/api/queues/%d/' % (base.BASE, first['id']),
                         response.headers['Location'])
        with self.session() as session:
            self.assertEqual(1, session.query(models.Queue).count())

    def test_repeat_answers_the_same_bytes_as_a_get(self):
        created = self.post('k-1', {'name': 'vm'})
        self.assertEqual(201, created.status_code)
        again = self.post('k-1', {'name': 'vm'})
        self.assertEqual(200, again.status_code)
        self.assertEqual(created.get_data(), again.get_data())
        # Once a worker has booted it, the entry has an instance: the
        # repeat answers the entry as it is now.
        entry_id = json.loads(created.get_data())['id']
        self.add_instance(entry_id, self.add_account())
        later = self.post('k-1', {'name': 'vm'})
        self.assertEqual(200, later.status_code)
        self.assertEqual(self.client.get(later.headers['Location']).get_data(),
                         later.get_data())
        self.assertEqual('vm-%d' % entry_id,
                         json.loads(later.get_data())['instance']['name'])

    def test_repeat_writes_no_event(self):
        self.assertJSON(self.post('k-1'), 201)
        self.assertJSON(self.post('k-1'), 200)
        self.assertEqual(1, len(self.event_descs()))

    def test_conflict_leaves_the_entry_alone(self):
        first = self.assertJSON(self.post('k-1', {'image': 'cirros'}), 201)
        self.assertJSON(self.post('k-1', {'image': 'ubuntu'}), 409)
        self.assertEqual([first['id']], [
            entry['id'] for entry in self.assertJSON(
                self.request('GET', '/api/queues/'), 200)])
        self.assertEqual(1, len(self.event_descs()))

    def test_only_a_keyed_entry_keeps_a_request_hash(self):
        keyed = self.assertJSON(self.post('k-1', {'image': 'cirros'}), 201)
        plain = self.assertJSON(self.request(
            'POST', '/api/queues/', {'image': 'cirros'}), 201)
        row = self.get_row(models.Queue, keyed['id'])
        expected = queues._request_hash({'image': 'cirros'})
        self.assertEqual(('k-1', '', expected),
                         (row.idempotency_key, row.idempotency_scope,
                          row.request_hash))
        row = self.get_row(models.Queue, plain['id'])
        self.assertEqual((None, None, None),
                         (row.idempotency_key, row.idempotency_scope,
                          row.request_hash))

    def test_same_key_other_body_conflicts(self):
        self.assertJSON(self.post('k-1', {'image': 'cirros'}), 201)
        data = self.assertJSON(self.post('k-1', {'image': 'ubuntu'}), 409)
        self.assertIn('k-1', data['detail'])

    def test_other_key_creates(self):
        first = self.assertJSON(self.post('k-1'), 201)
        second = self.assertJSON(self.post('k-2'), 201)
        self.assertNotEqual(first['id'], second['id'])

    def test_key_is_free_again_after_delete(self):
        first = self.assertJSON(self.post('k-1'), 201)
        self.request('DELETE', '/api/queues/%d/' % first['id'])
        self.assertJSON(self.post('k-1'), 201)

    def test_bad_key(self):
        self.assertJSON(self.post('x' * 256), 400)
        self.assertJSON(self.post('   '), 400)


def _post_in_child(key, barrier, results):
    """Body of a forked API process: POST once with ``key``."""
    client = wz_test.Client(app.create_app())
    barrier.wait()
    response = client.post('/api/queues/', headers={'Idempotency-Key': key})
    results.put((response.status_code, response.get_json()))
    db_api.dispose()


class TestIdempotencyRace(base.APITestCase):
    """Two API processes on one database get the same key at once."""

    def test_two_processes_create_one_entry(self):
        context = multiprocessing.get_context('fork')
        barrier = context.Barrier(2, timeout=30)
        results = context.Queue()
        replay = queues._replay
        waited = []

        def replay_then_wait(connection, *args):
            # Both processes have looked for an earlier entry (none)
            # before either writes: the database alone must decide. On
            # SQLite, where a transaction that may write takes the write
            # lock when it begins, the second one cannot look before the
            # first one committed: it finds the entry.
            earlier = replay(connection, *args)
            if not waited and connection.dialect.name != 'sqlite':
                waited.append(True)
                barrier.wait()
            return earlier
        self.useFixture(fixtures.MonkeyPatch(
            'openmultistack.api.queues._replay', replay_then_wait))
        # The children open their own connections.
        db_api.dispose()
        children = [context.Process(target=_post_in_child,
                                    args=('race-1', barrier, results))
                    for _ in range(2)]
        for child in children:
            child.start()
            self.addCleanup(child.kill)
        answers = sorted((results.get(timeout=60) for _ in children),
                         key=lambda answer: answer[0])
        for child in children:
            child.join(timeout=60)
            self.assertEqual(0, child.exitcode)
        self.assertEqual([200, 201], [status for status, _ in answers])
        self.assertEqual(answers[0][1], answers[1][1])
        with self.session() as session:
            rows = session.query(models.Queue).all()
        self.assertEqual([answers[1][1]['id']], [row.id for row in rows])
        self.assertEqual(('race-1', ''), (rows[0].idempotency_key,
                                          rows[0].idempotency_scope))


def _post_many_in_child(count, barrier, results):
    """Body of a forked API process: POST ``count`` times at once."""
    application = app.create_app()

    def post():
        client = wz_test.Client(application)
        barrier.wait()
        return client.post('/api/queues/').status_code
    with futures.ThreadPoolExecutor(count) as pool:
        for status in pool.map(lambda _: post(), range(count)):
            results.put(status)
    db_api.dispose()


class TestCapRace(base.APITestCase):
    """Two API processes get more POSTs at once than the cap allows."""

    CAP = 3
    PROCESSES = 2
    POSTS = 4

    def test_cap_holds_across_processes(self):
        self.config.config(max_active_queues_per_project=self.CAP)
        write = events.write

        def write_slowly(*args, **kwargs):
            # Keeps each transaction open a while after the entry is
            # counted and written: the others must wait, or be refused.
            time.sleep(0.1)
            return write(*args, **kwargs)
        self.useFixture(fixtures.MonkeyPatch(
            'openmultistack.db.events.write', write_slowly))
        context = multiprocessing.get_context('fork')
        barrier = context.Barrier(self.PROCESSES * self.POSTS, timeout=60)
        results = context.Queue()
        # The children open their own connections.
        db_api.dispose()
        children = [context.Process(target=_post_many_in_child,
                                    args=(self.POSTS, barrier, results))
                    for _ in range(self.PROCESSES)]
        for child in children:
            child.start()
            self.addCleanup(child.kill)
        statuses = sorted(results.get(timeout=60)
                          for _ in range(self.PROCESSES * self.POSTS))
        for child in children:
            child.join(timeout=60)
            self.assertEqual(0, child.exitcode)

        refused = self.PROCESSES * self.POSTS - self.CAP
        self.assertEqual([201] * self.CAP + [403] * refused, statuses)
        with self.session() as session:
            self.assertEqual(self.CAP, session.query(models.Queue).count())
