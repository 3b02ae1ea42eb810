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

"""Nova compute providers, through python-novaclient.

An account reaches its Nova through Keystone: ``auth_url`` is the
identity endpoint, e.g. ``https://keystone.example.com/v3``. The driver
authenticates with ``username``/``password`` scoped to ``tenant_id`` (or
``tenant_name``) in ``user_domain_name``/``project_domain_name``, and finds
the compute, image and network endpoints in the catalog of
``region_name``. A catalog without an image service has its images looked
up through the compute API's image proxy; one without a network service
boots servers without a network.

``version`` chooses the compute API microversion: empty, ``2`` or
``2.latest`` use the newest one both sides know (discovered once per
provider object); an exact microversion such as ``2.90`` is used as is if
the server supports it.

Every request carries the provider timeout given by the worker.
"""

import contextlib
import logging
import re
import typing

from keystoneauth1 import exceptions as ksa_exc
from keystoneauth1 import identity
from keystoneauth1 import plugin as ksa_plugin
from keystoneauth1 import session as ksa_session
from novaclient import api_versions
from novaclient import client as nova_client
from novaclient import exceptions as nova_exc
from oslo_utils import uuidutils

from openmultistack.providers import base

# The newest microversion without the image proxy API (2.36 removed it).
IMAGE_PROXY_VERSION = '2.35'
# ``networks: "none"`` exists from this microversion on.
NICS_NONE_VERSION = api_versions.APIVersion('2.37')
_DISCOVER = ('', '2', '2.latest', 'latest')
# keystoneauth logs whole request and response bodies at DEBUG level, and
# Nova's answer to a boot carries the server's admin password: the HTTP
# traffic of this driver is logged through a logger kept above DEBUG.
HTTP_LOG = logging.getLogger(__name__ + '.http')
HTTP_LOG.setLevel(logging.INFO)
_TAG = re.compile(r'<[^>]+>')
_URL = re.compile(r'(?:connection to|exception for) (\S+?):? ')
_ERRNO = re.compile(r'\[Errno -?\d+\] ([^"\')]+)')


def password_auth(credentials: base.Credentials) -> ksa_plugin.BaseAuthPlugin:
    """Keystone password authentication, scoped to the account's project."""
    scope = ({'project_id': credentials.tenant_id}
             if credentials.tenant_id else
             {'project_name': credentials.tenant_name,
              'project_domain_name': credentials.project_domain_name})
    return identity.Password(
        auth_url=credentials.auth_url,
        username=credentials.username,
        password=credentials.password,
        user_domain_name=credentials.user_domain_name,
        **scope)


def _one_line(text: str) -> str:
    """Error text without HTML tags and line breaks."""
    return ' '.join(_TAG.sub(' ', text).split())


def _connection_reason(exc: ksa_exc.ConnectionError) -> str:
    """``cannot connect to URL (Connection refused)``.

    keystoneauth's message also carries urllib3's retry-pool details,
    which say nothing more to a user.
    """
    text = str(exc)
    url = _URL.search(text)
    errno = _ERRNO.search(text)
    return 'cannot connect to %s (%s)' % (
        url.group(1) if url else 'the provider',
        errno.group(1).strip() if errno else _one_line(text)[:200])


@contextlib.contextmanager
def _translated(action: str):
    """Turn client library errors into :class:`base.ProviderError`."""
    try:
        yield
    except nova_exc.NotFound as exc:
        raise base.NotFound('%s: %s' % (action, _one_line(str(exc))))
    except nova_exc.ClientException as exc:
        reason = _one_line(str(exc))
        if exc.code == 413 or 'quota' in reason.lower():
            raise base.QuotaExceeded('%s: %s' % (action, reason))
        if isinstance(exc.code, int) and 400 <= exc.code < 500:
            raise base.Refused('%s: %s' % (action, reason))
        raise base.ProviderError('%s: %s' % (action, reason))
    except nova_exc.UnsupportedVersion as exc:
        raise base.ProviderError('%s: %s' % (action, _one_line(str(exc))))
    except ksa_exc.ConnectTimeout as exc:
        raise base.ProviderTimeout('%s: timed out (%s)' % (action, exc))
    except ksa_exc.ConnectionError as exc:
        raise base.ProviderUnreachable('%s: %s'
                                       % (action, _connection_reason(exc)))
    except ksa_exc.Unauthorized as exc:
        raise base.Refused('%s: authentication failed (%s)'
                           % (action, _one_line(str(exc))))
    except ksa_exc.EndpointNotFound:
        raise base.ProviderError('%s: no compute endpoint in the catalog'
                                 % action)
    except ksa_exc.ClientException as exc:
        raise base.ProviderError('%s: %s' % (action, _one_line(str(exc))))


