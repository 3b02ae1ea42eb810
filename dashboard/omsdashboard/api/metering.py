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

"""The metering extension (service type ``metering``) for the panels.

The seed's ``ceilometerclient(request).rabbit.list(query)``, on omsclient's
ceilometerclient-compatible client.
"""

from __future__ import annotations

from horizon.utils import memoized
from omsclient.metering import client as metering_client
from omsclient.metering import logs

from omsdashboard.api import _session

SERVICE_TYPE = 'metering'


@memoized.memoized
def ceilometerclient(request):
    """The metering client of this request's user."""
    session, endpoint = _session.session_for(request, SERVICE_TYPE)
    return metering_client.get_client('2', session=session,
                                      endpoint_override=endpoint)


def rabbit_overview(request) -> dict:
    """RabbitMQ's management ``overview`` object."""
    return ceilometerclient(request).rabbit.get('overview').public_info()


def rabbit_list(request, query: str | None = None) -> list[dict]:
    """The records of one RabbitMQ item (``queues``, ``users``, ...).

    The seed's signature: without ``query``, the ``overview`` record, as
    ``rabbit.list()`` answers. Secret fields (a user's ``password_hash``)
    are dropped here, so that no page can show them.
    """
    return [record.public_info()
            for record in ceilometerclient(request).rabbit.list(query)]


def log_page(request, page: int = 1) -> list[dict]:
    """One page of the system log, newest first; past the end: empty."""
    return [entry.to_dict() for entry in ceilometerclient(request).logs.list(
        q=logs.page_query(page))]
