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

"""A SIMULATED compute provider, for the embedded default and demos.

This is not a cloud and boots nothing: servers are records in this
process's memory. It exists so that the reference service works out of the
box and failover can be shown without a real Nova. Use the ``nova`` driver
for real providers.

An account selects it with ``driver = simulated``. Accounts with the same
``auth_url``, ``tenant_name`` and ``region_name`` share one simulated
cloud. What it does:

* a server is ``BUILD`` for ``boot_seconds`` (default 1; set it with a
  query parameter of the ``auth_url``, e.g.
  ``simulated://demo?boot_seconds=0``) and then ``ACTIVE``;
* addresses come in order from TEST-NET-1 (``192.0.2.1``,
  ``192.0.2.2``, ...), deterministic per simulated cloud;
* images ``cirros`` and ``ubuntu``, flavors ``m1.tiny`` and ``m1.small``
  (ids or names); the defaults are the first of each;
* key pairs are registered as given (the worker generates real RSA keys);
* quotas per simulated cloud, as a Nova project's: ``instances``,
  ``cores`` and ``ram`` (MB) query parameters of the ``auth_url`` (e.g.
  ``simulated://demo?instances=10&cores=20&ram=51200``), else the
  ``[simulated] instances_quota``, ``cores_quota`` and ``ram_quota``
  options (default ``-1``: no limit). Every server it holds counts
  against them (whatever its status, until it is deleted); a boot that
  would go over is refused for lack of quota, and ``limits()`` tells
  what is used and allowed, as Nova's ``GET /limits``.

It is told to fail by naming the account's ``tenant_name`` or
``region_name`` after the failure wanted:

``fail``
    every call answers with an error, like a provider returning HTTP 500;
``unreachable``
    every call fails as if the provider were down;
``quota``
    boots are refused for lack of quota;
``timeout``
    boot requests time out, though the server was created;
``error``
    servers go to ``ERROR`` instead of ``ACTIVE``;
``stuck``
    servers never leave ``BUILD``;
``undeletable``
    deletions of servers are accepted, but the servers stay.

With ``[simulated] servers_file`` set, the servers of every simulated
cloud of the process are also recorded in that JSON file, replaced
atomically after each boot and deletion: ``{"servers": [{"id", "name",
"key_name", "metadata", "ip_addr", "auth_url", "tenant_name",
"region_name"}, ...]}``. Since a simulated cloud lives only in this
process's memory, the file is how an operator or a test lists what it
holds (for example to find servers that no queue entry owns).
"""

import dataclasses
import ipaddress
import itertools
import json
import os
import tempfile
import threading
import time
import typing
import urllib.parse
import uuid

from openmultistack import conf
from openmultistack.providers import base

FAILURE_MODES = ('fail', 'unreachable', 'quota', 'timeout', 'error',
                 'stuck', 'undeletable')
DEFAULT_BOOT_SECONDS = 1.0
_TEST_NET = ipaddress.ip_network('192.0.2.0/24')
_HOSTS = len(list(_TEST_NET.hosts()))

# id -> name; the first is the default.
IMAGES = {
    '0b5a0c8e-5e5c-4f4e-9d0b-5c1e0b5a0c8e': 'cirros',
    '7d3c2f1a-9b8e-4c6d-a5f4-3e2d1c0b9a87': 'ubuntu',
}
FLAVORS = {
    '1': 'm1.tiny',
    '2': 'm1.small',
}
# Quotas. Flavor id -> (ram MB, vcpus, disk GB), as Nova's defaults.
FLAVOR_SIZES = {
    '1': (512, 1, 1),
    '2': (2048, 1, 20),
}
QUOTAS = ('instances', 'cores', 'ram')


@dataclasses.dataclass
class _Server:
    id: str
    name: str
    key_name: str
    metadata: dict
    ip_addr: str
    ready_at: float
    outcome: str  # the status once ready_at has passed
    ram: int = 0
    vcpus: int = 0


