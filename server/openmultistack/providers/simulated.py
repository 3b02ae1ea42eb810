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

* a server is ``BUILD`` for ``[simulated] boot_seconds`` (default 1)
  and then ``ACTIVE``; a query parameter of the ``auth_url`` sets it for
  one account, e.g. ``simulated://demo?boot_seconds=0``;
* addresses come in order from TEST-NET-1 (``192.0.2.1``,
  ``192.0.2.2``, ...), deterministic per simulated cloud;
* the flavors of ``FLAVORS``: ``m1.tiny`` (512 MB RAM, 1 vCPU, 1 GB
  disk), ``m1.small`` (2048, 1, 20), ``m1.medium`` (4096, 2, 40),
  ``m1.large`` (8192, 4, 80), all public, and ``c1.reserved`` (16384, 8,
  160), not public;
* the images of ``IMAGES``, with Glance's ``os_distro`` and
  ``os_version`` properties and a creation time: ``cirros`` (0.6),
  ``ubuntu-22.04``, ``ubuntu-24.04`` (the newest), ``debian-12``, all
  ``active``, and ``ubuntu-20.04``, ``deactivated``; ``find_image`` and
  ``find_flavor`` take ids or names, their defaults are ``cirros`` and
  ``m1.tiny``;
* key pairs are registered as given (the worker generates real keys,
  Ed25519 by default);
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
cloud of the process are also recorded in that file, one JSON object per
line, a line appended at each boot and deletion: a server is ``{"id",
"name", "key_name", "metadata", "ip_addr", "status", "ram", "vcpus",
"auth_url", "tenant_name", "region_name"}``, a deletion ``{"id",
"deleted": true}``, and the last line about an id wins
(``read_servers_file()`` of this module reads it so). Appending keeps a
boot's cost the same however many servers the clouds hold (rewriting the
whole list at each boot made a thousand boots cost a quarter of a million
server records). Since a simulated cloud lives only in this process's memory,
the file is how an operator or a test lists what it holds (for example
to find servers that no queue entry owns), and how a process started
again finds its servers: the first simulated cloud a process uses loads
every server the file records, in the status it had (a server still in
``BUILD`` then is taken as ready), so that the entries of a restarted
service still find, and delete, their servers; the first record the
process writes then replaces the file, atomically, with one line per
server it holds. A file that cannot be read is logged and left alone
until that replacement.
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

from oslo_log import log as logging

from openmultistack import conf
from openmultistack.providers import base

FAILURE_MODES = ('fail', 'unreachable', 'quota', 'timeout', 'error',
                 'stuck', 'undeletable')
_TEST_NET = ipaddress.ip_network('192.0.2.0/24')
_HOSTS = len(list(_TEST_NET.hosts()))

#: What every simulated cloud offers; the first of each is the default
#: of find_flavor/find_image.
FLAVORS = (
    base.Flavor('1', 'm1.tiny', ram=512, vcpus=1, disk=1),
    base.Flavor('2', 'm1.small', ram=2048, vcpus=1, disk=20),
    base.Flavor('3', 'm1.medium', ram=4096, vcpus=2, disk=40),
    base.Flavor('4', 'm1.large', ram=8192, vcpus=4, disk=80),
    base.Flavor('5', 'c1.reserved', ram=16384, vcpus=8, disk=160,
                is_public=False),
)
IMAGES = (
    base.Image('0b5a0c8e-5e5c-4f4e-9d0b-5c1e0b5a0c8e', 'cirros', 'active',
               {'os_distro': 'cirros', 'os_version': '0.6'},
               '2023-05-30T12:00:00Z'),
    base.Image('7d3c2f1a-9b8e-4c6d-a5f4-3e2d1c0b9a87', 'ubuntu-22.04',
               'active', {'os_distro': 'ubuntu', 'os_version': '22.04'},
               '2022-04-21T12:00:00Z'),
    base.Image('c4a1f2e3-7b6d-4d5c-8e9f-0a1b2c3d4e5f', 'ubuntu-24.04',
               'active', {'os_distro': 'ubuntu', 'os_version': '24.04'},
               '2024-04-25T12:00:00Z'),
    base.Image('5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9', 'debian-12',
               'active', {'os_distro': 'debian', 'os_version': '12'},
               '2023-06-10T12:00:00Z'),
    base.Image('2f3e4d5c-6b7a-4980-9a1b-2c3d4e5f6a7b', 'ubuntu-20.04',
               'deactivated', {'os_distro': 'ubuntu', 'os_version': '20.04'},
               '2020-04-23T12:00:00Z'),
)
QUOTAS = ('instances', 'cores', 'ram')
LOG = logging.getLogger(__name__)


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
_loaded = False
# The next record replaces the servers file rather than append to it: at
# the start of a process, whose file may hold the lines of earlier runs
# (or be unreadable), and after a record that could not be written.
_replace_next = True


