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

"""The entry point of the Python API.

.. code-block:: python

   from omsclient import client
   c = client.Client('1', session=sess)                      # catalog
   c = client.Client('1', 'http://127.0.0.1:8765')           # no auth

Importing this module is cheap: the HTTP layer (keystoneauth1, requests)
is imported when a client is built.
"""

from __future__ import annotations

import importlib
from typing import Any

from omsclient.common import exceptions
from omsclient.common import versions

#: API versions and the module of their client class.
VERSIONS = {'1': 'omsclient.v1.client'}


def _normalise_version(version: Any) -> str:
    major = versions.match(version, VERSIONS)
    if major is None:
        raise exceptions.UnsupportedVersion(
            'Unsupported OpenMultiStack API version %r; supported: %s' % (
                version, ', '.join(sorted(VERSIONS))))
    return major


def get_client_class(version: Any) -> type:
    """Return the client class of an API version."""
    module = importlib.import_module(VERSIONS[_normalise_version(version)])
    return module.Client


def Client(version: Any, endpoint: str | None = None, session: Any = None,
           **kwargs: Any) -> Any:
    """Build the client of an API version (``'1'``).

    The arguments come in the order of the metering client's
    (:func:`omsclient.metering.client.get_client`) and of
    python-ceilometerclient's ``Client(version, endpoint, ...)``: version,
    endpoint, session.

    :param version: the API version: ``'1'``, ``1``, ``'1.0'`` or ``'v1'``.
    :param endpoint: the service's base URL; enough on its own for a
        service without authentication.
    :param session: a keystoneauth1 session; the endpoint comes from its
        catalog unless ``endpoint`` is given.
    :param kwargs: passed to the version's client
        (:class:`omsclient.v1.client.Client`).
    :raises omsclient.common.exceptions.UnsupportedVersion: unknown version.
    :raises TypeError: ``session`` is not a keystoneauth1 session,
        ``endpoint`` not a URL, or a keyword argument is not one of the
        client's; when the client is built, before any request.
    """
    return get_client_class(version)(endpoint=endpoint, session=session,
                                     **kwargs)
