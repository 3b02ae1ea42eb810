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

"""nginx from Debian in front of the reference service's APIs.

It terminates TLS with the certificate of the stack's CA (:mod:`tls`) on
the public ports of ``oms-api`` and ``oms-metering`` and passes the
requests to their gunicorn processes on loopback, with the settings of
``server/etc/openmultistack/nginx-openmultistack.conf``: the sample the
admin guide documents is the one the functional tests run through.
"""

import pathlib

from omsstack import layout as layout_mod
from omsstack import process
from omsstack import tls

NAME = 'oms-proxy'
NGINX = pathlib.Path('/usr/sbin/nginx')
# Public port (TLS) -> the gunicorn behind it.
ROUTES = {'oms-api': 'oms-api-wsgi', 'oms-metering': 'oms-metering-wsgi'}


def _sample(layout: layout_mod.Layout) -> str:
    """The sample's settings for clients and upstreams, not its servers.

    Its upstream and server blocks name the ports of a real deployment;
    the stack writes its own.
    """
    text = (layout.repo / 'server' / 'etc' / 'openmultistack' /
            'nginx-openmultistack.conf').read_text()
    return text.split('\nupstream ', 1)[0]


def prepare(layout: layout_mod.Layout) -> str:
    """Write nginx.conf; return its path."""
    if not NGINX.exists():
        raise process.StackError('nginx is not installed (%s is missing): '
                                 'run tools/stack/install.sh' % NGINX)
    state = layout.state(NAME)
    cert, key = tls.server_files(layout)
    servers = []
    for public, upstream in ROUTES.items():
        servers.append(
            'server {\n'
            '    listen %(host)s:%(port)d ssl;\n'
            '    ssl_certificate %(cert)s;\n'
            '    ssl_certificate_key %(key)s;\n'
            '    ssl_protocols TLSv1.2 TLSv1.3;\n'
            '    location / {\n'
            '        proxy_pass http://%(host)s:%(upstream)d;\n'
            '    }\n'
            '}\n' % {'host': layout_mod.HOST,
                     'port': layout_mod.PORTS[public],
                     'upstream': layout_mod.PORTS[upstream],
                     'cert': cert, 'key': key})
    conf = state / 'nginx.conf'
    conf.write_text(
        'pid %(state)s/nginx.pid;\n'
        'worker_processes 2;\n'
        'error_log stderr notice;\n'
        'events {\n'
        # Two connections per proxied request: 1,000 clients at once.
        '    worker_connections 4096;\n'
        '}\n'
        'http {\n'
        '    access_log %(logs)s/oms-proxy-access.log;\n'
        '    client_body_temp_path %(state)s/body;\n'
        '    proxy_temp_path %(state)s/proxy;\n'
        '    fastcgi_temp_path %(state)s/fastcgi;\n'
        '    uwsgi_temp_path %(state)s/uwsgi;\n'
        '    scgi_temp_path %(state)s/scgi;\n'
        '%(sample)s\n%(servers)s'
        '}\n' % {'state': state, 'logs': layout.logs,
                 'sample': _sample(layout), 'servers': '\n'.join(servers)})
    return str(conf)


def spec(layout: layout_mod.Layout, conf: str) -> process.Spec:
    return process.Spec(
        name=NAME,
        argv=[str(NGINX), '-e', 'stderr', '-p', str(layout.state(NAME)),
              '-c', conf, '-g', 'daemon off;'],
        ready={'tcp': [layout_mod.HOST, layout_mod.PORTS['oms-api']]},
        ready_timeout=20)
