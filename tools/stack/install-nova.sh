#!/bin/bash
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
# Build the virtualenv that tools/stack/nova_provider.py runs in: nova and
# placement from PyPI plus the test libraries nova's functional fixtures
# import, at the versions tools/stack/constraints.txt pins. Idempotent: a
# complete venv built with the same pins is left alone.
#
#   OMS_STACK_DIR    state directory (default: <repo>/.stack)
#   OMS_NOVA_VENV    venv path (default: $OMS_STACK_DIR/venvs/nova)
#   PYTHON           interpreter used to create the venv (default: python3)

set -euo pipefail

TOOLS_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(cd "$TOOLS_DIR/../.." && pwd)
CONSTRAINTS=$TOOLS_DIR/constraints.txt
PINS=$(sha256sum "$CONSTRAINTS" | cut -d' ' -f1)
STACK_DIR=${OMS_STACK_DIR:-$REPO_DIR/.stack}
VENV=${OMS_NOVA_VENV:-$STACK_DIR/venvs/nova}
PYTHON=${PYTHON:-python3}
MARKER=$VENV/.omsclient-nova-ready

if [ "$(cat "$MARKER" 2>/dev/null)" = "$PINS" ]; then
    echo "Nova venv ready: $VENV"
    exit 0
fi

mkdir -p "$(dirname "$VENV")"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --upgrade pip
"$VENV/bin/pip" install --quiet -c "$CONSTRAINTS" \
    nova openstack-placement python-novaclient keystonemiddleware \
    oslotest wsgi-intercept testtools requests-mock
# Fail now rather than at the first start if the fixtures cannot import.
"$VENV/bin/python" -c \
    'import nova.tests.functional.integrated_helpers, placement.tests.functional.fixtures.placement'
echo "$PINS" >"$MARKER"
echo "Nova venv ready: $VENV"
