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

"""Configuration of the reference service (oslo.config).

Importing this package registers every option on :data:`CONF`.
"""

import os

from oslo_config import cfg

from openmultistack.conf import api
from openmultistack.conf import database
from openmultistack.conf import default
from openmultistack.conf import encryption
from openmultistack.conf import metering
from openmultistack.conf import simulated
from openmultistack.conf import worker

CONF = cfg.CONF

MODULES = (default, api, database, encryption, metering, simulated, worker)

for _module in MODULES:
    _module.register_opts(CONF)


def key_repository() -> str:
    """``[encryption] key_repository``, or ``keys`` in ``state_dir``."""
    return CONF.encryption.key_repository or os.path.join(
        os.path.abspath(CONF.state_dir), 'keys')


def database_url() -> str:
    """``[database] connection``, or the SQLite file in ``state_dir``."""
    if CONF.database.connection:
        return CONF.database.connection
    state_dir = os.path.abspath(CONF.state_dir)
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    path = os.path.join(state_dir, 'openmultistack.sqlite')
    # Account passwords and private keys live in this file: readable by
    # its owner only, also in a state directory made by someone else
    # (SQLite gives its -wal and -shm files the same mode).
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)
    return 'sqlite:///%s' % path
