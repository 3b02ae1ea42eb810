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

"""Where the stack lives: directories, ports and URLs, in one place."""

import dataclasses
import os
import pathlib

HOST = '127.0.0.1'

# Ports of the stack: away from the demo's 8765/8777 and from the default
# ports of every service involved (5000, 5432, 5672, 15672, 4369, 8774).
# OMS_STACK_PORT_OFFSET shifts them all, so that a second stack (with its
# own OMS_STACK_DIR) can run beside the first.
_BASE_PORTS = {
    'keystone': 15000,
    'postgres': 15200,
    'rabbitmq': 15100,
    'rabbitmq-management': 15101,
    'rabbitmq-dist': 15102,
    'epmd': 15103,
    'nova-a': 15301,
    'nova-b': 15302,
    'placement': 15310,
    'glance': 15320,
    'no-network': 15330,
    'oms-api': 15401,
    'oms-metering': 15402,
    'oms-api-wsgi': 15421,
    'oms-metering-wsgi': 15422,
    'oms-noauth-api': 15411,
    'oms-noauth-metering': 15412,
    'horizon': 15500,
}
PORTS = {name: port + int(os.environ.get('OMS_STACK_PORT_OFFSET') or 0)
         for name, port in _BASE_PORTS.items()}
# The ports the TLS-terminating proxy listens on.
HTTPS = frozenset({'oms-api', 'oms-metering'})


def url(service: str, path: str = '') -> str:
    scheme = 'https' if service in HTTPS else 'http'
    return '%s://%s:%d%s' % (scheme, HOST, PORTS[service], path)


@dataclasses.dataclass(frozen=True)
class Layout:
    """The directories of one stack.

    ``venvs`` and installed packages survive between runs; ``run`` holds
    the state of the running stack and is recreated by every start.
    """

    repo: pathlib.Path
    root: pathlib.Path

    @classmethod
    def from_environ(cls) -> 'Layout':
        repo = pathlib.Path(__file__).resolve().parents[3]
        root = pathlib.Path(
            os.environ.get('OMS_STACK_DIR') or repo / '.stack').resolve()
        return cls(repo=repo, root=root)

    @property
    def venvs(self) -> pathlib.Path:
        return self.root / 'venvs'

    @property
    def run(self) -> pathlib.Path:
        return self.root / 'run'

    @property
    def logs(self) -> pathlib.Path:
        return self.root / 'logs'

    @property
    def services(self) -> pathlib.Path:
        return self.run / 'services'

    @property
    def stack_file(self) -> pathlib.Path:
        return self.run / 'stack.json'

    @property
    def clouds_file(self) -> pathlib.Path:
        return self.run / 'clouds.yaml'

    def state(self, name: str) -> pathlib.Path:
        path = self.run / name
        path.mkdir(parents=True, exist_ok=True)
        return path
