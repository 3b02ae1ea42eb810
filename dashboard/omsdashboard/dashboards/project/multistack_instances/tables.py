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

"""The table of queue entries: rows follow their entry until it settles."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from horizon import tables
from horizon.utils import filters

from omsdashboard import api
from omsdashboard.dashboards import utils

# Horizon polls a row while its status column is neither True nor False.
STATUS_CHOICES = (
    ('RUN', True), ('running', True),
    ('FAILED', False), ('failed', False),
)


def _instance(*path):
    """A column value read from the entry's ``instance`` object."""
    def get(entry):
        return utils.dig(entry.get('instance'), *path)
    return get


def _provider(entry):
    """The provider that holds the instance, else the one asked for."""
    return (utils.dig(entry.get('instance'), 'account', 'provider')
            or entry.get('provider'))


class CreateEntry(tables.LinkAction):
    name = 'create'
    verbose_name = _('Create Entry')
    url = 'horizon:project:multistack_instances:create'
    classes = ('ajax-modal',)
    icon = 'plus'


class DeleteEntry(tables.DeleteAction):
    help_text = _('The instance of each entry is destroyed on its '
                  'provider.')

    @staticmethod
    def action_present(count):
        return ngettext_lazy('Delete Entry', 'Delete Entries', count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy('Deleted Entry', 'Deleted Entries', count)

    def delete(self, request, obj_id):
        api.multistack.queue_delete(request, obj_id)


class DownloadKey(tables.LinkAction):
    """The private key as a file: a plain link, never a page."""

    name = 'download_key'
    verbose_name = _('Download Private Key')
    icon = 'download'

    def allowed(self, request, entry=None):
        return bool(entry is not None
                    and utils.dig(entry.get('instance'), 'id') is not None
                    and entry.get('status') in ('RUN', 'running'))

    def get_link_url(self, entry):
        return reverse('horizon:project:multistack_instances:private_key',
                       args=[utils.dig(entry.get('instance'), 'id')])


class UpdateRow(tables.Row):
    ajax = True

    def get_data(self, request, queue_id):
        return api.multistack.queue_get(request, queue_id)


class EntriesTable(tables.DataTable):
    id = tables.Column('id', verbose_name=_('ID'))
    status = tables.Column('status', verbose_name=_('Status'), status=True,
                           status_choices=STATUS_CHOICES)
    provider = tables.Column(_provider, verbose_name=_('Provider'))
    ip_address = tables.Column(_instance('ip_addr'),
                               verbose_name=_('IP Address'))
    flavor = tables.Column(_instance('flavor', 'name'),
                           verbose_name=_('Flavor Chosen'))
    image = tables.Column(_instance('image', 'name'),
                          verbose_name=_('Image Chosen'))
    registered = tables.Column('regist_datetime',
                               verbose_name=_('Registered'),
                               filters=(filters.parse_isotime,))
    fault = tables.Column(lambda entry: entry.get('fault'),
                          verbose_name=_('Fault'))

    class Meta:
        name = 'entries'
        verbose_name = _('Queue Entries')
        status_columns = ('status',)
        row_class = UpdateRow
        table_actions = (CreateEntry, DeleteEntry)
        row_actions = (DownloadKey, DeleteEntry)