# The attributes of a Glance v2 image that are not image properties.
_GLANCE_CORE = frozenset((
    'id', 'name', 'status', 'visibility', 'protected', 'os_hidden',
    'checksum', 'os_hash_algo', 'os_hash_value', 'owner', 'size',
    'virtual_size', 'min_ram', 'min_disk', 'container_format',
    'disk_format', 'created_at', 'updated_at', 'tags', 'self', 'file',
    'schema', 'direct_url', 'locations', 'stores'))


def _glance_image(image: dict) -> base.Image:
    """An image of Glance's v2 API: its properties are top-level keys."""
    return base.Image(
        id=image['id'], name=image.get('name') or '',
        status=(image.get('status') or '').lower(),
        properties={key: value for key, value in image.items()
                    if key not in _GLANCE_CORE and isinstance(value, str)},
        created_at=image.get('created_at') or '')


def _proxy_image(image: dict) -> base.Image:
    """An image of the compute API's image proxy (``metadata``)."""
    return base.Image(
        id=image['id'], name=image.get('name') or '',
        status=(image.get('status') or '').lower(),
        properties={key: str(value) for key, value in
                    (image.get('metadata') or {}).items()},
        created_at=image.get('created') or '')


def first_fixed_ip(addresses: typing.Mapping[str, list]) -> str:
    """The first fixed address of a server (IPv4 preferred)."""
    candidates = [a for net in addresses.values() for a in net
                  if a.get('OS-EXT-IPS:type', 'fixed') == 'fixed']
    for address in candidates:
        if address.get('version', 4) == 4:
            return address['addr']
    return candidates[0]['addr'] if candidates else ''


