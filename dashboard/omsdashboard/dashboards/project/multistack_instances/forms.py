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
from omsclient.common import exceptions as oms_exceptions
from omsclient.v1 import queues

from omsdashboard import api


class CreateEntryForm(forms.SelfHandlingForm):
    """Ask for one instance; every field may stay empty.

    The service picks an image, a flavor and a provider when they are not
    given, or, with requirements, the smallest flavor and newest image that
    meet them on each provider; when it refuses, its reason is shown with
    the error.
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
    min_ram = forms.IntegerField(
        required=False, min_value=0, max_value=queues.MAX_REQUIREMENT,
        label=_('Minimum RAM (MB)'),
        help_text=_('On each provider the smallest public flavor with at '
                    'least this RAM is chosen.'))
    min_vcpus = forms.IntegerField(
        required=False, min_value=0, max_value=queues.MAX_REQUIREMENT,
        label=_('Minimum vCPUs'))
    min_disk = forms.IntegerField(
        required=False, min_value=0, max_value=queues.MAX_REQUIREMENT,
        label=_('Minimum Disk (GB)'))
    image_properties = forms.CharField(
        required=False, label=_('Image Properties'),
        widget=forms.Textarea(attrs={'rows': 3}),
        help_text=_('One key=value per line, e.g. os_distro=ubuntu: on '
                    'each provider the newest active image with every '
                    'property is chosen.'))

    def clean_image_properties(self):
        """The lines as a dict, checked as the API checks them."""
        properties = {}
        for line in self.cleaned_data['image_properties'].splitlines():
            if not line.strip():
                continue
            key, sign, value = line.partition('=')
            if not sign:
                raise forms.ValidationError(
                    _('Expected key=value on each line, not "%s".') % line)
            properties[key.strip()] = value.strip()
        try:
            return queues.requirements(
                image_properties=properties,
                names={'image_properties': 'image property'}
            )['image_properties']
        except oms_exceptions.InvalidRequirement as error:
            raise forms.ValidationError(str(error))

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
