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
# The suites that need the functional stack, one after the other, inside
# it (tox -e functional runs this script under with-stack.sh):
#
#   1. the reference service's, server/openmultistack/tests/functional:
#      its database tests on the stack's PostgreSQL
#      (OMS_TEST_POSTGRESQL_URL) and failover between the stack's two
#      real Nova providers (OMS_STACK_FILE);
#   2. the client's, omsclient/tests/functional: the openstack command
#      against the stack's services.
#
# The arguments are a stestr filter for both suites; a suite none of whose
# tests it matches is left out. Exit status: the last failure's, else 0.

set -uo pipefail
cd "$(dirname "$0")/../.."

filters=("$@")
status=0
# stestr lists tests only into an existing repository.
[ -d .stestr ] || stestr init >/dev/null

run_suite() {
    local where=("$@")
    if [ ${#filters[@]} -gt 0 ] &&
       [ -z "$(stestr "${where[@]}" list "${filters[@]}" 2>/dev/null)" ]
    then
        return 0
    fi
    stestr "${where[@]}" run --concurrency 1 "${filters[@]}" || status=$?
}

run_suite --test-path ./server/openmultistack/tests/functional \
    --top-dir ./server
run_suite --test-path ./omsclient/tests/functional
exit $status
