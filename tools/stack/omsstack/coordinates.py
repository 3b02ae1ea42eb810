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

"""What the tests read: ``stack.json`` and a ``clouds.yaml``.

``stack.json`` holds every URL, user and password of the running stack and
the command that controls it; it and ``clouds.yaml`` are written mode 0600.
"""

import json
import os
import pathlib
import sys

from omsstack import glance
from omsstack import horizon
from omsstack import keystone
from omsstack import layout as layout_mod
from omsstack import nova
from omsstack import placement
from omsstack import postgres
from omsstack import process
from omsstack import rabbitmq
from omsstack import tls


def describe(layout: layout_mod.Layout, passwords: dict[str, str],
             database_url: str, oms_conf: str, noauth_conf: str) -> dict:
    users = {
        'admin': {'password': passwords['admin'],
                  'project': keystone.ADMIN_PROJECT, 'role': 'admin'},
        'member': {'password': passwords['member'],
                   'project': keystone.MEMBER_PROJECT, 'role': 'member'},
    }
    return {
        'repo': str(layout.repo),
        'stackctl': [sys.executable,
                     str(layout.repo / 'tools' / 'stack' / 'stackctl.py')],
        'clouds_yaml': str(layout.clouds_file),
        # The CA of the proxy in front of the 'oms' APIs (https).
        'ca_file': str(tls.ca_file(layout)),
        'logs': str(layout.logs),
        'keystone': {'auth_url': keystone.auth_url(),
                     'region': keystone.REGION,
                     'users': users},
        'rabbitmq': {'management_url': rabbitmq.management_url(),
                     'username': rabbitmq.USER,
                     'password': rabbitmq.PASSWORD,
                     'amqp_port': layout_mod.PORTS['rabbitmq'],
                     'service': 'rabbitmq'},
        'postgres': {'url': database_url, 'service': 'postgres',
                     'test_url': postgres.database_url(
                         passwords['database'], postgres.TEST_DATABASE)},
        'nova': nova.describe(passwords[nova.ACCOUNT_USER]),
        'placement': {'url': placement.endpoint(),
                      'service': placement.NAME},
        'glance': {'url': glance.endpoint(), 'service': glance.NAME,
                   'images': [name for name, _, _ in glance.IMAGES]},
        'oms': {'api': layout_mod.url('oms-api'),
                'metering': layout_mod.url('oms-metering'),
                # gunicorn behind the proxy, plain http on loopback.
                'wsgi_api': layout_mod.url('oms-api-wsgi'),
                'config': oms_conf,
                'services': {'api': 'oms-api', 'metering': 'oms-metering',
                             'worker': 'oms-worker'}},
        'horizon': {'url': horizon.url(), 'service': horizon.NAME},
        'oms_noauth': {'api': layout_mod.url('oms-noauth-api'),
                       'metering': layout_mod.url('oms-noauth-metering'),
                       'config': noauth_conf,
                       'services': {'all': 'oms-noauth'}},
    }


def clouds(stack: dict) -> dict:
    ks = stack['keystone']
    result = {}
    for name, user in ks['users'].items():
        result['oms-%s' % name] = {
            'auth': {'auth_url': ks['auth_url'], 'username': name,
                     'password': user['password'],
                     'project_name': user['project'],
                     'user_domain_name': 'Default',
                     'project_domain_name': 'Default'},
            'region_name': ks['region'],
            'interface': 'public',
            'cacert': stack['ca_file'],
            'identity_api_version': 3,
        }
    result['oms-noauth'] = {
        'auth_type': 'none',
        'auth': {'endpoint': stack['oms_noauth']['api']},
        'multistack_endpoint_override': stack['oms_noauth']['api'],
        'metering_endpoint_override': stack['oms_noauth']['metering'],
    }
    return {'clouds': result}


def _write_private(path: pathlib.Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as out:
        out.write(text)


def write(layout: layout_mod.Layout, stack: dict) -> None:
    # clouds.yaml is YAML; JSON is valid YAML and needs no extra library.
    _write_private(layout.clouds_file, json.dumps(clouds(stack), indent=2))
    _write_private(layout.stack_file, json.dumps(stack, indent=2))


def environ(layout: layout_mod.Layout) -> dict[str, str]:
    """Variables that point a command at the running stack.

    Besides the client's, that of the service's functional tests: the
    PostgreSQL database they may fill.
    """
    if not layout.stack_file.exists():
        raise process.StackError('no stack was started from %s'
                                 % layout.root)
    stack = json.loads(layout.stack_file.read_text())
    return {'OMS_STACK_FILE': str(layout.stack_file),
            'OS_CLIENT_CONFIG_FILE': str(layout.clouds_file),
            'OMS_TEST_POSTGRESQL_URL': stack['postgres']['test_url']}
