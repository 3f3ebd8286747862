#!/usr/bin/env bash
# Set up Landscape in a virtual environment (.venv) in the project folder, quietly, and only
# when pyproject.toml changed since the last install.
# Usage: scripts/setup.sh [extra]   e.g. scripts/setup.sh test  for the test tools too.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
extra=${1:-}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
target="."
[ -n "$extra" ] && target=".[$extra]"
stamp=".venv/.installed${extra:+-$extra}"
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
installed() { [ -f "$1" ] && [ "$(cat "$1")" = "$wanted" ]; }
# An install with the test tools holds everything the plain install does.
if { installed "$stamp" || { [ -z "$extra" ] && installed .venv/.installed-test; }; } &&
   .venv/bin/python -c "import landscape" 2>/dev/null; then
  exit 0
fi
echo "Installing Landscape${extra:+ with its $extra tools} into .venv ..." >&2
log="$(mktemp)"
if ! { .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip &&
       .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$target"; } >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
echo "$wanted" >"$stamp"
