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

"""The order of the provider accounts, the room check, the limits cache."""

import dataclasses

from openmultistack.providers import base
from openmultistack.tests.unit import base as test_base
from openmultistack.worker import context
from openmultistack.worker import ordering


@dataclasses.dataclass
class Account:
    id: int
    provider: str


A, B, C = Account(1, 'a'), Account(2, 'b'), Account(3, 'c')
SMALL = base.Flavor(id='2', name='m1.small', ram=2048, vcpus=1, disk=20)
LARGE = base.Flavor(id='4', name='m1.large', ram=8192, vcpus=4, disk=80)


def limits(instances=(0, 10), cores=(0, 20), ram=(0, 51200)):
    return base.Limits(instances_used=instances[0],
                       instances_max=instances[1], cores_used=cores[0],
                       cores_max=cores[1], ram_used=ram[0], ram_max=ram[1])


def names(accounts):
    return ''.join(account.provider for account in accounts)


class TestOrder(test_base.BaseTestCase):

    def test_ordered_is_by_id(self):
        self.assertEqual('abc', names(ordering.order(
            [C, A, B], ordering.ORDERED, {1: limits(instances=(9, 10))})))

    def test_most_free_by_room_unknown_last(self):
        known = {1: limits(ram=(40960, 51200)),    # a fifth left
                 3: limits(instances=(5, 10))}     # half left
        self.assertEqual('cab', names(ordering.order(
            [A, B, C], ordering.MOST_FREE, known)))
        # None is unknown too; equals keep their id order.
        self.assertEqual('abc', names(ordering.order(
            [C, B, A], ordering.MOST_FREE, {1: limits(), 2: limits(),
                                            3: None})))

    def test_spread_rotates_with_the_turn(self):
        self.assertEqual(['abc', 'bca', 'cab', 'abc'],
                         [names(ordering.order([A, B, C], ordering.SPREAD,
                                               {}, turn=turn))
                          for turn in range(4)])
        self.assertEqual([], ordering.order([], ordering.SPREAD, {}, turn=5))

    def test_requested_provider_first_whatever_the_policy(self):
        known = {1: limits(), 2: limits(instances=(9, 10)), 3: limits()}
        for policy, expected in ((ordering.ORDERED, 'bac'),
                                 (ordering.MOST_FREE, 'bac'),
                                 (ordering.SPREAD, 'bca')):
            self.assertEqual(expected, names(ordering.order(
                [A, B, C], policy, known, requested='b', turn=2)), policy)

    def test_unknown_policy(self):
        self.assertRaises(ValueError, ordering.order, [A], 'random', {})

    def test_describe(self):
        self.assertEqual('queue 5: provider order (most-free): b, a, c',
                         ordering.describe(5, 'most-free', [B, A, C]))
        self.assertEqual('queue 5: provider order (spread): none',
                         ordering.describe(5, 'spread', []))


class TestRoom(test_base.BaseTestCase):

    def test_fits(self):
        self.assertIsNone(ordering.check_room(limits(), LARGE))
        self.assertTrue(limits().fits(LARGE))
        self.assertIsNone(ordering.check_room(None, LARGE))

    def test_instances_used_up(self):
        full = limits(instances=(10, 10))
        self.assertEqual('instances 10 of 10 used',
                         ordering.check_room(full, SMALL))
        self.assertFalse(full.fits(SMALL))

    def test_cores_and_ram(self):
        self.assertEqual('needs 4 vCPUs, 2 of 20 free', ordering.check_room(
            limits(cores=(18, 20)), LARGE))
        self.assertEqual('needs 8192 MB RAM, 1024 of 51200 MB free',
                         ordering.check_room(limits(ram=(50176, 51200)),
                                             LARGE))
        self.assertIsNone(ordering.check_room(limits(ram=(49152, 51200)),
                                              SMALL))

    def test_unlimited(self):
        unlimited = limits(instances=(500, -1), cores=(900, -1),
                           ram=(10 ** 7, -1))
        self.assertTrue(unlimited.fits(LARGE))
        self.assertEqual(1.0, unlimited.room())

    def test_room_is_the_scarcest_share(self):
        self.assertEqual(0.5, limits(instances=(5, 10)).room())
        self.assertEqual(0.2, limits(cores=(2, 20), ram=(40960, 51200))
                         .room())
        self.assertEqual(0.0, limits(instances=(12, 10)).room())
        self.assertEqual(0.0, limits(instances=(0, 0)).room())


class TestLimitsCache(test_base.BaseTestCase):

    def test_entries_expire(self):
        now = [100.0]
        cache = context.LimitsCache(clock=lambda: now[0])
        self.assertEqual((False, None), cache.get(1, 10))
        cache.put(1, limits())
        cache.put(2, None)
        now[0] += 9.5
        self.assertEqual((True, limits()), cache.get(1, 10))
        self.assertEqual((True, None), cache.get(2, 10))
        now[0] += 0.5
        self.assertEqual((False, None), cache.get(1, 10))
        # 0 seconds: never trusted.
        cache.put(1, limits())
        self.assertEqual((False, None), cache.get(1, 0))

    def test_servers_asked_for_are_counted_until_read_again(self):
        now = [100.0]
        cache = context.LimitsCache(clock=lambda: now[0])
        cache.count_server(1, SMALL)
        self.assertEqual((False, None), cache.get(1, 10))
        cache.put(1, limits())
        cache.put(2, None)
        now[0] += 5
        cache.count_server(1, LARGE)
        cache.count_server(1, SMALL)
        cache.count_server(2, SMALL)
        self.assertEqual((True, limits(instances=(2, 10), cores=(5, 20),
                                       ram=(10240, 51200))),
                         cache.get(1, 10))
        self.assertEqual((True, None), cache.get(2, 10))
        # The time of the read stands.
        now[0] += 5
        self.assertEqual((False, None), cache.get(1, 10))
