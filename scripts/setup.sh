#!/usr/bin/env bash
# Set up Landscape in a virtual environment (.venv) in the project folder.
# Usage: scripts/setup.sh [extra]   e.g. scripts/setup.sh test  for the test tools too.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
target="."
[ -n "${1:-}" ] && target=".[$1]"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$target"
