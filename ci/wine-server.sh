# ci/wine-server.sh - sourced (bash) by the scripts that run Windows programs
# under Wine: racelab_wineserver_up makes sure a persistent wineserver serves
# $WINEPREFIX, with Wine's services up, before any program of a run starts.
#
# Why persistent: Debian's wineserver wrapper starts every server with -p0,
# so a server that Wine starts by itself exits the moment its last process
# does.  A Wine process that starts while such a server shuts down can exit
# with status 1 before its program's main runs, printing nothing: the "silent
# start failure" of docs/windows.md, seen in 1 in about 2,000 model trials
# and in a CI smoke test of the real Go runtime.  A persistent server never
# shuts down between processes, so the race has no window.
#
# Why not just `wineserver -p`: when a server already serves the prefix it
# exits 2 and leaves that server as it is, persistent or not (a fresh
# prefix's set-up leaves one that is shutting down).  So a running server is
# reused only when its own command line makes it persistent; one that is not
# is waited out first, and then a persistent one is started.
#
#   racelab_wineserver_up [LINGER]
#       LINGER: seconds the server stays after its last process (default:
#       for ever).  Returns 0 when a persistent server serves the prefix;
#       otherwise prints why on stderr and returns 1.  When it started the
#       server, it also starts Wine's services (services.exe, winedevice.exe,
#       ...) detached and without pipes: started by a trial they would join
#       its process group and hold its output pipe open.
#   racelab_wineserver_pid
#       prints the pid of the server that serves $WINEPREFIX, if one does.

# The server's working directory is its socket directory,
# .../server-<st_dev hex>-<st_ino hex> of the prefix.
racelab_wineserver_pid() {
    local id p cwd
    id=$(stat -L -c '%D %i' "$WINEPREFIX" 2>/dev/null) || return 0
    id=$(printf 'server-%x-%x' "0x${id% *}" "${id#* }")
    for p in /proc/[0-9]*; do
        case $(cat "$p/comm" 2>/dev/null) in wineserver*) ;; *) continue ;; esac
        cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
        if [[ ${cwd##*/} == "$id" ]]; then
            echo "${p#/proc/}"
            return 0
        fi
    done
}

# Whether server PID stays after its last process: its last -p option
# decides (-p0, Debian's default, does not).
racelab_wineserver_persistent() {
    local arg last=-p0
    while IFS= read -r -d '' arg; do
        case $arg in -p*|--persistent*) last=$arg ;; esac
    done 2>/dev/null <"/proc/$1/cmdline" || return 1
    case $last in -p0|--persistent=0) return 1 ;; esac
}

racelab_wineserver_up() {
    local linger=${1:-} rc pid tries=0
    : "${WINEPREFIX:?racelab_wineserver_up needs WINEPREFIX}"
    while :; do
        rc=0
        # 9>&-: a caller's lock on fd 9 must not live on in the daemons.
        wineserver "-p$linger" </dev/null >/dev/null 2>&1 9>&- || rc=$?
        if [[ $rc == 0 ]]; then
            setsid wine cmd /c exit </dev/null >/dev/null 2>&1 9>&- || true
            return 0
        fi
        if [[ $rc != 2 ]]; then
            echo "wineserver -p$linger exited $rc for $WINEPREFIX" >&2
            return 1
        fi
        pid=$(racelab_wineserver_pid)
        if [[ -n $pid ]] && racelab_wineserver_persistent "$pid"; then
            return 0
        fi
        # A server that is not persistent (or just gone): wait until it has
        # shut down, up to 30 s, for Wine processes still running on it.
        tries=$((tries + 1))
        if ((tries > 300)); then
            echo "a wineserver that is not persistent (pid ${pid:-?}) still serves $WINEPREFIX after 30 s: some Wine process keeps it up" >&2
            return 1
        fi
        sleep 0.1
    done
}
