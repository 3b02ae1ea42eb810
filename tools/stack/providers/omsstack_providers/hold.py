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

"""Fault injection: a provider driver that holds chosen calls.

Crash-recovery tests must kill a worker at an exact step of a boot or a
deletion, which timing alone cannot hit. An account of driver ``held`` is
served by the driver that ``[held_provider] driver`` names (``nova``,
``simulated``, ...), except that the calls named by
``[held_provider] hold_at`` hold, as a provider that does not answer:

``import-keypair``
    before an entry's key pair is imported: the entry is claimed
    (``RECIVE``) and nothing was created on the provider;
``boot``
    after the server was created, before the answer: the entry does not
    name the server yet (``RECIVE``);
``first-get``
    the first look at a booted server, before the answer: the entry names
    it (``BOOT``) and it is most likely still building;
``active``
    the first look that finds the server ``ACTIVE``, before the answer:
    the entry is not ``RUN`` yet;
``delete-server``
    after the server's deletion was asked, before the answer: the entry is
    still ``DESTROY``.

A held call writes the marker ``<marker_dir>/<point>-<queue id>.json``
(``{"point", "queue_id", "server_id", "provider", "pid"}``; renamed into
place, so never read half-written), then waits ``[held_provider]
hold_seconds`` and goes on; unset, it waits for the worker's provider
timeout and fails with :class:`~openmultistack.providers.base.
ProviderTimeout`, as a provider that never answers. The worker renews its
leases meanwhile, as for any slow call. A point holds an entry once: while
its marker exists the call goes through (a second worker given the same
directory does not hold again).

Without ``hold_at`` the driver is the driver it wraps: every worker of a
test can share accounts of driver ``held`` and hold in some of them only.
"""

import json
import os
import time
import typing

from oslo_config import cfg

from openmultistack import conf
from openmultistack import providers
from openmultistack.providers import base

NAME = 'held'
GROUP = 'held_provider'

IMPORT_KEYPAIR = 'import-keypair'
BOOT = 'boot'
FIRST_GET = 'first-get'
ACTIVE = 'active'
DELETE_SERVER = 'delete-server'
POINTS = (IMPORT_KEYPAIR, BOOT, FIRST_GET, ACTIVE, DELETE_SERVER)

OPTS = [
    cfg.StrOpt('driver', default='simulated',
               help='The provider driver that serves the accounts of '
                    'driver held.'),
    cfg.ListOpt('hold_at', default=[],
                item_type=cfg.types.String(choices=POINTS),
                help='The calls that hold, once per queue entry. Points: '
                     '%s.' % ', '.join(POINTS)),
    cfg.StrOpt('marker_dir',
               help='Where a held call writes <point>-<queue id>.json. '
                    'Required with hold_at.'),
    cfg.FloatOpt('hold_seconds', min=0,
                 help='Seconds a held call waits before it goes on. '
                      'Unset: it waits for the provider timeout, then '
                      'fails as timed out.'),
]


def register_opts(config: cfg.ConfigOpts) -> None:
    config.register_opts(OPTS, group=GROUP)


def marker_path(directory: str, point: str, queue_id: int) -> str:
    """Where the marker of ``point`` for an entry is written."""
    return os.path.join(directory, '%s-%d.json' % (point, queue_id))


def _queue_id(value: typing.Optional[str]) -> typing.Optional[int]:
    try:
        return int(value or '')
    except ValueError:
        return None


class HeldProvider(base.Provider):
    """The ``[held_provider] driver``, holding chosen calls (see above)."""

    def __init__(self, credentials: base.Credentials, timeout: float = 30.0):
        super().__init__(credentials, timeout)
        register_opts(conf.CONF)
        self.options = conf.CONF[GROUP]
        if self.options.driver == NAME:
            raise base.ProviderError('[%s] driver cannot be %s itself'
                                     % (GROUP, NAME))
        if self.options.hold_at and not self.options.marker_dir:
            raise base.ProviderError('[%s] hold_at needs marker_dir'
                                     % GROUP)
        self.wrapped = providers.driver_class(self.options.driver)(
            credentials, timeout)

    def __getattr__(self, name: str):
        # What only the wrapped driver has (e.g. has_keypair of the
        # simulated one).
        if name == 'wrapped':
            raise AttributeError(name)
        return getattr(self.wrapped, name)

    def _hold(self, point: str, queue_id: typing.Optional[int],
              server_id: typing.Optional[str] = None) -> None:
        if point not in self.options.hold_at or queue_id is None:
            return
        path = marker_path(self.options.marker_dir, point, queue_id)
        if os.path.exists(path):
            return
        content = {'point': point, 'queue_id': queue_id,
                   'provider': self.name, 'pid': os.getpid()}
        if server_id:
            content['server_id'] = server_id
        partial = path + '.partial'
        with open(partial, 'w') as marker:
            json.dump(content, marker)
        os.replace(partial, path)
        seconds = self.options.hold_seconds
        if seconds is not None:
            time.sleep(seconds)
            return
        time.sleep(self.timeout)
        raise base.ProviderTimeout('%s: held for %s s (%s)'
                                   % (point, self.timeout, NAME))

    @staticmethod
    def _tagged(server: base.Server) -> typing.Optional[int]:
        return _queue_id(server.metadata.get(base.QUEUE_ID_METADATA_KEY))

    def find_image(self, ref):
        return self.wrapped.find_image(ref)

    def find_flavor(self, ref):
        return self.wrapped.find_flavor(ref)

    def list_flavors(self):
        return self.wrapped.list_flavors()

    def list_images(self):
        return self.wrapped.list_images()

    def limits(self):
        return self.wrapped.limits()

    def import_keypair(self, name, public_key):
        # The worker names key pairs <resource prefix>-<queue id>.
        self._hold(IMPORT_KEYPAIR, _queue_id(name.rpartition('-')[2]))
        self.wrapped.import_keypair(name, public_key)

    def delete_keypair(self, name):
        self.wrapped.delete_keypair(name)

    def boot(self, name, image, flavor, key_name, metadata):
        server = self.wrapped.boot(name, image, flavor, key_name, metadata)
        self._hold(BOOT, _queue_id(metadata.get(base.QUEUE_ID_METADATA_KEY)),
                   server.id)
        return server

    def get(self, server_id):
        server = self.wrapped.get(server_id)
        self._hold(FIRST_GET, self._tagged(server), server_id)
        if server.status == base.ACTIVE:
            self._hold(ACTIVE, self._tagged(server), server_id)
        return server

    def delete_server(self, server_id):
        queue_id = None
        if DELETE_SERVER in self.options.hold_at:
            try:
                queue_id = self._tagged(self.wrapped.get(server_id))
            except base.ProviderError:
                pass
        self.wrapped.delete_server(server_id)
        self._hold(DELETE_SERVER, queue_id, server_id)

    def find_servers_by_metadata(self, key, value):
        return self.wrapped.find_servers_by_metadata(key, value)

    def close(self):
        self.wrapped.close()
