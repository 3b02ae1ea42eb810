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

"""Project › Multistack, and the errors of omsclient Horizon may show.

omsclient's errors are recoverable: a panel shows Horizon's error banner
and the rest of the dashboard keeps working.
"""

from django.utils.translation import gettext_lazy as _
from keystoneauth1 import exceptions as ksa_exceptions
from omsclient.common import exceptions as oms_exceptions

PANEL_GROUP = 'multistack'
PANEL_GROUP_NAME = _('Multistack')
PANEL_GROUP_DASHBOARD = 'project'

ADD_INSTALLED_APPS = ['omsdashboard']
ADD_EXCEPTIONS = {
    'not_found': (oms_exceptions.NotFound,),
    'recoverable': (oms_exceptions.ClientException,
                    ksa_exceptions.ClientException),
}
