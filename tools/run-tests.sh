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

envs=${*:-pep8,mypy,py3,dashboard,docs,releasenotes,functional}
envs=${envs// /,}

python=${PYTHON:-python3}
if ! .venv-tools/bin/tox --version >/dev/null 2>&1; then
    echo "==> installing tox into .venv-tools"
    "$python" -m venv .venv-tools
    .venv-tools/bin/pip install -q -U pip
    .venv-tools/bin/pip install -q 'tox>=4'
fi

# stestr numbers its runs: count only the ones this invocation adds; the
# dashboard's pytest run writes a JUnit report, counted if this run made it.
rm -rf .test-results

first_run=0
if [ -f .stestr/next-stream ]; then
    first_run=$(cat .stestr/next-stream)
fi

echo "==> tox -e $envs"
start=$(date +%s)
status=0
.venv-tools/bin/tox -e "$envs" || status=$?
echo "==> tox finished in $(( $(date +%s) - start )) s with exit code $status"

# One closing line that counts every test of this run.
for env_python in .tox/py3/bin/python .tox/functional/bin/python; do
    if [ -x "$env_python" ]; then
        "$env_python" tools/test-totals.py --since "$first_run" \
            --junit .test-results/dashboard.xml || true
        break
    fi
done
exit $status