class _Cloud:
    """The state of one simulated cloud, shared by its accounts."""

    def __init__(self):
        self.lock = threading.Lock()
        self.servers: dict[str, _Server] = {}
        self.keypairs: dict[str, str] = {}
        self.sequence = itertools.count()


_clouds: dict[tuple, _Cloud] = {}
_clouds_lock = threading.Lock()


def reset() -> None:
    """Forget every simulated cloud (for tests)."""
    with _clouds_lock:
        _clouds.clear()


def _record() -> None:
    """Write every server of this process to ``[simulated] servers_file``.

    The file is replaced with ``os.replace`` so that a reader sees either
    the previous or the new list, never a partial one. The clouds lock is
    held throughout, which keeps the writes of concurrent boots in order.
    """
    path = conf.CONF.simulated.servers_file
    if not path:
        return
    with _clouds_lock:
        servers = []
        for (auth_url, tenant_name, region_name), cloud in _clouds.items():
            with cloud.lock:
                servers.extend(
                    dict(id=server.id, name=server.name,
                         key_name=server.key_name,
                         metadata=server.metadata, ip_addr=server.ip_addr,
                         auth_url=auth_url, tenant_name=tenant_name,
                         region_name=region_name)
                    for server in cloud.servers.values())
        directory = os.path.dirname(os.path.abspath(path))
        fd, temporary = tempfile.mkstemp(dir=directory, prefix='.servers-')
        try:
            with os.fdopen(fd, 'w') as out:
                json.dump({'servers': servers}, out, sort_keys=True)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise


def _cloud(key: tuple) -> _Cloud:
    with _clouds_lock:
        return _clouds.setdefault(key, _Cloud())


