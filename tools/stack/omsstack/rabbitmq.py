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

"""RabbitMQ from Debian, run as root with all of its state in the stack.

The ``/usr/sbin`` wrappers switch to the ``rabbitmq`` user and its state in
``/var/lib/rabbitmq``; the scripts in ``/usr/lib/rabbitmq/bin`` run as the
caller with the environment below. The broker runs in the foreground so
that the stack knows its pid and stops it with SIGTERM.
"""

import base64
import pathlib
import urllib.parse
import urllib.request

from omsstack import layout as layout_mod
from omsstack import process

BIN = pathlib.Path('/usr/lib/rabbitmq/bin')
USER = 'guest'
PASSWORD = 'guest'
NODENAME = 'omsstack@localhost'


def management_url(path: str = '') -> str:
    return layout_mod.url('rabbitmq-management', path)


def transport_url(vhost: str) -> str:
    """oslo.messaging's URL of the broker, on a virtual host."""
    return 'rabbit://%s:%s@%s:%d/%s' % (
        USER, PASSWORD, layout_mod.HOST, layout_mod.PORTS['rabbitmq'],
        urllib.parse.quote(vhost, safe=''))


def _put(path: str, body: bytes) -> None:
    credentials = base64.b64encode(
        ('%s:%s' % (USER, PASSWORD)).encode()).decode()
    request = urllib.request.Request(
        management_url(path), data=body, method='PUT',
        headers={'Authorization': 'Basic %s' % credentials,
                 'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=30):
        pass


def create_vhost(vhost: str) -> None:
    """A virtual host where the stack's user may do anything."""
    name = urllib.parse.quote(vhost, safe='')
    _put('/api/vhosts/%s' % name, b'{}')
    _put('/api/permissions/%s/%s' % (name, USER),
         b'{"configure": ".*", "write": ".*", "read": ".*"}')


def environ(layout: layout_mod.Layout) -> dict[str, str]:
    state = layout.state('rabbitmq')
    ports = layout_mod.PORTS
    return {
        'HOME': str(state),
        'RABBITMQ_NODENAME': NODENAME,
        'RABBITMQ_NODE_IP_ADDRESS': layout_mod.HOST,
        'RABBITMQ_NODE_PORT': str(ports['rabbitmq']),
        'RABBITMQ_DIST_PORT': str(ports['rabbitmq-dist']),
        'RABBITMQ_CONFIG_FILE': str(state / 'rabbitmq.conf'),
        'RABBITMQ_ENABLED_PLUGINS_FILE': str(state / 'enabled_plugins'),
        'RABBITMQ_MNESIA_BASE': str(state / 'mnesia'),
        'RABBITMQ_LOG_BASE': str(state / 'log'),
        'RABBITMQ_PID_FILE': str(state / 'rabbitmq.pid'),
        'RABBITMQ_LOGS': '-',
        # Erlang distribution on loopback too, not on every interface.
        'RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS':
            '-kernel inet_dist_use_interface {127,0,0,1}',
        'ERL_EPMD_ADDRESS': layout_mod.HOST,
        'ERL_EPMD_PORT': str(ports['epmd']),
    }


def prepare(layout: layout_mod.Layout) -> None:
    if not (BIN / 'rabbitmq-server').exists():
        raise process.StackError(
            'RabbitMQ is not installed (%s is missing): run '
            'tools/stack/install.sh' % (BIN / 'rabbitmq-server'))
    state = layout.state('rabbitmq')
    (state / 'rabbitmq.conf').write_text(
        'listeners.tcp.default = %s:%d\n'
        'management.tcp.ip = %s\n'
        'management.tcp.port = %d\n'
        'loopback_users = none\n' % (
            layout_mod.HOST, layout_mod.PORTS['rabbitmq'],
            layout_mod.HOST, layout_mod.PORTS['rabbitmq-management']))
    # What "rabbitmq-plugins enable --offline rabbitmq_management" writes,
    # without starting an Erlang VM for it (seconds, minutes on a loaded
    # machine).
    (state / 'enabled_plugins').write_text('[rabbitmq_management].\n')


def spec(layout: layout_mod.Layout) -> process.Spec:
    return process.Spec(
        name='rabbitmq',
        argv=[str(BIN / 'rabbitmq-server')],
        env=environ(layout),
        # The management API answers 401 to anonymous requests once up.
        ready={'http': management_url('/api/overview')},
        ready_timeout=120,
        stop_timeout=40)


def epmd_spec(layout: layout_mod.Layout) -> process.Spec:
    """epmd on the stack's own port, started before the broker.

    Erlang would otherwise start a daemonised epmd that nobody stops.
    """
    return process.Spec(
        name='epmd',
        argv=['epmd', '-port', str(layout_mod.PORTS['epmd']),
              '-address', layout_mod.HOST],
        ready={'tcp': [layout_mod.HOST, layout_mod.PORTS['epmd']]},
        ready_timeout=20)
