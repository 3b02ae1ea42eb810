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
from django.urls import reverse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import generic
from horizon import exceptions
from horizon import forms
from horizon import tables

from omsdashboard import api
from omsdashboard.dashboards.project.multistack_instances import (
    forms as entry_forms)
from omsdashboard.dashboards.project.multistack_instances import (
    tables as entry_tables)
from omsdashboard.dashboards import utils

INDEX_URL = 'horizon:project:multistack_instances:index'


class IndexView(tables.DataTableView):
    table_class = entry_tables.EntriesTable
    template_name = 'horizon/common/_data_table_view.html'
    page_title = _('Instances')

    def get_data(self):
        try:
            return api.multistack.queue_list(self.request)
        except Exception:
            exceptions.handle(self.request,
                              _('Unable to retrieve the queue entries.'))
            return []


class CreateView(forms.ModalFormView):
    form_class = entry_forms.CreateEntryForm
    template_name = 'omsdashboard/modal_form.html'
    modal_id = 'create_entry_modal'
    form_id = 'create_entry_form'
    modal_header = _('Create Entry')
    page_title = _('Create Entry')
    submit_label = _('Create Entry')
    submit_url = reverse_lazy('horizon:project:multistack_instances:create')
    success_url = reverse_lazy(INDEX_URL)


class PrivateKeyView(generic.View):
    """The private key of an instance, as a ``.pem`` attachment.

    The key goes into this one response and nowhere else: no page, no
    log, no cache.
    """

    def get(self, request, instance_id):
        try:
            key = api.multistack.private_key_get(request, instance_id)
        except Exception:
            exceptions.handle(
                request, _('Unable to download the private key of '
                           'instance %s.') % instance_id,
                redirect=reverse(INDEX_URL))
        name = utils.safe_filename(key.get('key_name'),
                                   'instance-%s' % instance_id)
        response = http.HttpResponse(key.key_raw,
                                     content_type='application/x-pem-file')
        response['Content-Disposition'] = (
            'attachment; filename="%s.pem"' % name)
        response['Cache-Control'] = 'no-store'
        return response
