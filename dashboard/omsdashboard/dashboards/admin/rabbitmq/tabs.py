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
from horizon import tabs

from omsdashboard import api
from omsdashboard.dashboards.admin.rabbitmq import tables as rabbit_tables

UNAVAILABLE = _('Unable to retrieve RabbitMQ %s from the metering service.')


class OverviewTab(tabs.Tab):
    name = _('Overview')
    slug = 'overview'
    template_name = 'omsdashboard/rabbitmq/_overview.html'

    def get_context_data(self, request):
        try:
            overview = api.metering.rabbit_overview(request)
        except Exception:
            exceptions.handle(request, UNAVAILABLE % _('overview'))
            overview = None
        return {'overview': overview}


def item_tab(item: str) -> type:
    """A tab listing one item, loaded when it is first opened."""
    table = rabbit_tables.TABLES[item]

    def get_data(self):
        try:
            records = api.metering.rabbit_list(self.request, item)
        except Exception:
            exceptions.handle(self.request, UNAVAILABLE % item)
            return []
        return [dict(record, _position=position)
                for position, record in enumerate(records)]

    return type('%sTab' % item.title(), (tabs.TableTab,), {
        'name': item.title(),
        'slug': item,
        'table_classes': (table,),
        'template_name': 'horizon/common/_detail_table.html',
        'preload': False,
        'get_%s_data' % item: get_data,
    })


class RabbitTabs(tabs.TabGroup):
    slug = 'rabbitmq'
    tabs = (OverviewTab,) + tuple(item_tab(item)
                                  for item in rabbit_tables.ITEMS)
    sticky = True
