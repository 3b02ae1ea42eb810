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

from django.utils.translation import gettext_lazy as _
from horizon import tables
from omsclient.common import formatters

PAGE_PARAM = 'page'


class LogTable(tables.DataTable):
    """One page of the log; Prev and Next move by page number."""

    id = tables.Column(lambda entry: entry.get('id'), verbose_name=_('ID'))
    # In UTC, as the service writes it and as metric log list shows it.
    time = tables.Column(lambda entry: formatters.format_datetime(
        entry.get('time'), naive_is_utc=True), verbose_name=_('Time'))
    desc = tables.Column(lambda entry: entry.get('desc'),
                         verbose_name=_('Event'))

    #: The page shown; set by the view.
    page = 1

    def get_object_id(self, entry):
        return str(entry.get('id'))

    def get_pagination_string(self):
        return '%s=%d' % (PAGE_PARAM, self.page + 1)

    def get_prev_pagination_string(self):
        return '%s=%d' % (PAGE_PARAM, self.page - 1)

    class Meta:
        name = 'system_log'
        verbose_name = _('System Log')
