#!/usr/bin/env bash
# Go's real runtime under Wine.  The native build has cross-built the Go
# scenario once per runtime variant (build/scenarios/go17165/*.exe, option
# go_scenarios) and `meson test` has checked the runtime patch step.
#
#   ci/test-go.sh           the CI step: the smoke test, then the forced gate
#   ci/test-go.sh --smoke   smoke test: every variant starts under Wine,
#                           refuses a bad flag with exit 64, and runs 1 s
#                           with the profiler off to a result line, exit 0;
#                           a points variant refuses a bad -points and a
#                           -min-windows without a trap hold, one without
#                           points refuses any.
#   ci/test-go.sh --forced  reproducers/go17165-forced-real.repro (Go 1.26 with
#                           racelab's schedule points) under a co-load of 2
#                           busy threads per core (--co-load cpu=4 on 2 cores);
#                           4 minutes beside stress-ng --cpu 2 (load average
#                           10-13; PASS: 55/55, 0/300), the spec's comment
#                           has more.
#   ci/test-go.sh --forced --shard I/N
#                           share I of N of that check (a matrix job of the
#                           GitHub workflow), into
#                           build/results-ci-real.shard-I-of-N/; judged with
#                           the other shards by ci/merge-shards.sh real
#   ci/test-go.sh --check   the statistical reproducers/*-real.repro checks
#                           (about 10-15 minutes; not a CI gate: see docs/go-runtime.md
#                           for why their rates are too load-dependent to
#                           gate on).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-ci}
shard=
if [[ $mode == --forced && ${2:-} == --shard ]]; then
    shard=${3:?--shard needs I/N}
    [[ $shard =~ ^[0-9]+/[0-9]+$ ]] || { echo "ci/test-go.sh: --shard wants I/N, not '$shard'" >&2; exit 64; }
fi
if ! ls build/scenarios/go17165/*.exe >/dev/null 2>&1; then
    echo "ci/test-go.sh: build/scenarios/go17165/*.exe missing: is go_scenarios enabled (go, mingw-w64, python3)?" >&2
    exit 1
fi
export WINEPREFIX=$PWD/build/wineprefix
export WINEDEBUG=-all
if ! grep -qs '"Debugger"=""' "$WINEPREFIX/system.reg" ||
   [[ ! -f $WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll ]]; then
    sh ci/wine-prefix.sh "$WINEPREFIX" >/dev/null
fi
# This prefix's own persistent server (fast process starts, and no start
# that meets a server shutting down: ci/wine-server.sh), stopped on exit.
. ci/wine-server.sh
racelab_wineserver_up || { echo "ci/test-go.sh: no persistent wineserver for $WINEPREFIX" >&2; exit 1; }
trap 'wineserver -k 2>/dev/null || true' EXIT

forced() {
    local exe=build/scenarios/go17165/go17165-go1.26-points.exe reports=${RACELAB_REPORT_DIR:-build/reports}
    if [[ ! -f $exe ]]; then
        echo "ci/test-go.sh: $exe missing: the forced gate needs Go 1.26 (meson option go_current, default /usr/local/go/bin/go)" >&2
        return 1
    fi
    local cores
    cores=$(nproc)
    mkdir -p "$reports"
    if [[ -n $shard ]]; then
        local dir=build/results-ci-real.shard-${shard%/*}-of-${shard#*/} st=0
        rm -rf "$dir"
        echo "---- racelab check --shard $shard reproducers/go17165-forced-real.repro (co-load cpu=$((2 * cores)))"
        build/harness/racelab check --jobs 2 --co-load "cpu=$((2 * cores))" --build build --shard "$shard" \
            --results "$dir/go17165-forced-real" reproducers/go17165-forced-real.repro || st=$?
        # A shard's own verdict covers a part of the trials: only setup errors fail it.
        [[ $st == 0 || $st == 1 || $st == 3 ]]
        return
    fi
    rm -rf build/results-ci-forced
    echo "---- racelab check reproducers/go17165-forced-real.repro (co-load cpu=$((2 * cores)))"
    build/harness/racelab check --jobs 2 --co-load "cpu=$((2 * cores))" --build build \
        --results build/results-ci-forced --junit "$reports/go17165-forced-real.junit.xml" \
        --markdown "$reports/go17165-forced-real.md" reproducers/go17165-forced-real.repro
}

case $mode in
--check) exec bash ci/check-reproducers.sh real ;;
--forced) forced; exit $? ;;
--smoke|ci) ;;
*) echo "ci/test-go.sh: unknown argument '$mode' (--smoke, --forced, --check, or none)" >&2; exit 64 ;;
esac

fail=0
# run CMD...: sets rc and out.  Wine now and then exits 1 at once with no
# output, before the program ran (docs/windows.md, "A rare silent start
# failure"); the Go programs always print something (a usage message, a
# result line), so such an exit is a start that failed, not what the smoke
# test asks: it is started again, at most three times, each retry said.
run() {
    local attempt
    for attempt in 1 2 3; do
        rc=0; out=$("$@" 2>&1) || rc=$?
        [[ $rc == 1 && -z $out ]] || return 0
        echo "go smoke: $* exited 1 with no output, before it ran (start $attempt of 3)" >&2
    done
}
for exe in build/scenarios/go17165/*.exe; do
    for bad in -threads=0 -hogs=65 -pause=wait2; do
        run wine "$exe" "$bad"
        if [[ $rc != 64 ]]; then
            echo "go smoke: $exe $bad exited $rc, want 64: $out" >&2; fail=1
        fi
    done
    # Every C-side knob once: a hog thread and the wineserver-wait pause.
    run timeout 60 wine "$exe" -hz=0 -duration=1000 -threads=2 -hogs=1 -pause=wait0
    if [[ $rc != 0 || $out != *"result=ok"* ]]; then
        echo "go smoke: $exe -hz=0 exited $rc, want 0 and a result line: $out" >&2; fail=1
    else
        echo "go smoke: $(basename "$exe"): ok ($(grep -o 'calls=[0-9]*' <<<"$out"))"
    fi
    # -points: a bad one is refused by a points variant, any by the others.
    case $exe in *-points*) points=needm:wait:10 ;; *) points=needm:yield ;; esac
    run wine "$exe" -points="$points"
    if [[ $rc != 64 ]]; then
        echo "go smoke: $exe -points=$points exited $rc, want 64: $out" >&2; fail=1
    fi
    # -min-windows counts held trap windows: without a sigprof-trap hold it
    # would run to -max-duration counting nothing, so it is refused.
    if [[ $exe == *-points* ]]; then
        run wine "$exe" -min-windows=1 -points=sigprof-trap:wait:10
        if [[ $rc != 64 || $out != *"sigprof-trap:hold"* ]]; then
            echo "go smoke: $exe -min-windows=1 without a hold exited $rc, want 64 naming sigprof-trap:hold: $out" >&2; fail=1
        fi
    fi
done
if [[ $fail != 0 || $mode == --smoke ]]; then exit $fail; fi
forced
