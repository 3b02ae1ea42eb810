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
# Run a command against a real stack on 127.0.0.1: Keystone, RabbitMQ,
# PostgreSQL, two Nova providers and the reference OpenMultiStack service.
#
#   tools/stack/with-stack.sh stestr --test-path ./omsclient/tests/functional run
#
# 1. installs what is missing (tools/stack/install.sh; cached in .stack/);
# 2. starts the stack (tools/stack/stackctl.py start);
# 3. exports OMS_STACK_FILE (stack.json: URLs, users, passwords) and
#    OS_CLIENT_CONFIG_FILE (clouds.yaml with the clouds oms-admin,
#    oms-member and oms-noauth) and runs the command;
# 4. stops everything it started, by pid, when the command ends, fails or
#    the script is interrupted; exits with the command's status.
#
# Python: the interpreter of the environment where the repository is
# installed with its server extra ($PYTHON, else python on PATH).
# OMS_STACK_KEEP=1 leaves the stack running after the command.

set -uo pipefail

TOOLS_DIR=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-$(command -v python || command -v python3)}
STACKCTL=("$PYTHON" "$TOOLS_DIR/stackctl.py")

if [ $# -eq 0 ]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
fi

child=
# Set while the stack is this script's own: a stack that was already
# running (someone else's) is never stopped from here.
owns_stack=0
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
        kill -TERM "$child" 2>/dev/null
        wait "$child" 2>/dev/null
    fi
    if [ "$owns_stack" != 1 ]; then
        :
    elif [ "${OMS_STACK_KEEP:-0}" = 1 ]; then
        echo "stack: left running (OMS_STACK_KEEP=1); stop it with" \
             "${STACKCTL[*]} stop" >&2
    else
        "${STACKCTL[@]}" stop
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "stack: installing what is missing (logs in .stack/logs)"
bash "$TOOLS_DIR/install.sh" || {
    echo "stack: installation failed" >&2
    exit 1
}

# The functional tests load gnocchiclient's plugin beside ours: install it
# when missing, but only into a virtualenv (the tox env), never elsewhere.
if ! "$PYTHON" -c 'import gnocchiclient' 2>/dev/null; then
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.prefix == sys.base_prefix)'
    then
        echo "stack: $PYTHON is not a virtualenv's python: run through" \
             "tox -e functional or set PYTHON" >&2
        exit 1
    fi
    "$PYTHON" -m pip install --quiet gnocchiclient || {
        echo "stack: installing gnocchiclient failed" >&2
        exit 1
    }
fi

# Children run in the background so that a signal to this script reaches
# the trap at once, not when they end; stdin is passed on explicitly.
exec 3<&0

owns_stack=1
"${STACKCTL[@]}" start <&3 &
child=$!
wait "$child"
case $? in
    0) ;;
    3) owns_stack=0
       echo "stack: not starting a second stack; the running one is left" \
            "alone" >&2
       exit 1 ;;
    *) echo "stack: the stack did not start; logs in .stack/logs" >&2
       exit 1 ;;
esac
eval "$("${STACKCTL[@]}" env)"

"$@" <&3 &
child=$!
wait "$child"
