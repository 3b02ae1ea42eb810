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

"""``openstack metric rabbit`` against a real RabbitMQ, via the service."""

import uuid

from omsclient.tests.functional import base
from omsclient.tests.functional import rabbit


class RabbitTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.management = rabbit.Management(self.stack)
        if not self.management.answers():
            self.fail('RabbitMQ management API at %s does not answer'
                      % self.management.base)
        self.require_http(self.stack['oms']['metering'] + '/v2/logs',
                          'the metering API')

    def test_show_matches_overview(self):
        # The stack's Nova services open and close queues, connections
        # and consumers as they work (reply queues, reconnections): the
        # totals are compared once two reads close together agree.
        totals_keys = ('queues', 'exchanges', 'connections', 'consumers')

        def agreeing():
            shown = self.openstack_json('metric rabbit show')
            overview = self.management.get('overview')
            totals = rabbit.field(shown, 'object_totals')
            if all(overview['object_totals'][key] == totals[key]
                   for key in totals_keys):
                return shown, overview
            return None

        shown, overview = base.wait_for(
            agreeing, 120, 'metric rabbit show to give the object totals '
            'of the management API')
        for key in ('node', 'rabbitmq_version', 'management_version',
                    'erlang_version', 'cluster_name'):
            self.assertEqual(overview[key], rabbit.field(shown, key), key)
        totals = rabbit.field(shown, 'object_totals')
        for key in totals_keys:
            self.assertIsInstance(totals[key], int, key)

    def test_list_queues_matches_management(self):
        name = 'omsclient-functional-%s' % uuid.uuid4().hex[:8]
        self.management.declare_queue(name)
        self.addCleanup(self.management.delete_queue, name)
        for number in range(3):
            self.management.publish(name, 'message %d' % number)
        # The management API's counters lag behind the broker a little.
        base.wait_for(lambda: self.management.queue(name).get('messages')
                      == 3, 30, 'RabbitMQ to count 3 messages in %s' % name)

        rows = self.matching_management(
            'queues', lambda row: rabbit.field(row, 'name'),
            lambda queue: queue['name'])
        mine = [row for row in rows if rabbit.field(row, 'name') == name]
        self.assertEqual(1, len(mine), rows)
        self.assertEqual(3, rabbit.field(mine[0], 'messages'))
        self.assertEqual(3, rabbit.field(mine[0], 'messages_ready'))
        self.assertEqual('/', rabbit.field(mine[0], 'vhost'))

    def matching_management(self, item, shown_key, listed_key):
        """The rows of ``metric rabbit list <item>``, checked.

        Once they name what the management API lists at about the same
        time: the stack's Nova services open reply queues and connections as
        they work, so one read of each may differ by those.
        """
        def agreeing():
            rows = self.openstack_json('metric rabbit list %s' % item)
            listed = {listed_key(thing)
                      for thing in self.management.get(item)}
            if listed == {shown_key(row) for row in rows}:
                return rows
            return None

        return base.wait_for(agreeing, 120, 'metric rabbit list %s to '
                             'name what the management API lists' % item)

    def test_nova_services_on_the_broker(self):
        # Each Nova provider talks over a virtual host of its own, named
        # after it: its conductor, scheduler and compute consume there.
        providers = sorted(self.stack['nova'])
        topics = ('conductor', 'scheduler', 'compute')
        queues = self.openstack_json('metric rabbit list queues')
        for provider in providers:
            mine = {rabbit.field(row, 'name'): rabbit.field(row, 'consumers')
                    for row in queues
                    if rabbit.field(row, 'vhost') == provider}
            for topic in topics:
                self.assertGreaterEqual(mine.get(topic, 0), 1,
                                        '%s %s: %s' % (provider, topic, mine))

        connections = self.matching_management(
            'connections', lambda row: rabbit.field(row, 'name'),
            lambda connection: connection['name'])
        for provider in providers:
            self.assertTrue([row for row in connections
                             if rabbit.field(row, 'vhost') == provider],
                            'no connection on %s' % provider)

        consumers = self.matching_management(
            'consumers',
            lambda row: (rabbit.field(row, 'queue_vhost'),
                         rabbit.field(row, 'queue_name'),
                         rabbit.field(row, 'consumer_tag')),
            lambda c: (c['queue']['vhost'], c['queue']['name'],
                       c['consumer_tag']))
        shown = {(rabbit.field(row, 'queue_vhost'),
                  rabbit.field(row, 'queue_name'),
                  rabbit.field(row, 'consumer_tag')) for row in consumers}
        for provider in providers:
            for topic in topics:
                self.assertIn(topic, {name for vhost, name, _ in shown
                                      if vhost == provider})

    def test_list_users_hides_password_hash(self):
        rows = self.openstack_json('metric rabbit list users')
        expected = {u['name']: u for u in self.management.get('users')}
        self.assertEqual(set(expected),
                         {rabbit.field(row, 'name') for row in rows})
        for user in expected.values():
            self.assertNotIn(user['password_hash'], str(rows))

    def test_list_nodes_matches_management(self):
        # For a few seconds after start a node carries only a few keys.
        nodes = base.wait_for(
            lambda: [n for n in self.management.get('nodes')
                     if 'mem_used' in n], 60, 'complete node figures')
        rows = self.openstack_json('metric rabbit list nodes')
        self.assertEqual({n['name'] for n in nodes},
                         {rabbit.field(row, 'name') for row in rows})
        self.assertTrue(all(rabbit.field(row, 'running') for row in rows))

    def test_rabbitmq_down(self):
        self.stackctl('stop', 'rabbitmq')
        self.restart_rabbitmq_at_cleanup()
        result = self.openstack('metric rabbit show', fail_ok=True)
        self.assertEqual(1, result.returncode)
        self.assert_one_line_error(result)
        result = self.openstack('metric rabbit list queues', fail_ok=True)
        self.assertEqual(1, result.returncode)
        self.assert_one_line_error(result)
