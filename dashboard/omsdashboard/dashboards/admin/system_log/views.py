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
from horizon import exceptions
from horizon import tables

from omsdashboard import api
from omsdashboard.dashboards.admin.system_log import tables as log_tables


class IndexView(tables.DataTableView):
    table_class = log_tables.LogTable
    template_name = 'horizon/common/_data_table_view.html'
    page_title = _('System Log')

    def _page(self) -> int:
        try:
            return max(1, int(self.request.GET.get(log_tables.PAGE_PARAM,
                                                   1)))
        except ValueError:
            return 1

    def get_data(self):
        page = self._page()
        self._shown = page
        try:
            entries = api.metering.log_page(self.request, page)
            # The service does not say whether a next page exists: look.
            self._more = bool(entries) and bool(
                api.metering.log_page(self.request, page + 1))
        except Exception:
            exceptions.handle(self.request,
                              _('Unable to retrieve the system log.'))
            self._more = False
            return []
        return entries

    def has_prev_data(self, table):
        table.page = self._shown
        return self._shown > 1

    def has_more_data(self, table):
        return self._more
