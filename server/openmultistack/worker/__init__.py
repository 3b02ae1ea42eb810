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

"""The boot worker: turns queue entries into servers on providers.

It runs as its own process (``openmultistack-worker``) or as threads of
the all-in-one process; either way through :class:`WorkerService`.
"""

__all__ = ['WorkerService']


def __getattr__(name):
    # Imported on demand: openmultistack.conf imports the options module
    # of this package, and the service module imports openmultistack.conf.
    if name == 'WorkerService':
        from openmultistack.worker import service
        return service.WorkerService
    raise AttributeError(name)