class SimulatedProvider(base.Provider):
    """A simulated provider: see the module documentation."""

    def __init__(self, credentials: base.Credentials, timeout: float = 30.0):
        super().__init__(credentials, timeout)
        url = urllib.parse.urlsplit(credentials.auth_url or '')
        query = urllib.parse.parse_qs(url.query)
        try:
            self.boot_seconds = float(
                query.get('boot_seconds', [DEFAULT_BOOT_SECONDS])[0])
        except ValueError:
            self.boot_seconds = DEFAULT_BOOT_SECONDS
        self.quotas = self._quotas(query)
        modes = {credentials.tenant_name, credentials.region_name}
        self.failure = next((m for m in FAILURE_MODES if m in modes), None)
        self._cloud = _cloud((credentials.auth_url, credentials.tenant_name,
                              credentials.region_name))

    @staticmethod
    def _quotas(query: dict) -> dict:
        """``{"instances": n, "cores": n, "ram": n}``; -1: no limit."""
        options = conf.CONF.simulated
        quotas = {}
        for name in QUOTAS:
            default = getattr(options, '%s_quota' % name)
            try:
                quotas[name] = int(query.get(name, [default])[0])
            except ValueError:
                quotas[name] = default
        return quotas

    def _used(self) -> dict:
        """What the servers of the cloud use; call with its lock held."""
        servers = self._cloud.servers.values()
        return {'instances': len(self._cloud.servers),
                'cores': sum(server.vcpus for server in servers),
                'ram': sum(server.ram for server in servers)}

    def limits(self):
        self._check()
        with self._cloud.lock:
            used = self._used()
        return base.Limits(
            instances_used=used['instances'],
            instances_max=self.quotas['instances'],
            cores_used=used['cores'], cores_max=self.quotas['cores'],
            ram_used=used['ram'], ram_max=self.quotas['ram'])

    def get_flavor(self, flavor_id):
        self._check()
        if flavor_id not in FLAVORS:
            raise base.NotFound('flavor %r not found' % flavor_id)
        ram, vcpus, disk = FLAVOR_SIZES[flavor_id]
        return base.Flavor(id=flavor_id, name=FLAVORS[flavor_id], ram=ram,
                           vcpus=vcpus, disk=disk)

    def _over_quota(self, ram: int, vcpus: int) -> typing.Optional[str]:
        """Which quota one more server would exceed; lock held."""
        used = self._used()
        wanted = {'instances': 1, 'cores': vcpus, 'ram': ram}
        for name in QUOTAS:
            limit = self.quotas[name]
            if 0 <= limit < used[name] + wanted[name]:
                return '%s (%d of %d used, %d requested)' % (
                    name, used[name], limit, wanted[name])
        return None

    def _check(self) -> None:
        if self.failure == 'fail':
            raise base.ProviderError(
                'simulated failure: the provider answered HTTP 500')
        if self.failure == 'unreachable':
            raise base.ProviderUnreachable(
                'simulated outage: cannot connect to %s'
                % self.credentials.auth_url)

    @staticmethod
    def _find(catalogue: dict, ref: typing.Optional[str], kind: str) -> str:
        if ref is None:
            return next(iter(catalogue))
        for item_id, name in catalogue.items():
            if ref in (item_id, name):
                return item_id
        raise base.NotFound('%s %r not found' % (kind, ref))

    def find_image(self, ref):
        self._check()
        return self._find(IMAGES, ref, 'image')

    def find_flavor(self, ref):
        self._check()
        return self._find(FLAVORS, ref, 'flavor')

    def import_keypair(self, name, public_key):
        self._check()
        with self._cloud.lock:
            self._cloud.keypairs[name] = public_key

    def delete_keypair(self, name):
        self._check()
        with self._cloud.lock:
            self._cloud.keypairs.pop(name, None)

    def has_keypair(self, name: str) -> bool:
        """Whether a key pair is registered (for tests and demos)."""
        with self._cloud.lock:
            return name in self._cloud.keypairs

    def boot(self, name, image, flavor, key_name, metadata):
        self._check()
        if self.failure == 'quota':
            raise base.QuotaExceeded(
                'simulated quota exceeded: no more instances allowed')
        if image not in IMAGES or flavor not in FLAVORS:
            raise base.ProviderError('invalid image or flavor')
        outcome = {'error': base.ERROR, 'stuck': base.BUILD}.get(
            self.failure, base.ACTIVE)
        with self._cloud.lock:
            if key_name not in self._cloud.keypairs:
                raise base.ProviderError('key pair %r not found' % key_name)
            ram, vcpus, _disk = FLAVOR_SIZES[flavor]
            over = self._over_quota(ram, vcpus)
            if over:
                raise base.QuotaExceeded('simulated quota exceeded: %s'
                                         % over)
            address = _TEST_NET[1 + next(self._cloud.sequence) % _HOSTS]
            server = _Server(
                id=str(uuid.uuid4()), name=name, key_name=key_name,
                metadata=dict(metadata), ip_addr=str(address),
                ready_at=time.monotonic() + self.boot_seconds,
                outcome=outcome, ram=ram, vcpus=vcpus)
            self._cloud.servers[server.id] = server
        _record()
        if self.failure == 'timeout':
            raise base.ProviderTimeout('simulated timeout: no answer to the '
                                       'boot request')
        return self._view(server)

    @staticmethod
    def _view(server: _Server) -> base.Server:
        ready = time.monotonic() >= server.ready_at
        status = server.outcome if ready else base.BUILD
        return base.Server(
            id=server.id, name=server.name, status=status,
            ip_addr=server.ip_addr if status == base.ACTIVE else '',
            key_name=server.key_name,
            fault=('simulated fault: no valid host was found'
                   if status == base.ERROR else ''),
            metadata=dict(server.metadata))

    def get(self, server_id):
        self._check()
        with self._cloud.lock:
            server = self._cloud.servers.get(server_id)
        if server is None:
            raise base.NotFound('server %s not found' % server_id)
        return self._view(server)

    def delete_server(self, server_id):
        self._check()
        if self.failure == 'undeletable':
            return
        with self._cloud.lock:
            self._cloud.servers.pop(server_id, None)
        _record()

    def find_servers_by_metadata(self, key, value):
        self._check()
        with self._cloud.lock:
            servers = list(self._cloud.servers.values())
        return [self._view(s) for s in servers
                if s.metadata.get(key) == value]
