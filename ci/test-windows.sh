#!/usr/bin/env bash
# The Windows half of the test command, on Linux: cross-builds racelab and
# the scenarios with mingw-w64 into build-win/, runs the tests under Wine
# (meson test, through the cross file's exe wrapper): suite 'harness', the
# six platform-free unit suites that also run natively, here on
# tests/lib/rltest.h's portable TAP implementation, and suite 'windows', the
# Windows-side tests.  Then lets the native racelab check the Windows
# scenario through Wine.  Idempotent: the prefix and build directory are
# reused.  Expects build/harness/racelab (ci/test.sh builds it first).
# With --shard I/N (a matrix job of the GitHub workflow): only the cross
# build and share I of N of every -wine check (ci/check-reproducers.sh
# --shard); ci/merge-shards.sh judges the shards together.
# Environment:
#   RACELAB_REPORT_DIR   where the JUnit and Markdown reports go
#                        (default build-win/reports)
#   RACELAB_WINE_GATES   0: leave the -wine gates out (they run as shards)
set -euo pipefail
cd "$(dirname "$0")/.."

shard=
if [[ ${1:-} == --shard ]]; then
    shard=${2:?--shard needs I/N}
elif [[ $# -gt 0 ]]; then
    echo "ci/test-windows.sh: unknown argument '$1' (--shard I/N, or none)" >&2
    exit 64
fi
build=build-win
reports=${RACELAB_REPORT_DIR:-$build/reports}
mkdir -p "$build" "$reports"
export WINEPREFIX=$PWD/$build/wineprefix
export WINEDEBUG=-all

# Prepare the prefix only when it is not ready: after a fresh init
# ci/wine-prefix.sh waits for the server to exit (`wineserver -w`),
# which would wait for ever on a persistent server.
if ! grep -qs '"Debugger"=""' "$WINEPREFIX/system.reg"; then
    wineserver -k 2>/dev/null || true
    sh ci/wine-prefix.sh "$WINEPREFIX" >/dev/null
fi
# One persistent wineserver for the whole run, with Wine's services started
# detached (ci/wine-server.sh): each Wine process start then costs
# milliseconds instead of most of a second, and none meets a server that is
# shutting down.  It is this prefix's own server, so stopping it at the end
# touches no other Wine user.
bash tests/windows/test-wine-server.sh
. ci/wine-server.sh
racelab_wineserver_up || { echo "ci/test-windows.sh: no persistent wineserver for $WINEPREFIX" >&2; exit 1; }
trap 'wineserver -k 2>/dev/null || true' EXIT

if [[ ! -f $build/build.ninja ]]; then
    meson setup "$build" --cross-file ci/mingw-w64-x86_64.txt -Dgo_scenarios=disabled
fi
meson compile -C "$build"
if [[ -n $shard ]]; then
    bash ci/check-reproducers.sh --shard "$shard" wine
    exit $?
fi
meson test -C "$build" --print-errorlogs --num-processes 2
bash tests/windows/test-wine-run.sh "$build"
# The platform-free suites must have run, not been left out of the build.
# (The list is read whole first: grep -q would close the pipe early, and
# meson fails on the broken pipe under pipefail.)
listed=$(meson test -C "$build" --list)
grep -q '^racelab:harness / ' <<<"$listed" || {
    echo "ci/test-windows.sh: the harness suites are missing from $build" >&2
    exit 1
}

racelab=build/harness/racelab
if [[ ! -x $racelab ]]; then
    echo "ci/test-windows.sh: $racelab missing: build natively first (ci/test.sh does)" >&2
    exit 1
fi
# RACELAB_WINE_GATES=0: the gates run elsewhere, as shards (the GitHub
# workflow's matrix jobs); their positive controls still run here.
if [[ ${RACELAB_WINE_GATES:-1} != 0 ]]; then
    RACELAB_REPORT_DIR=$reports bash ci/check-reproducers.sh wine
fi
# Each -wine gate's positive control pointed at the fix must fail (790 s for
# the six on the 2-core machine at load average 40-90, 2026-12-03).
bash ci/check-positive-controls.sh wine
