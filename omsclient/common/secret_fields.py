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

"""The one definition of a secret field, and the one scrubber.

Answers of both services may carry secrets: the private key of an
instance (``key_raw``), a RabbitMQ user's ``password_hash``, a password
or token that a newer or broken server leaks. Resources leave them out of
``repr``, the commands leave them out of every output format and the HTTP
layer masks them in its debug log
(:func:`omsclient.common.http_log.mask_secrets`), all by the same rule, at any
depth.
The one explicit way to read a secret is asking for it by name: the
``key_raw`` of :meth:`omsclient.v1.instances.InstanceManager.get_private_key`
(``openstack multistack instance key save``).
"""

from __future__ import annotations

import functools
import re
from typing import Any

#: Field names that are secrets, compared without regard to case.
SECRET_KEYS = frozenset([
    'adminpass', 'admin_pass', 'key_raw', 'password_hash', 'private_key',
    'sslkey', 'fernetkey', 'encrypted_key',
])

#: Words that make a field name a secret wherever they appear in it
#: (``password``, ``auth_token``, ``client_secret``, ``x-auth-token``).
SECRET_WORDS = frozenset([
    'credential', 'credentials', 'passphrase', 'passwd', 'password',
    'pswd', 'secret', 'token',
])

_WORD_SEPARATORS = re.compile(r'[_\-.\s]+')


@functools.lru_cache(maxsize=1024)
def is_secret(key: Any) -> bool:
    """Whether a field of this name holds a secret.

    Cached: the same few names come back in every entry of a long list.
    """
    if not isinstance(key, str):
        return False
    name = key.lower()
    return (name in SECRET_KEYS
            or not SECRET_WORDS.isdisjoint(_WORD_SEPARATORS.split(name)))


def scrub(value: Any) -> Any:
    """Return a copy of a JSON value without its secret fields, at any depth.

    Dictionaries, including those inside lists, lose their secret fields;
    everything else is copied as it is.
    """
    if isinstance(value, dict):
        return {k: scrub(v) if isinstance(v, _CONTAINERS) else v
                for k, v in value.items() if not is_secret(k)}
    if isinstance(value, _CONTAINERS):
        return [scrub(v) if isinstance(v, _CONTAINERS) else v
                for v in value]
    return value


#: The values :func:`scrub` looks into; it copies the others as they are,
#: without a call per value (records of long lists hold dozens).
_CONTAINERS = (dict, list, tuple)
