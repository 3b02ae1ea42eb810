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
# Install what the functional stack needs and is missing, in parallel:
#
#   * RabbitMQ, PostgreSQL, nginx (the TLS-terminating proxy in front of
#     the reference service), Chromium and its WebDriver from Debian
#     (apt-get, as root);
#   * Keystone and gunicorn from PyPI in $OMS_STACK_DIR/venvs/keystone;
#   * Nova, Placement and gunicorn in $OMS_STACK_DIR/venvs/nova;
#   * Glance and gunicorn in $OMS_STACK_DIR/venvs/glance;
#   * Horizon with this repository's client and dashboard plugin in
#     $OMS_STACK_DIR/venvs/horizon;
#
# the PyPI packages at the versions tools/stack/constraints.txt pins.
#
# Idempotent: each part leaves a marker once complete and is skipped the
# next time (a venv built with other pins is built again). Logs go to
# $OMS_STACK_DIR/logs/install-*.log.
#
#   OMS_STACK_DIR   state directory (default: <repo>/.stack)
#   PYTHON          interpreter for the venvs (default: python3)

set -euo pipefail

TOOLS_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(cd "$TOOLS_DIR/../.." && pwd)
export OMS_STACK_DIR=${OMS_STACK_DIR:-$REPO_DIR/.stack}
PYTHON=${PYTHON:-python3}
CONSTRAINTS=$TOOLS_DIR/constraints.txt
HORIZON_CONSTRAINTS=$TOOLS_DIR/constraints-horizon.txt
LOG_DIR=$OMS_STACK_DIR/logs
mkdir -p "$LOG_DIR" "$OMS_STACK_DIR/venvs"

install_debian() {
    local missing=()
    [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
    compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null \
        || missing+=(postgresql)
    [ -x /usr/sbin/nginx ] || missing+=(nginx)
    [ -x /usr/bin/openssl ] || missing+=(openssl)
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "need root to install ${missing[*]} with apt-get" >&2
        return 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
    # The packages start their own daemons on some systems: the stack runs
    # its own instances on other ports, so leave those alone.
}

# Build the venv $OMS_STACK_DIR/venvs/NAME with pip install ARGS...
# constrained by the file PINNED, check that MODULES import, and mark it
# complete with the pins it was built with (a venv built with other pins
# is built again).
install_venv() {
    local name=$1 modules=$2 pinned=$3
    shift 3
    local venv=$OMS_STACK_DIR/venvs/$name
    local marker=$venv/.omsclient-$name-ready
    local pins
    pins=$(sha256sum "$pinned" | cut -d' ' -f1)
    [ "$(cat "$marker" 2>/dev/null)" = "$pins" ] && return 0
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet -c "$pinned" "$@"
    "$venv/bin/python" -c "import $modules"
    echo "$pins" >"$marker"
}

install_keystone() {
    install_venv keystone 'gunicorn, keystone.server.flask' "$CONSTRAINTS" \
        keystone gunicorn
}

# Horizon runs the plugin from the working tree (editable installs), so
# that the stack always serves the dashboard as checked out.
install_horizon() {
    install_venv horizon 'openstack_dashboard, omsdashboard' \
        "$HORIZON_CONSTRAINTS" -e "$REPO_DIR" -e "$REPO_DIR/dashboard"
}

# Nova and Placement share a venv; nova.wsgi and placement.wsgi are
# the WSGI applications gunicorn serves, psycopg2 their PostgreSQL driver.
install_nova() {
    install_venv nova 'gunicorn, psycopg2, nova.wsgi, placement.wsgi' \
        "$CONSTRAINTS" nova openstack-placement keystonemiddleware \
        gunicorn psycopg2-binary
}

install_glance() {
    install_venv glance 'gunicorn, glance.common.wsgi_app' "$CONSTRAINTS" \
        glance gunicorn
}

declare -A pids
for part in debian keystone nova glance horizon; do
    "install_$part" >"$LOG_DIR/install-$part.log" 2>&1 &
    pids[$part]=$!
done

failed=0
for part in "${!pids[@]}"; do
    if ! wait "${pids[$part]}"; then
        echo "installing $part failed; see $LOG_DIR/install-$part.log:" >&2
        tail -n 20 "$LOG_DIR/install-$part.log" >&2
        failed=1
    fi
done
exit $failed
