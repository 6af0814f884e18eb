#!/usr/bin/env bash
# Tests ci/wine-server.sh on a ready prefix (WINEPREFIX) whose server it may
# stop: a server that Wine starts by itself is seen as not persistent, and
# racelab_wineserver_up waits it out and leaves a persistent server of its
# own, with a new pid.  Called by ci/test-windows.sh before the run's own
# server starts; about 5 s.  Exit 0 when every check holds.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${WINEPREFIX:?tests/windows/test-wine-server.sh needs WINEPREFIX}"
. ci/wine-server.sh

fail() { echo "not ok wine-server: $*" >&2; wineserver -k 2>/dev/null || true; exit 1; }

wineserver -k 2>/dev/null || true
[[ -z $(racelab_wineserver_pid) ]] || fail "a server still serves $WINEPREFIX after wineserver -k"
# A Wine process started with no server: Wine starts one itself (-p0),
# which lives as long as this process, about 3 s.
setsid wine cmd /c "ping -n 4 127.0.0.1 >nul" </dev/null >/dev/null 2>&1 &
held=
for _ in $(seq 100); do
    held=$(racelab_wineserver_pid)
    [[ -n $held ]] && break
    sleep 0.1
done
[[ -n $held ]] || fail "no server found for $WINEPREFIX while a Wine process runs"
! racelab_wineserver_persistent "$held" || fail "the server Wine started itself ($held: $(tr '\0' ' ' <"/proc/$held/cmdline")) was taken for persistent"
racelab_wineserver_up || fail "racelab_wineserver_up failed"
# (A zombie has ended: it waits only for its parent to read its status.)
state=$(awk '{print $3}' "/proc/$held/stat" 2>/dev/null || true)
[[ -z $state || $state == Z ]] || fail "racelab_wineserver_up returned while the non-persistent server $held still ran (state $state)"
now=$(racelab_wineserver_pid)
[[ -n $now && $now != "$held" ]] || fail "after racelab_wineserver_up the server is '${now:-none}', want a new one"
racelab_wineserver_persistent "$now" || fail "the server racelab_wineserver_up left ($now) is not persistent"
# A persistent server is reused as it is.
racelab_wineserver_up || fail "racelab_wineserver_up failed on a persistent server"
[[ $(racelab_wineserver_pid) == "$now" ]] || fail "racelab_wineserver_up replaced a persistent server"
wait
wineserver -k
echo "ok   wine-server: a server Wine started itself is waited out; a persistent one is started, then reused"
