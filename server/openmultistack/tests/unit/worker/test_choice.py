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

"""The choice of a provider's flavor and image."""

import types

import testtools

from openmultistack.providers import base
from openmultistack.worker import boot
from openmultistack.worker import choice

Flavor = base.Flavor
Image = base.Image
Requirements = choice.Requirements

FLAVORS = [
    Flavor('3', 'm1.medium', 4096, 2, 40),
    Flavor('1', 'm1.tiny', 512, 1, 1),
    Flavor('9', 'private.big', 4096, 1, 10, is_public=False),
    Flavor('2', 'm1.small', 2048, 1, 20),
    Flavor('4', 'm1.large', 8192, 4, 80),
]
UBUNTU = {'os_distro': 'ubuntu', 'os_version': '22.04'}
IMAGES = [
    Image('c', 'cirros', 'active', {'os_distro': 'cirros'},
          '2023-01-01T00:00:00Z'),
    Image('u22', 'ubuntu-22.04', 'active', UBUNTU, '2023-05-01T00:00:00Z'),
    Image('u24', 'ubuntu-24.04', 'active',
          {'os_distro': 'ubuntu', 'os_version': '24.04'},
          '2024-05-01T00:00:00Z'),
    Image('u25', 'ubuntu-25.04', 'queued',
          {'os_distro': 'ubuntu', 'os_version': '25.04'},
          '2025-05-01T00:00:00Z'),
    Image('d', 'debian-12', 'active', {'os_distro': 'debian'},
          '2023-06-10T00:00:00Z'),
]


def flavor(flavors=FLAVORS, default=None, **wanted):
    return choice.choose_flavor(flavors, Requirements(**wanted), default).id


def image(images=IMAGES, default=None, **wanted):
    return choice.choose_image(images, Requirements(**wanted), default).id


class TestFlavor(testtools.TestCase):

    def test_smallest_meeting_every_minimum(self):
        self.assertEqual('2', flavor(min_ram=1024))
        self.assertEqual('3', flavor(min_ram=4096))
        self.assertEqual('3', flavor(min_vcpus=2))
        self.assertEqual('2', flavor(min_disk=2))
        self.assertEqual('4', flavor(min_ram=1024, min_vcpus=3))
        self.assertEqual('4', flavor(min_ram=8192, min_vcpus=4, min_disk=80))

    def test_zero_minimums_ask_for_nothing(self):
        self.assertEqual('1', flavor(min_ram=0, min_vcpus=0, min_disk=0))

    def test_non_public_flavors_are_not_chosen_by_size(self):
        # private.big is smaller than m1.medium by vCPUs and disk.
        self.assertEqual('3', flavor(min_ram=4096, min_vcpus=1))

    def test_ties_by_vcpus_disk_then_name(self):
        flavors = [Flavor('b', 'b', 1024, 1, 10), Flavor('a', 'a', 1024, 1,
                                                         10),
                   Flavor('c', 'c', 1024, 1, 5), Flavor('d', 'd', 1024, 2, 1)]
        self.assertEqual('c', flavor(flavors, min_ram=1024))
        self.assertEqual('a', flavor(flavors[:2], min_ram=1024))

    def test_nothing_large_enough(self):
        error = self.assertRaises(base.NoFlavor, flavor, min_ram=999999999)
        self.assertEqual('no public flavor with at least 999999999 MB RAM',
                         str(error))
        error = self.assertRaises(base.NoFlavor, flavor, min_ram=1,
                                  min_vcpus=64, min_disk=1000)
        self.assertEqual('no public flavor with at least 1 MB RAM, 64 '
                         'vCPUs and 1000 GB disk', str(error))

    def test_named_flavor_by_id_or_name(self):
        self.assertEqual('4', flavor(flavor='4'))
        self.assertEqual('4', flavor(flavor='m1.large'))
        # Named, a flavor shared with the project is fine.
        self.assertEqual('9', flavor(flavor='private.big'))

    def test_named_flavor_must_meet_the_minimums(self):
        self.assertEqual('3', flavor(flavor='m1.medium', min_ram=4096))
        error = self.assertRaises(base.NoFlavor, flavor, flavor='m1.tiny',
                                  min_ram=4096, min_disk=1)
        self.assertEqual('flavor m1.tiny has 512 MB RAM, less than 4096',
                         str(error))

    def test_unknown_and_ambiguous_names(self):
        error = self.assertRaises(base.NoFlavor, flavor, flavor='m1.huge')
        self.assertEqual('flavor m1.huge not found', str(error))
        twins = [Flavor('a', 'twin', 1, 1, 1), Flavor('b', 'twin', 1, 1, 1)]
        error = self.assertRaises(base.ProviderError, flavor, twins,
                                  flavor='twin')
        self.assertEqual('several flavors are named twin: use an id',
                         str(error))

    def test_without_requirements_the_default_or_the_smallest(self):
        self.assertEqual('1', flavor())
        self.assertEqual('2', flavor(default='m1.small'))
        # Minimums win over the configured default.
        self.assertEqual('3', flavor(default='m1.small', min_ram=4096))
        self.assertRaises(base.NoFlavor, flavor, default='m1.huge')

    def test_no_public_flavor_at_all(self):
        error = self.assertRaises(base.NoFlavor, flavor, [FLAVORS[2]])
        self.assertEqual('no public flavor', str(error))


