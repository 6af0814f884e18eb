#!/usr/bin/env bash
# Go's real runtime under Wine: the native build has cross-built the Go
# scenario once per runtime variant (build/scenarios/go17165/*.exe, option
# go_scenarios); this checks the reproducers/*-real.repro specs with them.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! ls build/scenarios/go17165/*.exe >/dev/null 2>&1; then
    echo "ci/test-go.sh: build/scenarios/go17165/*.exe missing: is go_scenarios enabled (go, mingw-w64, python3)?" >&2
    exit 1
fi
export WINEPREFIX=$PWD/build/wineprefix
export WINEDEBUG=-all
if ! grep -qs '"Debugger"=""' "$WINEPREFIX/system.reg"; then
    sh ci/wine-prefix.sh "$WINEPREFIX" >/dev/null
fi
# This prefix's own persistent server (fast process starts), stopped on exit.
wineserver -p 2>/dev/null || true
setsid wine cmd /c exit </dev/null >/dev/null 2>&1 || true
trap 'wineserver -k 2>/dev/null || true' EXIT
bash ci/check-reproducers.sh real
