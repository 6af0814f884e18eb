#!/usr/bin/env bash
# Creates (once) the Wine prefix that racelab's Windows tests run in, and
# makes it crash-quiet: the AeDebug debugger is emptied, so an unhandled
# exception ends the process with its NTSTATUS instead of starting winedbg.
# Idempotent: a ready prefix is left as it is.  Usage:
#   bash ci/wine-prefix.sh PREFIX
set -euo pipefail

prefix=${1:?usage: ci/wine-prefix.sh PREFIX}
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
export WINEPREFIX=$prefix WINEDEBUG=-all
# No Mono or Gecko download prompts: nothing here needs them.
export WINEDLLOVERRIDES="mscoree,mshtml="

if [[ -f $prefix/.racelab-ready ]]; then
    exit 0
fi
echo "ci/wine-prefix.sh: creating Wine prefix $prefix" >&2
wineboot -i >/dev/null 2>&1 || true
aedebug='HKLM\Software\Microsoft\Windows NT\CurrentVersion\AeDebug'
wine reg add "$aedebug" /v Debugger /t REG_SZ /d '' /f >/dev/null 2>&1
wine reg add "$aedebug" /v Auto /t REG_SZ /d 1 /f >/dev/null 2>&1
# The registry reaches disk only when this prefix's wineserver exits.
wineserver -w
if ! grep -q '"Debugger"=""' "$prefix/system.reg"; then
    echo "ci/wine-prefix.sh: could not empty AeDebug in $prefix/system.reg" >&2
    exit 1
fi
touch "$prefix/.racelab-ready"
