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

"""Compute provider drivers (``openmultistack.providers`` entry points)."""

import functools
from importlib import metadata

from stevedore import driver as stevedore_driver

from openmultistack.providers import base

NAMESPACE = 'openmultistack.providers'
DEFAULT_DRIVER = 'nova'


@functools.lru_cache(maxsize=None)
def names() -> frozenset[str]:
    """The names of the drivers installed (entry points of the namespace)."""
    return frozenset(entry_point.name for entry_point in
                     metadata.entry_points(group=NAMESPACE))


@functools.lru_cache(maxsize=None)
def driver_class(name: str) -> type[base.Provider]:
    """The provider class registered under ``name``."""
    try:
        manager = stevedore_driver.DriverManager(NAMESPACE, name)
    except Exception as exc:
        # stevedore raises NoMatches, or whatever importing the plugin
        # raised: either way this account cannot be used.
        raise base.ProviderError('unknown or broken provider driver %r: %s'
                                 % (name, exc)) from exc
    return manager.driver


def get_provider(account, timeout: float) -> base.Provider:
    """A driver for ``account`` (a database row or anything alike)."""
    name = getattr(account, 'driver', None) or DEFAULT_DRIVER
    return driver_class(name)(base.Credentials.from_account(account),
                              timeout=timeout)
