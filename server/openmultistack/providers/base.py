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

"""The compute provider plugin interface.

A provider driver speaks to one account of one compute cloud. The worker
drives it through the few calls below and nothing else; every call either
succeeds, raises :class:`ProviderError` (with a one-line reason that can be
shown to users and written to the event log) or times out with
:class:`ProviderTimeout`. Drivers are registered as ``stevedore`` entry
points in the ``openmultistack.providers`` namespace and chosen by the
account's ``driver`` field.
"""

import abc
import dataclasses
import typing

from openmultistack.providers import keys

#: The server metadata key that ties a server to its queue entry. Crash
#: recovery finds servers by it.
QUEUE_ID_METADATA_KEY = 'openmultistack_queue_id'

#: Server statuses the worker cares about.
BUILD = 'BUILD'
ACTIVE = 'ACTIVE'
ERROR = 'ERROR'


class ProviderError(Exception):
    """The provider refused or failed; ``str()`` is the reason."""


class ProviderUnreachable(ProviderError):
    """No connection could be made to the provider."""


class ProviderTimeout(ProviderError):
    """The provider did not answer in time."""


class QuotaExceeded(ProviderError):
    """The provider refused for lack of quota."""


class Refused(ProviderError):
    """The provider refused the request as such (HTTP 4xx)."""


class NotFound(Refused):
    """The server, key pair, image or flavor does not exist there."""


class NoFlavor(ProviderError):
    """No flavor of the provider meets what the entry asks for."""


class NoImage(ProviderError):
    """No image of the provider matches what the entry asks for."""


@dataclasses.dataclass(frozen=True)
class Credentials:
    """What a driver needs of an account.

    Built from the database row so that drivers never see the ORM; the
    password is kept out of ``repr()``.
    """

    provider: str
    auth_url: str
    username: str = ''
    password: str = dataclasses.field(default='', repr=False)
    tenant_name: str = ''
    tenant_id: str = ''
    region_name: str = ''
    version: str = ''
    user_domain_name: str = 'Default'
    project_domain_name: str = 'Default'

    @classmethod
    def from_account(cls, account: typing.Any) -> 'Credentials':
        fields = {}
        for field in dataclasses.fields(cls):
            value = getattr(account, field.name, None)
            if value is not None:
                fields[field.name] = value
        return cls(**fields)


@dataclasses.dataclass(frozen=True)
class Server:
    """A server as the worker sees it."""

    id: str
    name: str
    status: str
    ip_addr: str = ''
    key_name: str = ''
    fault: str = ''
    metadata: typing.Mapping[str, str] = dataclasses.field(
        default_factory=dict)


# -- what a provider offers: flavors and images ----------------------------

@dataclasses.dataclass(frozen=True)
class Flavor:
    """A flavor: RAM in MB, disk in GB."""

    id: str
    name: str
    ram: int
    vcpus: int
    disk: int
    is_public: bool = True


@dataclasses.dataclass(frozen=True)
class Image:
    """An image; ``properties`` are its string-valued properties.

    ``status`` is lower case (``active``), as Glance's v2 API spells it;
    ``created_at`` is ISO 8601, which sorts in time order as text.
    """

    id: str
    name: str
    status: str
    properties: typing.Mapping[str, str] = dataclasses.field(
        default_factory=dict)
    created_at: str = ''


# -- quotas -------------------------------------------------------------

#: Nova's figure for "no limit" in its absolute limits.
UNLIMITED = -1


def _free(used: int, limit: int) -> typing.Optional[int]:
    """What is left of ``limit``; ``None`` when there is no limit."""
    if limit == UNLIMITED or limit < 0:
        return None
    return max(limit - used, 0)


