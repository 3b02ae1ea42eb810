#!/usr/bin/env bash
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
#
# The dashboard for a person: Horizon with the OpenMultiStack plugin in
# front of real services, all on 127.0.0.1.
#
#   tools/dashboard.sh         install (once), start, print URL and users
#   tools/dashboard.sh stop    stop everything it started
#
# It starts the functional stack (tools/stack/README.rst) and leaves it
# running: Keystone, the reference service behind Keystone (API, metering
# API and worker on PostgreSQL), two Nova providers with the fake driver,
# RabbitMQ and Horizon; the member's project gets one queue entry so that
# every panel has something to show. OMS_STACK_DIR and
# OMS_STACK_PORT_OFFSET move the state and the ports as for the stack.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! .venv-tools/bin/tox --version >/dev/null 2>&1; then
    echo "==> installing tox into .venv-tools"
    "$python" -m venv .venv-tools
    .venv-tools/bin/pip install -q -U pip
    .venv-tools/bin/pip install -q 'tox>=4'
fi
echo "==> the client and the reference service (.tox/functional)"
.venv-tools/bin/tox -q -e functional --notest
env_python=$PWD/.tox/functional/bin/python
stackctl=("$env_python" tools/stack/stackctl.py)

if [ "${1:-start}" = stop ]; then
    exec "${stackctl[@]}" stop
fi

if "${stackctl[@]}" status | grep -qv ' stopped$'; then
    echo "==> a stack is already running from this directory: using it"
else
    echo "==> starting the stack (the first run installs it: see README)"
    PYTHON=$env_python OMS_STACK_KEEP=1 tools/stack/with-stack.sh \
        .tox/functional/bin/openstack --os-cloud oms-member \
        multistack queue create -f value -c ID >/dev/null
fi
eval "$("${stackctl[@]}" env)"

"$env_python" - <<'PYTHON'
import json
import os

with open(os.environ['OMS_STACK_FILE']) as stack_file:
    stack = json.load(stack_file)
users = stack['keystone']['users']
print()
print('Horizon:   %s' % stack['horizon']['url'])
for name in ('admin', 'member'):
    print('  user %-7s password %s  (project %s)'
          % (name, users[name]['password'], users[name]['project']))
print('Panels:    Project > Multistack > Instances; Admin > Multistack > '
      'Accounts;')
print('           Admin > Monitoring > RabbitMQ and System Log')
print('Stop it:   tools/dashboard.sh stop')
PYTHON
