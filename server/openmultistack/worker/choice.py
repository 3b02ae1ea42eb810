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

"""Which flavor and image of a provider an entry boots.

Pure functions over what a provider lists (:class:`base.Flavor`,
:class:`base.Image`). What cannot be chosen raises
:class:`base.NoFlavor` or :class:`base.NoImage` with one line naming what
was asked, e.g. ``no public flavor with at least 4096 MB RAM``.

Flavor: the one named (by id, else by name), which must also meet the
minimums; otherwise the smallest *public* flavor meeting them, ordered
by (RAM, vCPUs, disk, name). Without a name or minimums: the default
flavor named by the configuration, or the smallest public flavor.

Image: the one named (by id, else by name), which must also have the
properties asked; otherwise the newest *active* image (by creation time,
then name) having every property asked, compared as strings. Without a
name or properties: the default image named by the configuration, or the
newest active image.
"""

import dataclasses
import typing

from openmultistack.providers import base


@dataclasses.dataclass(frozen=True)
class Requirements:
    """What an entry asks of a provider's flavors and images."""

    flavor: typing.Optional[str] = None
    image: typing.Optional[str] = None
    min_ram: typing.Optional[int] = None
    min_vcpus: typing.Optional[int] = None
    min_disk: typing.Optional[int] = None
    image_properties: typing.Mapping[str, str] = dataclasses.field(
        default_factory=dict)

    @classmethod
    def of_entry(cls, entry: typing.Any) -> 'Requirements':
        """The requirements of a queue entry (a row or alike)."""
        return cls(flavor=entry.flavor, image=entry.image,
                   min_ram=entry.min_ram, min_vcpus=entry.min_vcpus,
                   min_disk=entry.min_disk,
                   image_properties=dict(entry.image_properties or {}))

    def minimums(self) -> str:
        """``4096 MB RAM, 2 vCPUs and 40 GB disk``; ``''`` when none."""
        asked = [text % value for text, value in (
            ('%d MB RAM', self.min_ram), ('%d vCPUs', self.min_vcpus),
            ('%d GB disk', self.min_disk)) if value]
        if len(asked) > 1:
            return '%s and %s' % (', '.join(asked[:-1]), asked[-1])
        return ''.join(asked)

    def properties(self) -> str:
        """``os_distro=ubuntu, os_version=24.04``; ``''`` when none."""
        return ', '.join('%s=%s' % item
                         for item in sorted(self.image_properties.items()))

    def describe(self) -> str:
        """The requirements in one line, for the event log."""
        parts = [('flavor %s' % self.flavor) if self.flavor else '',
                 ('at least %s' % self.minimums()) if self.minimums()
                 else '',
                 ('image %s' % self.image) if self.image else '',
                 ('image with %s' % self.properties())
                 if self.image_properties else '']
        return ', '.join(filter(None, parts)) or 'provider defaults'


def _by_reference(items: typing.Sequence, ref: str, kind: str,
                  error: type) -> typing.Any:
    """The item whose id is ``ref``, else the one so named.

    Among several of one name, only the ``active`` ones count when some
    are (images keep their name across versions).
    """
    for item in items:
        if item.id == ref:
            return item
    named = [item for item in items if item.name == ref]
    if len(named) > 1:
        active = [item for item in named
                  if getattr(item, 'status', 'active') == 'active']
        named = active or named
    if not named:
        raise error('%s %s not found' % (kind, ref))
    if len(named) > 1:
        raise base.ProviderError('several %ss are named %s: use an id'
                                 % (kind, ref))
    return named[0]


def _size(flavor: base.Flavor) -> tuple:
    return (flavor.ram, flavor.vcpus, flavor.disk, flavor.name)


def _shortfall(flavor: base.Flavor, wanted: Requirements) -> str:
    """What ``flavor`` lacks of the minimums; ``''`` if nothing."""
    short = [text % (have, asked) for text, have, asked in (
        ('%d MB RAM, less than %d', flavor.ram, wanted.min_ram),
        ('%d vCPUs, less than %d', flavor.vcpus, wanted.min_vcpus),
        ('%d GB disk, less than %d', flavor.disk, wanted.min_disk))
        if asked and have < asked]
    return ', '.join(short)


def choose_flavor(flavors: typing.Sequence[base.Flavor],
                  wanted: Requirements,
                  default: typing.Optional[str] = None) -> base.Flavor:
    """The flavor to boot: see the module documentation."""
    minimums = wanted.minimums()
    ref = wanted.flavor or (None if minimums else default)
    if ref:
        flavor = _by_reference(flavors, ref, 'flavor', base.NoFlavor)
        short = _shortfall(flavor, wanted)
        if short:
            raise base.NoFlavor('flavor %s has %s' % (flavor.name, short))
        return flavor
    fitting = [flavor for flavor in flavors
               if flavor.is_public and not _shortfall(flavor, wanted)]
    if not fitting:
        raise base.NoFlavor(('no public flavor with at least %s' % minimums)
                            if minimums else 'no public flavor')
    return min(fitting, key=_size)


def _missing(image: base.Image, wanted: Requirements) -> str:
    """The properties asked that ``image`` lacks; ``''`` if none."""
    return ', '.join('%s=%s' % (key, value)
                     for key, value in sorted(wanted.image_properties.items())
                     if image.properties.get(key) != value)


def _age(image: base.Image) -> tuple:
    return (image.created_at, image.name)


def choose_image(images: typing.Sequence[base.Image], wanted: Requirements,
                 default: typing.Optional[str] = None) -> base.Image:
    """The image to boot: see the module documentation."""
    ref = wanted.image or (None if wanted.image_properties else default)
    if ref:
        image = _by_reference(images, ref, 'image', base.NoImage)
        missing = _missing(image, wanted)
        if missing:
            raise base.NoImage('image %s does not have %s'
                               % (image.name, missing))
        return image
    matching = [image for image in images
                if image.status == 'active' and not _missing(image, wanted)]
    if not matching:
        raise base.NoImage(
            ('no active image with %s' % wanted.properties())
            if wanted.image_properties else 'no active image')
    return max(matching, key=_age)
