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

"""Thin wrappers around omsclient, one function per call the panels make.

As with Horizon's own ``openstack_dashboard/api``, every client is built
from the request: the logged-in user's Keystone token and the endpoint of
the service catalog. The panels import this package and nothing of
omsclient's transport, so that tests mock exactly these functions.
"""

from omsdashboard.api import metering  # noqa: F401
from omsdashboard.api import multistack  # noqa: F401
