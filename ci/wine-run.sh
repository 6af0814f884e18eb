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
exec wine "$build/$prog" "$@"
