#!/usr/bin/env bash
# Create a scratch virtualenv holding python-octaviaclient, a reference
# point for the start-up benchmark (python -m omsclient.tests.bench
# --octavia-python bench-results/venvs/octavia/bin/python).
#
# Usage: tools/bench/make-reference-venv.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-bench-results/venvs/octavia}
if [[ ! -x "$dir/bin/python" ]]; then
    python3 -m venv "$dir"
fi
"$dir/bin/pip" install --quiet --disable-pip-version-check \
    python-octaviaclient python-openstackclient
echo "$dir/bin/python"
