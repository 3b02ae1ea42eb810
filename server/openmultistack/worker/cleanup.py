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

"""Deleting what a queue entry holds on a provider."""

import typing

from oslo_log import log as logging

from openmultistack.db import events
from openmultistack.providers import base
from openmultistack.worker import context as worker_context

LOG = logging.getLogger(__name__)
MAX_REASON = 300


def short(reason: typing.Any) -> str:
    """A reason cut to a length fit for one event line."""
    text = str(reason) or type(reason).__name__
    return text if len(text) <= MAX_REASON else text[:MAX_REASON - 3] + '...'


def delete_server(provider: base.Provider, server_id: str) -> list[str]:
    """Delete a server; return what failed, why."""
    try:
        provider.delete_server(server_id)
    except base.ProviderError as exc:
        return ['server %s: %s' % (server_id, short(exc))]
    return []


def delete_resources(provider: base.Provider, key_name: str,
                     server_id: typing.Optional[str] = None) -> list[str]:
    """Delete a server (if any) and a key pair; return what failed, why."""
    failures = delete_server(provider, server_id) if server_id else []
    try:
        provider.delete_keypair(key_name)
    except base.ProviderError as exc:
        failures.append('key pair %s: %s' % (key_name, short(exc)))
    return failures


def delete_tagged(provider: base.Provider, queue_id: int,
                  key_name: str) -> tuple[list[str], list[str]]:
    """Delete this entry's tagged servers and its key pair.

    A server counts as the entry's when it carries the queue id tag and
    was booted with the entry's key pair ``key_name``: another deployment
    (another ``[worker] resource_prefix``) sharing the account numbers its
    entries from 1 too, and its servers are not this one's to delete.

    :returns: the ids of the servers deleted, and what failed, why.
    """
    try:
        servers = [server for server in provider.find_servers_by_metadata(
            base.QUEUE_ID_METADATA_KEY, str(queue_id))
            if server.key_name == key_name]
    except base.ProviderError as exc:
        return [], ['looking for servers: %s' % short(exc)]
    failures = []
    for server in servers:
        failures += delete_resources(provider, key_name, server.id)
    failures += delete_resources(provider, key_name)
    return [server.id for server in servers], failures


def sweep(ctx: worker_context.Context, queue_id: int, key_name: str,
          accounts: typing.Iterable) -> None:
    """Delete every server tagged with ``queue_id`` and its key pairs.

    For an entry whose worker died before it wrote down which server it
    had asked for: whatever the tag finds is an orphan. Providers that
    cannot be asked are reported in the event log and skipped.
    """
    for account in accounts:
        try:
            provider = ctx.provider(account)
        except base.ProviderError as exc:
            ctx.record('queue %d: could not look for leftovers on provider '
                       '%s: %s' % (queue_id, account.provider, short(exc)),
                       queue_id, events.WARNING)
            continue
        try:
            deleted, failures = delete_tagged(provider, queue_id, key_name)
        finally:
            provider.close()
        for server_id in deleted:
            ctx.record('queue %d: deleted orphan server %s on provider %s'
                       % (queue_id, server_id, account.provider), queue_id,
                       events.WARNING)
        for failure in failures:
            ctx.record('queue %d: could not clean up on provider %s: %s'
                       % (queue_id, account.provider, failure), queue_id,
                       events.WARNING)
