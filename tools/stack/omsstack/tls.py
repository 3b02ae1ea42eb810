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

"""A certificate authority of the stack's own, made at each start.

``run/tls/ca.pem`` signs the certificate of the proxy (``server.pem``,
for ``127.0.0.1`` and ``localhost``); clients trust it with
``--os-cacert`` or clouds.yaml ``cacert``. Made with the ``openssl``
command; the keys never leave ``run/tls`` (mode 0700).
"""

import pathlib
import subprocess

from omsstack import layout as layout_mod
from omsstack import process

DAYS = '30'


def directory(layout: layout_mod.Layout) -> pathlib.Path:
    return layout.run / 'tls'


def ca_file(layout: layout_mod.Layout) -> pathlib.Path:
    return directory(layout) / 'ca.pem'


def server_files(
        layout: layout_mod.Layout) -> tuple[pathlib.Path, pathlib.Path]:
    """The proxy's certificate and key."""
    return directory(layout) / 'server.pem', directory(layout) / 'server.key'


def _openssl(*args: str, stdin: str | None = None) -> None:
    result = subprocess.run(['openssl'] + list(args), input=stdin,
                            capture_output=True, text=True)
    if result.returncode:
        raise process.StackError('openssl %s failed:\n%s'
                                 % (args[0], result.stderr[-2000:]))


def make_ca(key: pathlib.Path, cert: pathlib.Path, name: str) -> None:
    """A self-signed CA certificate ``cert`` with its key ``key``."""
    _openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt',
             'ec_paramgen_curve:prime256v1', '-nodes', '-days', DAYS,
             '-subj', '/CN=%s' % name, '-keyout', str(key),
             '-out', str(cert),
             '-addext', 'basicConstraints=critical,CA:TRUE',
             '-addext', 'keyUsage=critical,keyCertSign,cRLSign')


def prepare(layout: layout_mod.Layout) -> None:
    """Make the CA and the proxy's certificate signed by it."""
    tls = directory(layout)
    tls.mkdir(mode=0o700, parents=True, exist_ok=True)
    ca_key = tls / 'ca.key'
    make_ca(ca_key, ca_file(layout), 'omsstack test CA')
    cert, key = server_files(layout)
    request = tls / 'server.csr'
    _openssl('req', '-new', '-newkey', 'ec', '-pkeyopt',
             'ec_paramgen_curve:prime256v1', '-nodes',
             '-subj', '/CN=%s' % layout_mod.HOST,
             '-keyout', str(key), '-out', str(request))
    extensions = tls / 'server.ext'
    extensions.write_text(
        'subjectAltName = IP:%s, DNS:localhost\n'
        'extendedKeyUsage = serverAuth\n'
        'basicConstraints = critical, CA:FALSE\n' % layout_mod.HOST)
    _openssl('x509', '-req', '-in', str(request), '-CA',
             str(ca_file(layout)), '-CAkey', str(ca_key),
             '-CAcreateserial', '-days', DAYS, '-out', str(cert),
             '-extfile', str(extensions))