class NovaProvider(base.Provider):
    """A Nova provider: see the module documentation."""

    def __init__(self, credentials: base.Credentials, timeout: float = 30.0):
        super().__init__(credentials, timeout)
        self.session = ksa_session.Session(auth=self.auth_plugin(),
                                           timeout=timeout)
        self._endpoint_filter = {'interface': 'public'}
        if credentials.region_name:
            self._endpoint_filter['region_name'] = credentials.region_name
        self._nova = None

    def auth_plugin(self) -> ksa_plugin.BaseAuthPlugin:
        """How the driver's keystoneauth session authenticates."""
        return password_auth(self.credentials)

    # The novaclient client, built on first use with the microversion
    # negotiated with the server.
    @property
    def nova(self):
        if self._nova is None:
            requested = (self.credentials.version or '').strip()
            if requested in _DISCOVER:
                requested = '2.latest'
            with _translated('negotiating the compute API version'):
                probe = nova_client.Client(
                    '2.1', session=self.session, **self._client_filter())
                version = api_versions.discover_version(
                    probe, api_versions.APIVersion(requested))
                self._nova = nova_client.Client(
                    version, session=self.session, **self._client_filter())
        return self._nova

    def _client_filter(self) -> dict:
        kwargs = {'endpoint_type': 'public', 'logger': HTTP_LOG}
        if 'region_name' in self._endpoint_filter:
            kwargs['region_name'] = self._endpoint_filter['region_name']
        return kwargs

    def _get_json(self, service_type: str, path: str, **kwargs) -> dict:
        endpoint_filter = dict(self._endpoint_filter,
                               service_type=service_type)
        return self.session.get(path, endpoint_filter=endpoint_filter,
                                logger=HTTP_LOG, **kwargs).json()

    def _paged(self, service_type: str, path: str, key: str,
               params: dict, **kwargs) -> typing.Iterator[dict]:
        """Every item of a list, following its pages by marker.

        Glance says there is a next page with ``next``, the compute API
        with a ``next`` link in ``<key>_links``.
        """
        params = dict(params)
        while True:
            body = self._get_json(service_type, path, params=params,
                                  **kwargs)
            items = body.get(key) or []
            yield from items
            more = body.get('next') or any(
                link.get('rel') == 'next'
                for link in body.get(key + '_links') or [])
            if not items or not more:
                return
            params['marker'] = items[-1]['id']

    def _images(self, params: dict) -> list[base.Image]:
        """The images, through the image service if the catalog has one."""
        try:
            return [_glance_image(image) for image in
                    self._paged('image', '/v2/images', 'images', params)]
        except ksa_exc.EndpointNotFound:
            pass
        # No image service in reach: the compute API's image proxy.
        version = IMAGE_PROXY_VERSION
        return [_proxy_image(image) for image in self._paged(
            'compute', '/images/detail', 'images', params,
            headers={'OpenStack-API-Version': 'compute %s' % version,
                     'X-OpenStack-Nova-API-Version': version})]

    def list_images(self):
        with _translated('listing images'):
            return self._images({})

    def find_image(self, ref):
        if ref and uuidutils.is_uuid_like(ref):
            return ref
        with _translated('looking up image %s' % (ref or '(default)')):
            images = [i for i in self._images({'name': ref} if ref else {})
                      if ref is None or i.name == ref]
        if ref is None:
            images = [i for i in images if i.status == 'active']
        if not images:
            raise base.NotFound('image %s not found'
                                % (ref or '(any active)'))
        if ref is not None and len(images) > 1:
            raise base.ProviderError('several images are named %s: use an '
                                     'id' % ref)
        return images[0].id

    def list_flavors(self):
        with _translated('listing flavors'):
            flavors = self.nova.flavors.list(detailed=True, is_public=True)
        # Without the flavor access extension's attribute, public.
        return [base.Flavor(id=str(f.id), name=f.name, ram=int(f.ram),
                            vcpus=int(f.vcpus), disk=int(f.disk or 0),
                            is_public=f.is_public is not False)
                for f in flavors]

    def find_flavor(self, ref):
        with _translated('looking up flavor %s' % (ref or '(default)')):
            flavors = self.nova.flavors.list(detailed=True)
        if ref is None:
            if not flavors:
                raise base.NotFound('the provider offers no flavor')
            return min(flavors, key=lambda f: (f.ram, f.vcpus, f.disk)).id
        for match in (lambda f: f.id == ref, lambda f: f.name == ref):
            found = [f for f in flavors if match(f)]
            if len(found) == 1:
                return found[0].id
            if found:
                raise base.ProviderError('several flavors are named %s: '
                                         'use an id' % ref)
        raise base.NotFound('flavor %s not found' % ref)

    def limits(self):
        with _translated('reading the limits'):
            absolute = {limit.name: limit.value
                        for limit in self.nova.limits.get().absolute}

        def figure(name):
            value = absolute.get(name)
            return value if isinstance(value, int) else base.UNLIMITED

        # A figure Nova leaves out limits nothing; one used figure left
        # out is none used.
        return base.Limits(
            instances_used=max(figure('totalInstancesUsed'), 0),
            instances_max=figure('maxTotalInstances'),
            cores_used=max(figure('totalCoresUsed'), 0),
            cores_max=figure('maxTotalCores'),
            ram_used=max(figure('totalRAMUsed'), 0),
            ram_max=figure('maxTotalRAMSize'))

    def import_keypair(self, name, public_key):
        with _translated('importing key pair %s' % name):
            try:
                self.nova.keypairs.create(name, public_key=public_key)
            except nova_exc.Conflict:
                # Key pair names are derived from the queue entry: one
                # left over by an interrupted attempt is ours to replace.
                self.nova.keypairs.delete(name)
                self.nova.keypairs.create(name, public_key=public_key)

    def delete_keypair(self, name):
        self._delete('deleting key pair %s' % name, self.nova.keypairs, name)

    @staticmethod
    def _delete(action: str, manager, resource_id: str) -> None:
        """Delete through a novaclient manager; gone already is fine."""
        with _translated(action):
            try:
                manager.delete(resource_id)
            except nova_exc.NotFound:
                pass

    def _networks(self):
        """The ``nics`` argument: a usable network, else ``'none'``."""
        try:
            body = self._get_json('network', '/v2.0/networks',
                                  params={'status': 'ACTIVE'})
        except ksa_exc.EndpointNotFound:
            return 'none'
        project = self.session.get_project_id()
        networks = body.get('networks', [])

        def rank(net):
            return (net.get('router:external', False),
                    net.get('project_id') != project)

        usable = sorted((n for n in networks
                         if n.get('project_id') == project
                         or n.get('shared')), key=rank)
        return [{'net-id': usable[0]['id']}] if usable else 'none'

    def boot(self, name, image, flavor, key_name, metadata):
        with _translated('booting %s' % name):
            kwargs = {'key_name': key_name, 'meta': dict(metadata)}
            if self.nova.api_version >= NICS_NONE_VERSION:
                kwargs['nics'] = self._networks()
            server = self.nova.servers.create(name, image, flavor, **kwargs)
        # The answer to a create holds little more than the id; a missing
        # attribute of a novaclient resource would cost a GET.
        return base.Server(id=server.id, name=name,
                           status=server.to_dict().get('status', base.BUILD),
                           key_name=key_name, metadata=dict(metadata))

    @staticmethod
    def _view(server) -> base.Server:
        info = server.to_dict()
        fault = info.get('fault') or {}
        return base.Server(
            id=info['id'], name=info.get('name') or '',
            status=info.get('status') or '',
            ip_addr=first_fixed_ip(info.get('addresses') or {}),
            key_name=info.get('key_name') or '',
            fault=_one_line(fault.get('message') or ''),
            metadata=dict(info.get('metadata') or {}))

    def get(self, server_id):
        with _translated('getting server %s' % server_id):
            server = self._view(self.nova.servers.get(server_id))
        if server.status == 'DELETED':
            raise base.NotFound('server %s is deleted' % server_id)
        return server

    def delete_server(self, server_id):
        self._delete('deleting server %s' % server_id, self.nova.servers,
                     server_id)

    def find_servers_by_metadata(self, key, value):
        with _translated('listing servers'):
            servers = self.nova.servers.list(detailed=True, limit=-1)
        found = [self._view(s) for s in servers]
        return [s for s in found if s.metadata.get(key) == value]

    def close(self):
        self.session.session.close()
