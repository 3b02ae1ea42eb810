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

"""Register and edit provider accounts.

The password is write-only: its field never renders a value, an edit
leaves it unchanged unless a new one is typed, and no page shows it. The
service's per-field validation errors are shown next to their field.
"""

from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import forms
from horizon import messages
from omsclient.common import exceptions as oms_exceptions

from omsdashboard import api

DRIVERS = (('nova', _('Nova')), ('simulated', _('Simulated')))
STATUSES = (('available', _('Available')),
            ('unavailable', _('Unavailable')))


class AccountForm(forms.SelfHandlingForm):
    provider = forms.CharField(max_length=255, label=_('Provider'))
    driver = forms.ChoiceField(choices=DRIVERS, label=_('Driver'))
    auth_url = forms.CharField(max_length=255, required=False,
                               label=_('Auth URL'))
    username = forms.CharField(max_length=255, required=False,
                               label=_('Username'))
    password = forms.CharField(
        required=False, label=_('Password'), strip=False,
        widget=forms.PasswordInput(render_value=False))
    tenant_name = forms.CharField(max_length=255, required=False,
                                  label=_('Tenant Name'))
    tenant_id = forms.CharField(max_length=255, required=False,
                                label=_('Tenant ID'))
    region_name = forms.CharField(max_length=255, required=False,
                                  label=_('Region'))
    version = forms.CharField(max_length=32, required=False,
                              label=_('Compute API Version'))
    user_domain_name = forms.CharField(max_length=255, required=False,
                                       label=_('User Domain'))
    project_domain_name = forms.CharField(max_length=255, required=False,
                                          label=_('Project Domain'))
    status = forms.ChoiceField(choices=STATUSES, label=_('Status'))

    #: What the failure message says was tried.
    failure = _('Unable to save the account.')

    def fields_to_send(self, data: dict) -> dict:
        """The fields worth sending: empty ones are left to the service."""
        return {name: value for name, value in data.items() if value}

    def save(self, request, fields: dict):
        raise NotImplementedError

    def handle(self, request, data):
        try:
            account = self.save(request, self.fields_to_send(data))
        except oms_exceptions.BadRequest as exc:
            if not self._show_field_errors(exc.details):
                exceptions.handle(request, self.failure)
            return False
        except Exception:
            exceptions.handle(request, self.failure)
            return False
        messages.success(request, _('Account %(id)s (%(provider)s) saved.')
                         % {'id': account.id, 'provider': account.provider})
        return account

    def _show_field_errors(self, details) -> bool:
        """Put ``{"field": ["message"]}`` errors next to their fields."""
        if not isinstance(details, dict):
            return False
        shown = False
        for name, problems in details.items():
            if not isinstance(problems, (list, tuple)):
                problems = [problems]
            field = name if name in self.fields else None
            for problem in problems:
                self.add_error(field, str(problem))
                shown = True
        return shown


class CreateAccountForm(AccountForm):
    def save(self, request, fields):
        return api.multistack.account_create(request, **fields)


class UpdateAccountForm(AccountForm):
    account_id = forms.CharField(widget=forms.HiddenInput())

    failure = _('Unable to update the account.')

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields['password'].help_text = _(
            'Leave empty to keep the current password.')

    def fields_to_send(self, data):
        # Every field but the password is sent, so that one can be
        # cleared; the password only when a new one was typed.
        fields = {name: value for name, value in data.items()
                  if name not in ('account_id', 'password')}
        if data.get('password'):
            fields['password'] = data['password']
        return fields

    def save(self, request, fields):
        return api.multistack.account_update(
            request, self.cleaned_data['account_id'], **fields)
