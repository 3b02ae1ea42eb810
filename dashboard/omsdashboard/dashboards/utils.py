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

"""Small helpers the panels share."""

import re

_UNSAFE = re.compile(r'[^A-Za-z0-9._-]+')


def dig(value, *path):
    """``value[path[0]][path[1]]...``, or None where a level is missing."""
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def safe_filename(name, fallback: str) -> str:
    """A file name made of letters, digits, dots, dashes and underscores.

    A name sent by a service must not choose a path or a hidden file.
    """
    cleaned = _UNSAFE.sub('_', str(name or '')).strip('._')
    return cleaned or fallback
