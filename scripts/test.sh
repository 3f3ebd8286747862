#!/usr/bin/env bash
# Install Landscape with its test tools and everything the tests need (headless Chromium
# for the browser tests; the Neo4j server is fetched and started by the tests themselves),
# then lint, type-check and run the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Chromium for the browser tests..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
  else
    echo "Chromium is not installed and cannot be installed here: browser tests will skip." >&2
  fi
fi
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/pytest "$@"
