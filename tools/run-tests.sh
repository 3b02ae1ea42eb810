#!/usr/bin/env bash
# Runs every test of the repository, as CI does: style checks, the unit
# tests of the client and of the reference service, the documentation and
# release notes builds, and the functional suite against real Keystone,
# Nova, RabbitMQ, PostgreSQL and the reference service on 127.0.0.1.
#
# Everything it needs is installed by itself: tox into .venv-tools, and the
# functional stack's Debian and PyPI packages by tools/stack/with-stack.sh.
#
#   tools/run-tests.sh              # everything
#   tools/run-tests.sh py3 pep8     # only these tox environments
set -euo pipefail
cd "$(dirname "$0")/.."

envs=${*:-pep8,py3,docs,releasenotes,functional}
envs=${envs// /,}

python=${PYTHON:-python3}
if ! .venv-tools/bin/tox --version >/dev/null 2>&1; then
    echo "==> installing tox into .venv-tools"
    "$python" -m venv .venv-tools
    .venv-tools/bin/pip install -q -U pip
    .venv-tools/bin/pip install -q 'tox>=4'
fi

echo "==> tox -e $envs"
start=$(date +%s)
status=0
.venv-tools/bin/tox -e "$envs" || status=$?
echo "==> tox finished in $(( $(date +%s) - start )) s with exit code $status"

# One closing line that counts every test run by stestr in this run.
if [ -x tools/test-totals.py ]; then
    "$python" tools/test-totals.py || true
fi
exit $status
