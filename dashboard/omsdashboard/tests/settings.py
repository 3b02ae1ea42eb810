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

"""Horizon's test settings with this plugin's panels enabled."""

from horizon.test.settings import *  # noqa: F401,F403
from openstack_dashboard.test.settings import *  # noqa: F401,F403

import openstack_dashboard.enabled  # noqa: E402
from openstack_dashboard.utils import settings as settings_utils  # noqa

import omsdashboard.enabled  # noqa: E402

# Horizon's test settings already added the apps of its own enabled
# files: add only what is new.
_apps: list = []
settings_utils.update_dashboards(
    [omsdashboard.enabled, openstack_dashboard.enabled],
    HORIZON_CONFIG,  # noqa: F405
    _apps,
)
INSTALLED_APPS = [app for app in _apps
                  if app not in INSTALLED_APPS] + list(INSTALLED_APPS)  # noqa
