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
from horizon import forms
from horizon import messages

from omsdashboard import api


class CreateEntryForm(forms.SelfHandlingForm):
    """Ask for one instance; every field may stay empty.

    The service picks an image, a flavor and a provider when they are not
    given; when it refuses, its reason is shown with the error.
    """

    image = forms.CharField(max_length=255, required=False,
                            label=_('Image'),
                            help_text=_('Image name or ID on the provider.'))
    flavor = forms.CharField(max_length=255, required=False,
                             label=_('Flavor'),
                             help_text=_('Flavor name or ID on the '
                                         'provider.'))
    name = forms.CharField(max_length=255, required=False,
                           label=_('Instance Name'))
    provider = forms.CharField(max_length=255, required=False,
                               label=_('Provider'),
                               help_text=_('Boot on this provider only.'))

    def handle(self, request, data):
        try:
            entry = api.multistack.queue_create(request, **data)
        except Exception:
            exceptions.handle(request,
                              _('The service refused the new entry.'))
            return False
        messages.success(request,
                         _('Queue entry %s requested.') % entry.id)
        return entry
