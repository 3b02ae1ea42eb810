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

"""A TEST HOOK: hold a job at a named point so a test can kill the worker.

Crash-recovery tests must kill a worker at an exact step of a boot or a
deletion, which timing alone cannot hit. With ``[worker] test_pause_at``
naming some of :data:`POINTS`, a job that reaches one of them writes a
marker file ``<[worker] test_pause_dir>/<point>-<queue id>.json`` and
waits there, its lease still renewed as a live worker's would be, until
the process is killed (or for ``[worker] test_pause_seconds``, then goes
on). On a graceful shutdown the held job is handed back like any other
once ``[worker] graceful_shutdown_timeout`` has passed.

Off by default; never set it in production.
"""

import json
import os
import typing

from oslo_log import log as logging

LOG = logging.getLogger(__name__)

#: An entry claimed, before anything is asked of a provider.
CLAIMED = 'claimed'
#: A server asked for and created, before the entry names it.
BOOT_REQUESTED = 'boot-requested'
#: The server recorded on the entry (``BOOT``), still building.
BUILDING = 'building'
#: The server ``ACTIVE``, before the entry is set to ``RUN``.
BOOTED = 'booted'
#: The server and key pair deletion asked for, the entry still there.
DESTROYING = 'destroying'

POINTS = (CLAIMED, BOOT_REQUESTED, BUILDING, BOOTED, DESTROYING)

# Long enough to be killed in; the wait ends early on shutdown.
_HOLD_SECONDS = 3600.0


def marker_path(directory: str, point: str, queue_id: int) -> str:
    """Where the marker of ``point`` for an entry is written."""
    return os.path.join(directory, '%s-%d.json' % (point, queue_id))


def _write_marker(path: str, content: dict) -> None:
    # Renamed into place, so that a reader never sees half a file.
    partial = path + '.partial'
    with open(partial, 'w') as marker:
        json.dump(content, marker)
    os.replace(partial, path)


def pause(ctx: typing.Any, point: str, queue_id: int, **details) -> None:
    """Hold the job here if ``[worker] test_pause_at`` names ``point``.

    :param ctx: the job's :class:`~openmultistack.worker.context.Context`.
    :param details: written to the marker (e.g. ``server_id``).
    :raises openmultistack.worker.context.Aborted: the worker shuts down.
    """
    options = ctx.options
    if point not in (options.test_pause_at or ()):
        return
    content = dict(details, point=point, queue_id=queue_id,
                   worker_id=ctx.worker_id, pid=os.getpid())
    if options.test_pause_dir:
        _write_marker(marker_path(options.test_pause_dir, point, queue_id),
                      content)
    LOG.warning('queue %d: TEST HOOK: worker %s holds at %s',
                queue_id, ctx.worker_id, point)
    if options.test_pause_seconds is not None:
        ctx.sleep(options.test_pause_seconds)
        return
    while True:
        ctx.sleep(_HOLD_SECONDS)
