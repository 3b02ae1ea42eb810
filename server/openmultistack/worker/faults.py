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
deletion, which timing alone cannot hit. With ``[test_hooks] pause_at``
naming some of :data:`POINTS`, a job that reaches one of them writes a
marker file ``<[test_hooks] pause_dir>/<point>-<queue id>.json`` and
waits there, its lease still renewed as a live worker's would be, until
the process is killed (or for ``[test_hooks] pause_seconds``, then goes
on). On a graceful shutdown the held job is handed back like any other
once ``[worker] graceful_shutdown_timeout`` has passed.

The ``[test_hooks]`` group is for the test suites and the functional
stack only: it is registered by the worker but left out of the options
that ``oslo-config-generator`` and the documentation list, so that an
operator never meets it. Off unless a configuration file sets it.
"""

import json
import os
import typing

from oslo_config import cfg
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

GROUP = 'test_hooks'

_opts = [
    cfg.ListOpt('pause_at', default=[],
                item_type=cfg.types.String(choices=POINTS),
                help='Points of a boot or deletion at which a job stops '
                     'and waits (its lease still renewed). Points: %s.'
                     % ', '.join(POINTS)),
    cfg.FloatOpt('pause_seconds', min=0,
                 help='Seconds a held job waits before it goes on. '
                      'Default: until the worker is killed or shuts '
                      'down.'),
    cfg.StrOpt('pause_dir',
               help='Directory where a held job writes '
                    '<point>-<queue id>.json.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    """Register ``[test_hooks]``; deliberately in no ``list_opts()``."""
    conf.register_opts(_opts, group=GROUP)


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
    """Hold the job here if ``[test_hooks] pause_at`` names ``point``.

    :param ctx: the job's :class:`~openmultistack.worker.context.Context`.
    :param details: written to the marker (e.g. ``server_id``).
    :raises openmultistack.worker.context.Aborted: the worker shuts down.
    """
    hooks = ctx.test_hooks
    if point not in hooks.pause_at:
        return
    content = dict(details, point=point, queue_id=queue_id,
                   worker_id=ctx.worker_id, pid=os.getpid())
    if hooks.pause_dir:
        _write_marker(marker_path(hooks.pause_dir, point, queue_id),
                      content)
    LOG.warning('queue %d: TEST HOOK: worker %s holds at %s',
                queue_id, ctx.worker_id, point)
    if hooks.pause_seconds is not None:
        ctx.sleep(hooks.pause_seconds)
        return
    while True:
        ctx.sleep(_HOLD_SECONDS)