def reset() -> None:
    """Forget every simulated cloud, as a new process (for tests)."""
    global _loaded, _replace_next
    with _clouds_lock:
        _clouds.clear()
        _loaded = False
        _replace_next = True


# How the file began when it held one JSON document, rewritten each time.
_OLD_FORM = '{"servers": '


def read_servers_file(path: str) -> list[dict]:
    """The servers a ``[simulated] servers_file`` records, oldest first.

    :raises OSError: the file cannot be read.
    :raises ValueError: a line is not a JSON object with an ``id`` (a
        last line without its newline, cut short by a crash while it was
        written, is left out).
    """
    servers: dict[str, dict] = {}
    with open(path, encoding='utf-8') as record:
        if record.read(len(_OLD_FORM)) == _OLD_FORM:
            # The whole list, as releases before this one wrote it.
            record.seek(0)
            return list(json.load(record)['servers'])
        record.seek(0)
        for line in record:
            if not line.endswith('\n'):
                break
            if not line.strip():
                continue
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(
                    item.get('id'), str):
                raise ValueError('a line is not a server: %.100r' % line)
            if item.get('deleted'):
                servers.pop(item['id'], None)
            else:
                servers[item['id']] = item
    return list(servers.values())


def _load() -> None:
    """Take in the servers ``[simulated] servers_file`` records.

    Once per process, with the clouds lock held: a previous run of the
    process wrote the file, and its servers are this run's.
    """
    global _loaded
    _loaded = True
    path = conf.CONF.simulated.servers_file
    if not path or not os.path.exists(path):
        return
    try:
        servers = read_servers_file(path)
        clouds: dict[tuple, dict] = {}
        for item in servers:
            key = (item['auth_url'], item['tenant_name'],
                   item['region_name'])
            clouds.setdefault(key, {})[item['id']] = _Server(
                id=item['id'], name=item['name'], key_name=item['key_name'],
                metadata=dict(item['metadata']), ip_addr=item['ip_addr'],
                ready_at=0.0, outcome=item.get('status', base.ACTIVE),
                ram=int(item.get('ram', 0)), vcpus=int(item.get('vcpus', 0)))
    except (OSError, ValueError, KeyError, TypeError) as error:
        LOG.warning('Simulated servers not loaded: %s is not a servers '
                    'record (%s: %s)', path, type(error).__name__, error)
        return
    for key, loaded in clouds.items():
        cloud = _clouds.setdefault(key, _Cloud())
        cloud.servers.update(loaded)
        # New servers take the addresses after the ones loaded.
        cloud.sequence = itertools.count(len(cloud.servers))
    LOG.info('Loaded %d simulated servers from %s', len(servers), path)


def _line(key: tuple, server: _Server) -> dict:
    auth_url, tenant_name, region_name = key
    return dict(id=server.id, name=server.name, key_name=server.key_name,
                metadata=server.metadata, ip_addr=server.ip_addr,
                status=server.outcome, ram=server.ram, vcpus=server.vcpus,
                auth_url=auth_url, tenant_name=tenant_name,
                region_name=region_name)


