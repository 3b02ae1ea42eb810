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

from django.urls import reverse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import forms
from horizon import tables
from horizon.utils import memoized

from omsdashboard import api
from omsdashboard.dashboards.admin.multistack_accounts import (
    forms as account_forms)
from omsdashboard.dashboards.admin.multistack_accounts import (
    tables as account_tables)

INDEX_URL = 'horizon:admin:multistack_accounts:index'


class IndexView(tables.DataTableView):
    table_class = account_tables.AccountsTable
    template_name = 'horizon/common/_data_table_view.html'
    page_title = _('Accounts')

    def get_data(self):
        try:
            accounts = api.multistack.account_list(self.request)
        except Exception:
            exceptions.handle(self.request,
                              _('Unable to retrieve the provider accounts.'))
            return []
        try:
            states = {state.get('account_id'): state.to_dict()
                      for state in api.multistack.provider_list(self.request)}
        except Exception:
            exceptions.handle(self.request,
                              _('Unable to retrieve the providers\' '
                                'reachability and quota.'))
            states = {}
        # Each row is the account with what the worker last saw of it.
        return [type(account)(None, dict(account.to_dict(),
                                         provider_state=states.get(
                                             account.id)))
                for account in accounts]


class CreateView(forms.ModalFormView):
    form_class = account_forms.CreateAccountForm
    template_name = 'omsdashboard/modal_form.html'
    modal_id = 'create_account_modal'
    form_id = 'create_account_form'
    modal_header = _('Register Account')
    page_title = _('Register Account')
    submit_label = _('Register Account')
    submit_url = reverse_lazy('horizon:admin:multistack_accounts:create')
    success_url = reverse_lazy(INDEX_URL)


class UpdateView(forms.ModalFormView):
    form_class = account_forms.UpdateAccountForm
    template_name = 'omsdashboard/modal_form.html'
    modal_id = 'update_account_modal'
    form_id = 'update_account_form'
    modal_header = _('Edit Account')
    page_title = _('Edit Account')
    submit_label = _('Save Changes')
    success_url = reverse_lazy(INDEX_URL)

    @memoized.memoized_method
    def get_object(self):
        try:
            return api.multistack.account_get(self.request,
                                              self.kwargs['account_id'])
        except Exception:
            exceptions.handle(self.request,
                              _('Unable to retrieve the account.'),
                              redirect=reverse(INDEX_URL))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['submit_url'] = reverse(
            'horizon:admin:multistack_accounts:update',
            args=[self.kwargs['account_id']])
        return context

    def get_initial(self):
        account = self.get_object().to_dict()
        account.pop('password', None)
        initial = {name: value for name, value in account.items()
                   if value is not None}
        initial['account_id'] = self.kwargs['account_id']
        return initial
