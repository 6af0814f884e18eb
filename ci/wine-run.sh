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
# not start, or Wine exiting before the program ran, three times), this prints "racelab: trial did not start: REASON" on stderr
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
# One persistent server for the prefix, with Wine's services started by it
# (ci/wine-server.sh says why both).  Trials start in parallel, so this runs
# under a lock: no trial's program may connect to a server whose services
# are not up yet and start them itself, or meet a server that is shutting
# down.  The server stays 30 s after the last Wine process: racelab ends its
# daemons when the run ends.  Closing fd 9 releases the lock; the daemons
# must not inherit it.  They leave the trial's session, and racelab leaves
# such daemons alone until the run ends.
. "$(dirname "$0")/wine-server.sh"
exec 9>"$WINEPREFIX/.racelab-start.lock" || not_started "cannot create $WINEPREFIX/.racelab-start.lock"
flock 9 || not_started "cannot lock $WINEPREFIX/.racelab-start.lock"
# Its messages go to a file (the lock keeps it ours): a pipe would stay open
# in the server it starts.
err=$WINEPREFIX/.racelab-wineserver.err
racelab_wineserver_up 30 2>"$err" || not_started "$(head -n 1 "$err" 2>/dev/null)"
exec 9>&-
# racelab's own scenario programs (scenarios/*.exe) create $RACELAB_STARTED
# first thing (scenarios/programs/options.c).  Wine now and then exits 1 at
# once with no output, before the program ran (docs/windows.md, "A rare
# silent start failure").  Without the file such an exit is a start that
# failed, not the program's failure: the same command is started again, at
# most three times in all, each retry said on stderr, and a trial whose
# every start failed never started.  Every failed start is also counted,
# a line each, in $WINEPREFIX/.racelab-failed-starts (time, program, exit
# status, attempt), so that how often Wine fails to start a program can be
# measured over a whole series of runs.  Any other program's exit status is
# passed on as it is.
case $prog in
scenarios/*.exe) ;;
*) exec wine "$build/$prog" "$@" ;;
esac
export RACELAB_STARTED=$WINEPREFIX/.racelab-started.$$
for attempt in 1 2 3; do
    rm -f "$RACELAB_STARTED"
    rc=0
    wine "$build/$prog" "$@" || rc=$?
    if [[ $rc == 0 || -e $RACELAB_STARTED ]]; then
        rm -f "$RACELAB_STARTED"
        exit $rc
    fi
    echo "racelab: wine-run: wine exited $rc before $prog ran (start $attempt of 3)" >&2
    printf '%s %s exit %d start %d of 3\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$prog" "$rc" "$attempt" \
        >>"$WINEPREFIX/.racelab-failed-starts" || true
done
not_started "wine exited $rc before $prog ran, three times (it made no $RACELAB_STARTED)"