def _json_line(item: dict) -> str:
    return json.dumps(item, sort_keys=True) + '\n'


def _record(change: dict) -> None:
    """Write one boot or deletion to ``[simulated] servers_file``.

    ``change`` is its line: appended, unless the file is to be replaced
    (see :data:`_replace_next`), which ``os.replace`` does with every
    server of the process, so that a reader sees either the previous or
    the new file, never a partial one. The clouds lock is held
    throughout, which keeps the records of concurrent boots in order.
    """
    global _replace_next
    path = conf.CONF.simulated.servers_file
    if not path:
        return
    with _clouds_lock:
        try:
            if _replace_next:
                _replace(path)
                _replace_next = False
            else:
                with open(path, 'a', encoding='utf-8') as out:
                    out.write(_json_line(change))
        except OSError as error:
            # The record is for looking at; the servers are fine without.
            _replace_next = True
            LOG.warning('Simulated servers not recorded in %s: %s',
                        path, error)


def _replace(path: str) -> None:
    """Replace the servers file with one line per server held."""
    lines = []
    for key, cloud in _clouds.items():
        with cloud.lock:
            lines.extend(_json_line(_line(key, server))
                         for server in cloud.servers.values())
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=directory, prefix='.servers-')
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as out:
            out.writelines(lines)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _cloud(key: tuple) -> _Cloud:
    with _clouds_lock:
        if not _loaded:
            _load()
        return _clouds.setdefault(key, _Cloud())


class SimulatedProvider(base.Provider):
    """A simulated provider: see the module documentation."""

    def __init__(self, credentials: base.Credentials, timeout: float = 30.0):
        super().__init__(credentials, timeout)
        url = urllib.parse.urlsplit(credentials.auth_url or '')
        query = urllib.parse.parse_qs(url.query)
        self.boot_seconds = conf.CONF.simulated.boot_seconds
        try:
            self.boot_seconds = max(0.0, float(
                query.get('boot_seconds', [self.boot_seconds])[0]))
        except ValueError:
            pass
        self.quotas = self._quotas(query)
        modes = {credentials.tenant_name, credentials.region_name}
        self.failure = next((m for m in FAILURE_MODES if m in modes), None)
        self._key = (credentials.auth_url, credentials.tenant_name,
                     credentials.region_name)
        self._cloud = _cloud(self._key)

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
    def _find(catalogue: tuple, ref: typing.Optional[str], kind: str) -> str:
        if ref is None:
            return catalogue[0].id
        for item in catalogue:
            if ref in (item.id, item.name):
                return item.id
        raise base.NotFound('%s %r not found' % (kind, ref))

    def find_image(self, ref):
        self._check()
        return self._find(IMAGES, ref, 'image')

    def find_flavor(self, ref):
        self._check()
        return self._find(FLAVORS, ref, 'flavor')

    def list_flavors(self):
        self._check()
        return list(FLAVORS)

    def list_images(self):
        self._check()
        return list(IMAGES)

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
        if (image not in {i.id for i in IMAGES if i.status == 'active'}
                or flavor not in {f.id for f in FLAVORS}):
            raise base.ProviderError('invalid image or flavor')
        outcome = {'error': base.ERROR, 'stuck': base.BUILD}.get(
            self.failure, base.ACTIVE)
        with self._cloud.lock:
            if key_name not in self._cloud.keypairs:
                raise base.ProviderError('key pair %r not found' % key_name)
            size = next(f for f in FLAVORS if f.id == flavor)
            ram, vcpus = size.ram, size.vcpus
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
        _record(_line(self._key, server))
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
            gone = self._cloud.servers.pop(server_id, None)
        if gone is not None:
            _record({'id': server_id, 'deleted': True})

    def find_servers_by_metadata(self, key, value):
        self._check()
        with self._cloud.lock:
            servers = list(self._cloud.servers.values())
        return [self._view(s) for s in servers
                if s.metadata.get(key) == value]
