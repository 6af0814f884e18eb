#!/usr/bin/env bash
# ci/wine-run.sh tells a trial that never started from the program's own
# failure by the file racelab's scenario programs create first thing
# (RACELAB_STARTED, scenarios/programs/options.c):
#   - a scenario program that fails (a bad knob, exit 64) made the file:
#     its exit status is passed on;
#   - a "scenario" that exits non-zero without making it (here racelab.exe
#     copied under scenarios/, given a bad command) is started three times,
#     each retry said and counted in $WINEPREFIX/.racelab-failed-starts,
#     then reported as never started: exit 125 and
#     "racelab: trial did not start: ...";
#   - a program outside scenarios/ is not checked: its status is passed on.
# Usage: tests/windows/test-wine-run.sh BUILD (a cross build, WINEPREFIX set).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:?usage: tests/windows/test-wine-run.sh BUILD}
fail=0
check() { # NAME WANT_RC WANT_TEXT RC OUT
    if [[ $4 != "$2" || $5 != *"$3"* ]]; then
        echo "not ok - $1: exit $4, want $2 with '$3': $5" >&2; fail=1
    else
        echo "ok - $1"
    fi
}
rc=0; out=$(bash ci/wine-run.sh "$build" scenarios/suspend-family.exe --no-such-knob 2>&1) || rc=$?
check "a scenario's own exit 64 is passed on" 64 "unknown knob" "$rc" "$out"

fake=$(mktemp -d "${TMPDIR:-/tmp}/racelab-wine-run.XXXXXX")
trap 'rm -rf "$fake"' EXIT
mkdir -p "$fake/scenarios"
cp "$build/harness/racelab.exe" "$fake/scenarios/unmarked.exe"
cp "$build/harness/racelab.exe" "$fake/unmarked.exe"
counted() { cat "$WINEPREFIX/.racelab-failed-starts" 2>/dev/null | grep -c ' scenarios/unmarked.exe exit 64 start [123] of 3$' || true; }
before=$(counted)
rc=0; out=$(bash ci/wine-run.sh "$fake" scenarios/unmarked.exe no-such-command 2>&1) || rc=$?
check "a scenario that exits without its start file never started" 125 "racelab: trial did not start: wine exited 64 before scenarios/unmarked.exe ran, three times" "$rc" "$out"
starts=$(grep -c '^racelab: wine-run: wine exited 64 before scenarios/unmarked.exe ran (start [123] of 3)$' <<<"$out" || true)
check "... after three starts, each retry said" 3 "" "$starts" ""
check "... and each failed start counted" 3 "" "$(( $(counted) - before ))" ""
rc=0; out=$(bash ci/wine-run.sh "$fake" unmarked.exe no-such-command 2>&1) || rc=$?
check "a program outside scenarios/ is passed on" 64 "unknown command" "$rc" "$out"
ls "$WINEPREFIX"/.racelab-started.* >/dev/null 2>&1 && { echo "not ok - start files left behind" >&2; fail=1; }
exit $fail
