#!/usr/bin/env bash
# Install Landscape, load the shipped London landscape into an embedded store, and write
# its findings, interactive map and executive report into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export LANDSCAPE_STORE="$PWD/out/store"
mkdir -p out
landscape=.venv/bin/landscape
$landscape validate london
$landscape load london --replace
$landscape analyse --format table > out/london-findings.txt
$landscape analyse --format json -o out/london-findings.json
$landscape map -o out/london-map.html
$landscape report -o out/london-report.html
head -n 40 out/london-findings.txt
echo
echo "Open out/london-map.html and out/london-report.html in a browser."
