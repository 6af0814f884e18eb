#!/bin/sh
# Creates (or refreshes) a Wine prefix for racelab runs.  Idempotent.
#
# Usage: ci/wine-prefix.sh [PREFIX]     (default: $WINEPREFIX)
# - initialises the prefix with wineboot if it has no system.reg yet;
# - empties the AeDebug Debugger value, so an unhandled exception ends the
#   process at once (exit status 5 under Wine) instead of starting winedbg;
# - waits for the prefix's wineserver to finish writing the registry.
# It does not leave a wineserver running: start one with `wineserver -p`
# for fast process starts and stop it with `wineserver -k` (same WINEPREFIX).
set -eu

prefix=${1:-${WINEPREFIX:-}}
if [ -z "$prefix" ]; then
    echo "usage: ci/wine-prefix.sh PREFIX (or set WINEPREFIX)" >&2
    exit 64
fi
for tool in wine wineboot wineserver; do
    command -v "$tool" >/dev/null 2>&1 || { echo "wine-prefix.sh: $tool not found" >&2; exit 1; }
done
mkdir -p "$prefix"
WINEPREFIX=$(cd "$prefix" && pwd)
export WINEPREFIX
export WINEDEBUG=${WINEDEBUG:--all}
# No Mono/Gecko install dialogs in a headless prefix.
export WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-mscoree,mshtml=}

if [ ! -f "$WINEPREFIX/system.reg" ]; then
    wineboot --init >/dev/null 2>&1 || { echo "wine-prefix.sh: wineboot --init failed for $WINEPREFIX" >&2; exit 1; }
fi
wine reg add 'HKLM\Software\Microsoft\Windows NT\CurrentVersion\AeDebug' \
    /v Debugger /t REG_SZ /d '' /f >/dev/null 2>&1 \
    || { echo "wine-prefix.sh: could not empty the AeDebug debugger in $WINEPREFIX" >&2; exit 1; }
wineserver -w
echo "wine-prefix.sh: $WINEPREFIX ready (AeDebug debugger emptied)"
