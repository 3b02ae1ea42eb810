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
from django.utils.translation import ngettext_lazy
from horizon import tables
from omsclient.common import formatters

from omsdashboard import api

AVAILABLE = 'available'
UNAVAILABLE = 'unavailable'


class CreateAccount(tables.LinkAction):
    name = 'create'
    verbose_name = _('Register Account')
    url = 'horizon:admin:multistack_accounts:create'
    classes = ('ajax-modal',)
    icon = 'plus'


class UpdateAccount(tables.LinkAction):
    name = 'update'
    verbose_name = _('Edit Account')
    url = 'horizon:admin:multistack_accounts:update'
    classes = ('ajax-modal',)
    icon = 'pencil'


class DisableAccount(tables.BatchAction):
    """Take accounts out of rotation without forgetting them."""

    name = 'disable'
    classes = ('btn-danger',)

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Disable Account', 'Disable Accounts', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Disabled Account', 'Disabled Accounts', count)

    def allowed(self, request, account=None):
        return account is None or account.get('status') != UNAVAILABLE

    def action(self, request, obj_id):
        api.multistack.account_update(request, obj_id, status=UNAVAILABLE)


class EnableAccount(tables.BatchAction):
    name = 'enable'

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Enable Account', 'Enable Accounts', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Enabled Account', 'Enabled Accounts', count)

    def allowed(self, request, account=None):
        return account is None or account.get('status') == UNAVAILABLE

    def action(self, request, obj_id):
        api.multistack.account_update(request, obj_id, status=AVAILABLE)


class DeleteAccount(tables.DeleteAction):
    @staticmethod
    def action_present(count):
        return ngettext_lazy('Delete Account', 'Delete Accounts', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Deleted Account', 'Deleted Accounts', count)

    def delete(self, request, obj_id):
        api.multistack.account_delete(request, obj_id)


def _state(account):
    """The provider state the index view attached to an account, if any."""
    return account.get('provider_state') or {}


def reachable(account):
    state = _state(account)
    if state.get('reachable') is None:
        return None
    return _('Yes') if state['reachable'] else _('No')


def reason(account):
    return _state(account).get('reason')


def _usage(name):
    def usage(account):
        quota = _state(account).get('quota') or {}
        return formatters.format_usage(quota.get(name)) or None
    usage.__name__ = 'quota_%s' % name
    return usage


def entries(account):
    return _state(account).get('entries')


class AccountsTable(tables.DataTable):
    id = tables.Column('id', verbose_name=_('ID'))
    provider = tables.Column('provider', verbose_name=_('Provider'))
    driver = tables.Column('driver', verbose_name=_('Driver'))
    region = tables.Column('region_name', verbose_name=_('Region'))
    tenant = tables.Column('tenant_name', verbose_name=_('Tenant'))
    username = tables.Column('username', verbose_name=_('Username'))
    status = tables.Column('status', verbose_name=_('Status'))
    reachable = tables.Column(reachable, verbose_name=_('Reachable'))
    reason = tables.Column(reason, verbose_name=_('Reason'))
    instances = tables.Column(_usage('instances'),
                              verbose_name=_('Instances (used/limit)'))
    cores = tables.Column(_usage('cores'), verbose_name=_('Cores'))
    ram = tables.Column(_usage('ram'), verbose_name=_('RAM (MB)'))
    entries = tables.Column(entries, verbose_name=_('Entries'))

    class Meta:
        name = 'accounts'
        verbose_name = _('Provider Accounts')
        table_actions = (CreateAccount, DisableAccount, DeleteAccount)
        row_actions = (UpdateAccount, DisableAccount, EnableAccount,
                       DeleteAccount)