@dataclasses.dataclass(frozen=True)
class Limits:
    """The absolute limits of an account, and what it uses of them.

    As Nova's ``GET /limits``: RAM in MB, ``-1`` (:data:`UNLIMITED`)
    for no limit.
    """

    instances_used: int
    instances_max: int
    cores_used: int
    cores_max: int
    ram_used: int
    ram_max: int

    def shortage(self, flavor: Flavor) -> typing.Optional[str]:
        """Why a server of ``flavor`` does not fit, in one line; or None."""
        free = _free(self.instances_used, self.instances_max)
        if free is not None and free < 1:
            return 'instances %d of %d used' % (self.instances_used,
                                                self.instances_max)
        free = _free(self.cores_used, self.cores_max)
        if free is not None and free < flavor.vcpus:
            return 'needs %d vCPUs, %d of %d free' % (
                flavor.vcpus, free, self.cores_max)
        free = _free(self.ram_used, self.ram_max)
        if free is not None and free < flavor.ram:
            return 'needs %d MB RAM, %d of %d MB free' % (
                flavor.ram, free, self.ram_max)
        return None

    def fits(self, flavor: Flavor) -> bool:
        """Whether one more server of ``flavor`` fits in the limits."""
        return self.shortage(flavor) is None

    def room(self) -> float:
        """The share left of the scarcest limit, from 0.0 to 1.0.

        What ``[worker] provider_order = most-free`` orders by: an
        account with no limit at all has 1.0.
        """
        shares = [1.0]
        for used, limit in ((self.instances_used, self.instances_max),
                            (self.cores_used, self.cores_max),
                            (self.ram_used, self.ram_max)):
            free = _free(used, limit)
            if free is not None:
                shares.append(free / limit if limit else 0.0)
        return min(shares)


class Provider(abc.ABC):
    """One account of one compute provider.

    :param credentials: the account.
    :param timeout: seconds allowed for each call to the provider.
    """

    def __init__(self, credentials: Credentials, timeout: float = 30.0):
        self.credentials = credentials
        self.timeout = timeout

    @property
    def name(self) -> str:
        """How the account is named in logs and faults."""
        return self.credentials.provider

    @abc.abstractmethod
    def find_image(self, ref: typing.Optional[str]) -> str:
        """The id of the image named or identified by ``ref``.

        ``None`` asks for the provider's default image.
        """

    @abc.abstractmethod
    def find_flavor(self, ref: typing.Optional[str]) -> str:
        """The id of the flavor named or identified by ``ref``.

        ``None`` asks for the provider's smallest flavor.
        """

    @abc.abstractmethod
    def list_flavors(self) -> list[Flavor]:
        """The flavors the account may boot (public or shared with it)."""

    @abc.abstractmethod
    def list_images(self) -> list[Image]:
        """The images the account sees, in any status."""

    @abc.abstractmethod
    def import_keypair(self, name: str, public_key: str) -> None:
        """Register an OpenSSH public key, replacing one of that name."""

    @abc.abstractmethod
    def delete_keypair(self, name: str) -> None:
        """Delete a key pair; one that does not exist is not an error."""

    @abc.abstractmethod
    def boot(self, name: str, image: str, flavor: str, key_name: str,
             metadata: typing.Mapping[str, str]) -> Server:
        """Ask for a server; it usually comes back in ``BUILD``."""

    @abc.abstractmethod
    def get(self, server_id: str) -> Server:
        """The server now; raises :class:`NotFound` when it is gone."""

    @abc.abstractmethod
    def delete_server(self, server_id: str) -> None:
        """Delete a server; one that does not exist is not an error."""

    @abc.abstractmethod
    def find_servers_by_metadata(self, key: str,
                                 value: str) -> list[Server]:
        """Every server of the account whose metadata has key=value."""

    def limits(self) -> Limits:
        """The account's absolute limits and what it uses of them.

        :raises NotImplementedError: the driver cannot tell; the worker
            then tries the account whatever its quota.
        """
        raise NotImplementedError()

    def create_keypair(self, name: str, key_type: str = keys.ED25519) -> str:
        """Generate a key pair, register its public key, return the private.

        The private key is generated here rather than by the provider:
        compute API microversion 2.92 and later no longer generate keys.

        :param key_type: ``rsa`` or ``ed25519`` (``keys.KEY_TYPES``).
        """
        private_key, public_key = keys.generate_keypair(key_type)
        self.import_keypair(name, public_key)
        return private_key

    def close(self) -> None:
        """Release connections; the provider is not used afterwards."""
