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

"""API version names, shared by the library and the command plugins.

Imports nothing but the standard library: the plugins of the openstack
command use it on every run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def match(version: Any, supported: Iterable[str]) -> str | None:
    """Return the supported major version that ``version`` names.

    ``'1'``, ``1``, ``'1.0'``, ``'v1'`` and ``'V1.0'`` all name ``'1'``;
    ``None`` when it names none of ``supported`` (``'1.1'`` is not
    ``'1'``: this API has no minor versions).
    """
    text = str(version).strip().lower()
    if text.startswith('v'):
        text = text[1:]
    major, _dot, minor = text.partition('.')
    if minor.strip('0') == '' and major in set(supported):
        return major
    return None
