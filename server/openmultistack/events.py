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

"""The system event log shown by ``GET /v2/logs``.

Every queue status change, provider failure and account change writes one
line. The line goes into the caller's session, so it is committed (or
rolled back) together with the change it describes.
"""

import logging as std_logging
import typing

from oslo_log import log as logging
from sqlalchemy import orm

from openmultistack.db import models

LOG = logging.getLogger(__name__)

INFO = 'INFO'
WARNING = 'WARNING'
ERROR = 'ERROR'
_LEVELS = {INFO: std_logging.INFO, WARNING: std_logging.WARNING,
           ERROR: std_logging.ERROR}


def record(session: orm.Session, desc: str,
           queue_id: typing.Optional[int] = None,
           level: str = INFO) -> models.Event:
    """Add one event to ``session`` and mirror it to the service log.

    ``desc`` must never hold a secret (passwords, private keys, tokens).
    """
    if level not in _LEVELS:
        raise ValueError('unknown event level %r' % level)
    event = models.Event(desc=desc, queue_id=queue_id, level=level)
    session.add(event)
    LOG.log(_LEVELS[level], 'event: %s', desc)
    return event
