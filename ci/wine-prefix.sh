#!/bin/sh
# Creates (or refreshes) a Wine prefix for racelab runs.  Idempotent.
#
# Usage: ci/wine-prefix.sh [PREFIX]     (default: $WINEPREFIX)
# - initialises the prefix with wineboot if it has no system.reg yet;
# - empties the AeDebug Debugger value, so an unhandled exception ends the
#   process at once (exit status 5 under Wine) instead of starting winedbg;
# - installs bcryptprimitives.dll (ProcessPrng, which Go >= 1.22 loads at
#   start) into the prefix's system32 when Wine ships none, built from
#   ci/wine/bcryptprimitives.c with mingw-w64 (rebuilt when the source is
#   newer; a DLL that Wine itself put there is left alone);
# - after a fresh init, waits for the prefix's wineserver to write the
#   registry.  It never waits otherwise: `wineserver -w` would block for ever
#   while a persistent server (`wineserver -p`) serves the prefix.
# It does not start a persistent wineserver: start one with `wineserver -p`
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
    wineserver -w
fi
wine reg add 'HKLM\Software\Microsoft\Windows NT\CurrentVersion\AeDebug' \
    /v Debugger /t REG_SZ /d '' /f >/dev/null 2>&1 \
    || { echo "wine-prefix.sh: could not empty the AeDebug debugger in $WINEPREFIX" >&2; exit 1; }

# Go >= 1.22 needs bcryptprimitives.dll; Wine 8 has none.
dll=$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll
src=$(cd "$(dirname "$0")" && pwd)/wine/bcryptprimitives.c
bcrypt="Wine's own bcryptprimitives.dll"
if [ ! -f "$dll" ] || { grep -q 'racelab ProcessPrng' "$dll" && [ "$src" -nt "$dll" ]; }; then
    cc=${CC_WIN:-x86_64-w64-mingw32-gcc}
    command -v "$cc" >/dev/null 2>&1 || { echo "wine-prefix.sh: $cc not found (mingw-w64), needed to build bcryptprimitives.dll" >&2; exit 1; }
    "$cc" -std=c11 -Wall -Wextra -Werror -O2 -shared -s -Wl,--no-insert-timestamp \
        -o "$dll.tmp" "$src" -ladvapi32 \
        || { echo "wine-prefix.sh: building $src failed" >&2; rm -f "$dll.tmp"; exit 1; }
    mv "$dll.tmp" "$dll"
    bcrypt="bcryptprimitives.dll installed from ci/wine/bcryptprimitives.c"
elif grep -q 'racelab ProcessPrng' "$dll"; then
    bcrypt="racelab's bcryptprimitives.dll"
fi
echo "wine-prefix.sh: $WINEPREFIX ready (AeDebug debugger emptied; $bcrypt)"
