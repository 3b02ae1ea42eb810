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

"""``openstack multistack provider ...``: the providers as the worker sees
them (administrators only).

One row per provider account: whether the worker reached it last time,
its quota used and allowed (``unlimited`` where the provider sets no
limit) and how many queue entries run on it.
"""

from omsclient.osc.v1 import base
from omsclient.osc.v1 import constants


class ProviderCommand(base.ResourceCommand):
    resource = constants.PROVIDER


class ListProvider(ProviderCommand, base.ResourceLister):
    """List providers with their reachability, quota and entries."""


class ShowProvider(ProviderCommand, base.ResourceShowOne):
    """Show a provider with its reachability, quota and entries."""
