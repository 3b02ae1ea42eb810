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

"""Horizon's test case, with the catalog endpoints the plugin needs.

The tests replace omsclient's two client factories (``omsclient.client.
Client`` and ``omsclient.metering.client.get_client``) with mocks and
nothing else: the panels and ``omsdashboard.api`` run as they are, on
omsclient's real resource classes. Horizon's helpers fail a test that
makes a real HTTP call.
"""

from unittest import mock

from omsclient.common import exceptions as oms_exceptions
from omsclient.metering import logs
from omsclient.metering import rabbit
from omsclient.v1 import accounts
from omsclient.v1 import instances
from omsclient.v1 import providers
from omsclient.v1 import queues
from openstack_dashboard.test import helpers

MULTISTACK_URL = 'http://oms.example.com:8765'
METERING_URL = 'http://metering.example.com:8777'


def _service(service_type: str, url: str) -> dict:
    return {'type': service_type, 'name': service_type,
            'endpoints_links': [],
            'endpoints': [{'region': 'RegionOne', 'interface': interface,
                           'url': url}
                          for interface in ('public', 'internal', 'admin')]}


def queue(**info) -> queues.Queue:
    return queues.Queue(None, info)


def account(**info) -> accounts.Account:
    return accounts.Account(None, info)


def provider(**info) -> providers.Provider:
    return providers.Provider(None, info)


def private_key(**info) -> instances.PrivateKey:
    return instances.PrivateKey(None, info)


def rabbit_record(info: dict) -> rabbit.Rabbitmq:
    return rabbit.Rabbitmq(None, info, loaded=True)


def log_entry(info: dict) -> logs.Log:
    return logs.Log(None, info, loaded=True)


def service_unavailable(message='RabbitMQ is unreachable.'):
    return oms_exceptions.ServiceUnavailable(message, http_status=503)


class CatalogMixin:
    """Catalog endpoints for the plugin, and omsclient's clients mocked.

    ``self.oms`` is the OpenMultiStack client, ``self.metering`` the
    metering client the panels get.
    """

    def _setup_test_data(self):
        super()._setup_test_data()
        self.service_catalog.extend([
            _service('multistack', MULTISTACK_URL),
            _service('metering', METERING_URL),
        ])

    def setUp(self):
        super().setUp()
        self.oms = mock.Mock(name='omsclient')
        # A service that knows no provider yet, unless a test says more.
        self.oms.providers.list.return_value = []
        self.metering = mock.Mock(name='metering client')
        self.oms_factory = self._patch('omsclient.client.Client', self.oms)
        self.metering_factory = self._patch(
            'omsclient.metering.client.get_client', self.metering)

    def _patch(self, target: str, client) -> mock.Mock:
        patcher = mock.patch(target, return_value=client)
        factory = patcher.start()
        self.addCleanup(patcher.stop)
        return factory


class TestCase(CatalogMixin, helpers.TestCase):
    """A project member's view."""


class AdminTestCase(CatalogMixin, helpers.BaseAdminViewTests):
    """An administrator's view."""
