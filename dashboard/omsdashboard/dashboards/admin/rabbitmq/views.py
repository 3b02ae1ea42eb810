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

from django import http
from django.utils.translation import gettext_lazy as _
from django.views import generic
from horizon import tabs

from omsdashboard import api
from omsdashboard.dashboards.admin.rabbitmq import tabs as rabbit_tabs

RATES = ('publish', 'deliver_get', 'ack')


class IndexView(tabs.TabbedTableView):
    tab_group_class = rabbit_tabs.RabbitTabs
    template_name = 'omsdashboard/rabbitmq/index.html'
    page_title = _('RabbitMQ')


def sample(overview: dict) -> dict:
    """The figures the page refreshes: message rates and totals."""
    stats = overview.get('message_stats') or {}
    return {
        'rates': {name: (stats.get(name + '_details') or {}).get('rate', 0)
                  for name in RATES},
        'object_totals': overview.get('object_totals') or {},
        'queue_totals': {
            name: (overview.get('queue_totals') or {}).get(name)
            for name in ('messages', 'messages_ready',
                         'messages_unacknowledged')},
    }


class OverviewJsonView(generic.View):
    """The overview's changing figures, polled by the page's chart."""

    def get(self, request):
        try:
            overview = api.metering.rabbit_overview(request)
        except Exception:
            return http.JsonResponse(
                {'error': str(_('Unable to retrieve the RabbitMQ overview '
                                'from the metering service.'))},
                status=503)
        return http.JsonResponse(sample(overview))