class TestImage(testtools.TestCase):

    def test_newest_active_image_with_the_properties(self):
        self.assertEqual('u24', image(image_properties={'os_distro':
                                                        'ubuntu'}))
        self.assertEqual('u22', image(image_properties=UBUNTU))
        self.assertEqual('d', image(image_properties={'os_distro':
                                                      'debian'}))

    def test_inactive_images_are_not_chosen(self):
        self.assertRaises(base.NoImage, image, image_properties={
            'os_distro': 'ubuntu', 'os_version': '25.04'})

    def test_nothing_matches(self):
        error = self.assertRaises(base.NoImage, image, image_properties={
            'os_version': '24.04', 'os_distro': 'ubuntu',
            'hw_firmware_type': 'uefi'})
        self.assertEqual('no active image with hw_firmware_type=uefi, '
                         'os_distro=ubuntu, os_version=24.04', str(error))
        error = self.assertRaises(base.NoImage, image,
                                  image_properties={'os_distro': 'Ubuntu'})
        self.assertEqual('no active image with os_distro=Ubuntu', str(error))

    def test_same_time_then_by_name(self):
        images = [Image('b', 'b', 'active', {}, '2024-01-01T00:00:00Z'),
                  Image('a', 'a', 'active', {}, '2024-01-01T00:00:00Z')]
        self.assertEqual('b', image(images))

    def test_named_image_must_have_the_properties(self):
        self.assertEqual('u22', image(image='ubuntu-22.04',
                                      image_properties={'os_distro':
                                                        'ubuntu'}))
        error = self.assertRaises(base.NoImage, image, image='cirros',
                                  image_properties={'os_distro': 'ubuntu'})
        self.assertEqual('image cirros does not have os_distro=ubuntu',
                         str(error))

    def test_named_image_by_id_or_name(self):
        self.assertEqual('d', image(image='d'))
        self.assertEqual('d', image(image='debian-12'))
        error = self.assertRaises(base.NoImage, image, image='fedora')
        self.assertEqual('image fedora not found', str(error))

    def test_of_several_named_alike_the_active_one(self):
        images = [Image('old', 'ubuntu', 'deactivated', {}),
                  Image('new', 'ubuntu', 'active', {})]
        self.assertEqual('new', image(images, image='ubuntu'))
        self.assertRaises(base.ProviderError, image, images * 2,
                          image='ubuntu')

    def test_without_requirements_the_default_or_the_newest(self):
        self.assertEqual('u24', image())
        self.assertEqual('c', image(default='cirros'))
        self.assertEqual('d', image(default='cirros',
                                    image_properties={'os_distro':
                                                      'debian'}))
        error = self.assertRaises(base.NoImage, image, IMAGES[3:4])
        self.assertEqual('no active image', str(error))


class TestRequirements(testtools.TestCase):

    def test_of_an_entry(self):
        entry = types.SimpleNamespace(
            flavor=None, image='cirros', min_ram=4096, min_vcpus=None,
            min_disk=None, image_properties=None)
        wanted = Requirements.of_entry(entry)
        self.assertEqual({}, wanted.image_properties)
        self.assertEqual('at least 4096 MB RAM, image cirros',
                         wanted.describe())

    def test_describe(self):
        self.assertEqual('provider defaults', Requirements().describe())
        self.assertEqual(
            'flavor m1.small, at least 2 vCPUs and 20 GB disk, image with '
            'os_distro=ubuntu, os_version=24.04',
            Requirements(flavor='m1.small', min_vcpus=2, min_disk=20,
                         image_properties={'os_version': '24.04',
                                           'os_distro': 'ubuntu'}
                         ).describe())


class TestReasons(testtools.TestCase):

    def test_reason_of_each_refusal(self):
        for error, reason in [
                (base.NoFlavor('x'), 'no_flavor'),
                (base.NoImage('x'), 'no_image'),
                (base.QuotaExceeded('x'), 'quota'),
                (base.ProviderUnreachable('x'), 'unreachable'),
                (base.ProviderTimeout('x'), 'timeout'),
                (base.Refused('x'), 'refused'),
                (base.NotFound('x'), 'refused'),
                (base.ProviderError('x'), 'failed')]:
            self.assertEqual(reason, boot.reason_of(error), error)
