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

"""The OpenMultiStack API (service type ``multistack``) for the panels."""

from __future__ import annotations

from horizon.utils import memoized
from omsclient import client as oms_client

from omsdashboard.api import _session

SERVICE_TYPE = 'multistack'


@memoized.memoized
def omsclient(request):
    """The OpenMultiStack client of this request's user."""
    session, endpoint = _session.session_for(request, SERVICE_TYPE)
    return oms_client.Client('1', session=session, endpoint=endpoint)


def queue_list(request) -> list:
    """Queue entries the user may see: their project's (all for admins)."""
    return list(omsclient(request).queues.list())


def queue_get(request, queue_id):
    return omsclient(request).queues.get(queue_id)


def queue_create(request, image=None, flavor=None, name=None,
                 provider=None, min_ram=None, min_vcpus=None, min_disk=None,
                 image_properties=None):
    """Ask for a new instance; empty options are not sent.

    The requirements (``min_ram``, ``min_vcpus``, ``min_disk``: numbers,
    ``0`` included; ``image_properties``: a dict) are passed only when
    given; omsclient checks them and refuses them for a server that would
    ignore them.
    """
    wanted = {name: value for name, value in (
        ('min_ram', min_ram), ('min_vcpus', min_vcpus),
        ('min_disk', min_disk), ('image_properties', image_properties or None))
        if value is not None}
    return omsclient(request).queues.create(
        image=image or None, flavor=flavor or None, name=name or None,
        provider=provider or None, **wanted)


def queue_delete(request, queue_id) -> None:
    omsclient(request).queues.delete(queue_id)


def private_key_get(request, instance_id):
    """The key pair of an instance: ``key_name`` and ``key_raw``."""
    return omsclient(request).instances.get_private_key(instance_id)


def account_list(request) -> list:
    return list(omsclient(request).accounts.list())


def account_get(request, account_id):
    return omsclient(request).accounts.get(account_id)


def account_create(request, **fields):
    return omsclient(request).accounts.create(**fields)


def account_update(request, account_id, **fields):
    return omsclient(request).accounts.update(account_id, **fields)


def account_delete(request, account_id) -> None:
    omsclient(request).accounts.delete(account_id)


def provider_list(request) -> list:
    """Every provider account's reachability, quota and entries."""
    return list(omsclient(request).providers.list())
