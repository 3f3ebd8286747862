#!/usr/bin/env bash
# Set up Landscape in a virtual environment (.venv) in the project folder, quietly, and only
# when pyproject.toml changed since the last install.
# Usage: scripts/setup.sh [extra]   e.g. scripts/setup.sh test  for the test tools too.
# Pictures for print (landscape map --format png|pdf) need the system's cairo library, which
# CairoSVG draws with: installed here with apt-get when run as root, else named if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
if ! ldconfig -p 2>/dev/null | grep 'libcairo\.so\.2' >/dev/null; then  # grep reads all: no early close under pipefail
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing the cairo library for pictures..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q libcairo2 >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q libcairo2 >/dev/null; }
  else
    echo "The cairo library (libcairo2) is not installed: landscape map --format png|pdf will not work." >&2
  fi
fi
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
