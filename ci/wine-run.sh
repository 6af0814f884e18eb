#!/usr/bin/env bash
# Runs one Windows executable of a cross build under Wine, in that build
# directory's own prefix (BUILD/wineprefix, created on first use), with
# Wine's debug output off.  The Linux racelab starts Windows trials through
# this, so a reproducer needs no environment set up by hand.  Usage:
#   bash ci/wine-run.sh BUILD PROGRAM.exe [ARGS...]   (PROGRAM relative to BUILD)
# An exported WINEPREFIX wins over BUILD/wineprefix.
#
# When Wine cannot be made to start the program (no build directory or
# program, no Wine, a prefix that cannot be set up, a wineserver that does
# not start), this prints "racelab: trial did not start: REASON" on stderr
# and exits 125: racelab counts such a trial as an error, never as the
# program's crash or pass.  Once the program runs, its own exit status and
# output are what the trial reports.
set -euo pipefail

not_started() {
    echo "racelab: trial did not start: $*" >&2
    exit 125
}

build=${1:?usage: ci/wine-run.sh BUILD PROGRAM.exe [ARGS...]}
prog=${2:?usage: ci/wine-run.sh BUILD PROGRAM.exe [ARGS...]}
shift 2
given=$build
build=$(cd "$build" 2>/dev/null && pwd) || not_started "no build directory $given (run in $(pwd))"
[ -f "$build/$prog" ] || not_started "no program $build/$prog"
command -v wine >/dev/null 2>&1 || not_started "wine not found"
export WINEPREFIX=${WINEPREFIX:-$build/wineprefix}
export WINEDEBUG=${WINEDEBUG:--all}
if ! grep -qs '"Debugger"=""' "$WINEPREFIX/system.reg"; then
    sh "$(dirname "$0")/wine-prefix.sh" "$WINEPREFIX" >&2 ||
        not_started "cannot set up the Wine prefix $WINEPREFIX"
fi
# The first Wine process of a server session starts Wine's own services
# (services.exe, winedevice.exe, ...).  Started from a trial they would join
# its process group and hold its output pipe open, so racelab would wait for
# them and then kill them with the trial.  When this call is what starts the
# server, start them here instead, detached and with no pipes.
# Trials start in parallel, so this runs under a lock: no trial's program
# may connect to a server whose services are not up yet and start them
# itself.  Closing fd 9 releases the lock; the daemons started here must not
# inherit it.  They leave the trial's session, and racelab leaves such
# daemons alone until the run ends.
# wineserver -p exits 0 when it started the server, 2 when one already
# serves the prefix, and otherwise could not start one.
exec 9>"$WINEPREFIX/.racelab-start.lock" || not_started "cannot create $WINEPREFIX/.racelab-start.lock"
flock 9 || not_started "cannot lock $WINEPREFIX/.racelab-start.lock"
# Its messages go to a file (the lock keeps it ours): a pipe would stay open
# in the server it starts.
err=$WINEPREFIX/.racelab-wineserver.err
rc=0
wineserver -p30 </dev/null >"$err" 2>&1 9>&- || rc=$?
if [ "$rc" -eq 0 ]; then
    setsid wine cmd /c exit </dev/null >/dev/null 2>&1 9>&- || true
elif [ "$rc" -ne 2 ]; then
    not_started "wineserver -p30 exited $rc for $WINEPREFIX: $(head -n 1 "$err" 2>/dev/null)"
fi
exec 9>&-
exec wine "$build/$prog" "$@"
