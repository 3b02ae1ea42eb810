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

"""Absolute URLs in answers."""

import functools

import flask
from werkzeug.sansio import utils

from openmultistack import conf

CONF = conf.CONF


@functools.lru_cache(maxsize=64)
def _root_url(scheme: str, host: str, root_path: str) -> str:
    # Werkzeug's request.url_root, which quotes and converts to an IRI
    # anew for every request: a few of them serve almost every request.
    return utils.get_current_url(scheme, host, root_path)


def absolute(path: str) -> str:
    """``path`` (starting with ``/``) under the public base URL."""
    request = flask.request
    base = CONF.api.public_endpoint or _root_url(
        request.scheme, request.host, request.root_path)
    return base.rstrip('/') + path
