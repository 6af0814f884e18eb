#!/usr/bin/env bash
# Runs one Windows executable of a cross build under Wine, in that build
# directory's own prefix (BUILD/wineprefix, created on first use), with
# Wine's debug output off.  The Linux racelab starts Windows trials through
# this, so a reproducer needs no environment set up by hand.  Usage:
#   bash ci/wine-run.sh BUILD PROGRAM.exe [ARGS...]   (PROGRAM relative to BUILD)
# An exported WINEPREFIX wins over BUILD/wineprefix.
set -euo pipefail

build=${1:?usage: ci/wine-run.sh BUILD PROGRAM.exe [ARGS...]}
prog=${2:?usage: ci/wine-run.sh BUILD PROGRAM.exe [ARGS...]}
shift 2
build=$(cd "$build" && pwd)
export WINEPREFIX=${WINEPREFIX:-$build/wineprefix}
export WINEDEBUG=${WINEDEBUG:--all}
if ! grep -qs '"Debugger"=""' "$WINEPREFIX/system.reg"; then
    sh "$(dirname "$0")/wine-prefix.sh" "$WINEPREFIX" >&2
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
exec 9>"$WINEPREFIX/.racelab-start.lock"
flock 9
if wineserver -p30 </dev/null >/dev/null 2>&1 9>&-; then
    setsid wine cmd /c exit </dev/null >/dev/null 2>&1 9>&- || true
fi
exec 9>&-
exec wine "$build/$prog" "$@"
