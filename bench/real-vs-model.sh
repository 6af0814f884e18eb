#!/usr/bin/env bash
# bench/real-vs-model.sh - time to first "malloc deadlock" and crash rate of
# issue 17165's buggy runtime, forced vs natural, Go's real runtime (Go 1.26
# and Go 1.19 under Wine, scenarios/go17165) vs the model
# (borrowed-m-profiler), side by side in one run, so every series sees the
# same machine and load.  Each series is N trials through `racelab run`; a
# trial's time to crash is its process's run time until it died with
# "malloc deadlock"; a trial that did not is censored at its cap (a median
# at the cap means "at least").
#
#   real-1.26 forced   go17165-go1.26-points-reverted.exe, the forced gate's points
#   real-1.26 off      the same .exe with -points=off (natural timing)
#   real-1.19 forced   go17165-points-reverted.exe, the same points
#   real-1.19 natural  go17165-mitigated-reverted.exe, go17165-real.repro's knobs
#   model forced       borrowed-m-profiler --mode=forced --guard=target
#   model natural      borrowed-m-profiler --mode=natural --guard=target
#
# usage: bench/real-vs-model.sh [BUILD_DIR]   (default $RACELAB_BUILD, else build)
# environment: RVM_RUNS (20 per series), RVM_JOBS (2), RVM_CO_LOAD (e.g.
#              cpu=4: racelab's --co-load for every series; default none)
# Needs WINEPREFIX made by ci/wine-prefix.sh.  Prints one line per series and
# exits 0; 2 when it could not run.  It asserts nothing: a figure to read.
set -euo pipefail

build=${1:-${RACELAB_BUILD:-build}}
runs=${RVM_RUNS:-20}
jobs=${RVM_JOBS:-2}
racelab=$build/harness/racelab
go=$build/scenarios/go17165
for f in "$racelab" "$build/scenarios/borrowed-m-profiler" "$go/go17165-go1.26-points-reverted.exe" \
         "$go/go17165-points-reverted.exe" "$go/go17165-mitigated-reverted.exe"; do
    [[ -e $f ]] || { echo "real-vs-model.sh: $f: not built (meson compile -C $build)" >&2; exit 2; }
done
[[ -n ${WINEPREFIX:-} ]] || { echo "real-vs-model.sh: set WINEPREFIX (ci/wine-prefix.sh)" >&2; exit 2; }
export WINEDEBUG=${WINEDEBUG:--all}
co=()
if [[ -n ${RVM_CO_LOAD:-} ]]; then co=(--co-load "$RVM_CO_LOAD"); fi
work=$(mktemp -d "${TMPDIR:-/tmp}/racelab-rvm.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The forced gate's points and knobs, read from its spec so that the bench
# measures what CI gates on: a trial runs until one trap window was held
# through, at most 15 s (-max-duration).
spec=$(dirname "$0")/../reproducers/go17165-forced-real.repro
read -r -a forced_args < <(sed -n 's/^variant  *points-reverted  *[^ ]*\.exe \(.*\) -seed={seed}$/\1/p' "$spec")
[[ ${#forced_args[@]} -gt 0 && ${forced_args[*]} == *-points=* ]] ||
    { echo "real-vs-model.sh: $spec: no 'variant points-reverted' line with -points" >&2; exit 2; }
natural_knobs=(-duration=5000 -threads=2 -allocs=100 -depth=60 -cgo -cspin=300 -pause=sleep0 -procs=8 -hz=1000)

# series NAME CAP_S COMMAND...: N trials through racelab run, then one line.
series() {
    local name=$1 cap=$2
    shift 2
    "$racelab" run --trials "$runs" --jobs "$jobs" --timeout $((cap + 20)) "${co[@]}" \
        --results "$work/$name" -- "$@" >"$work/$name.out" 2>&1 || true
    python3 - "$work/$name/trials.jsonl" "$name" "$cap" <<'PY'
import json, statistics, sys
path, name, cap = sys.argv[1], sys.argv[2], float(sys.argv[3])
trials = [json.loads(l) for l in open(path)] if __import__("os").path.exists(path) else []
md = [t for t in trials if t["outcome"] == "crash" and "malloc deadlock" in (t.get("signature") or "")]
ttc = sorted(t["duration_s"] if t in md else max(cap, t["duration_s"]) for t in trials)
other = sum(1 for t in trials if t not in md and t["outcome"] != "pass")
med = statistics.median(ttc) if ttc else float("nan")
cens = "" if len(md) * 2 > len(trials) else " (censored: at least)"
print("%-18s %3d trials  malloc deadlock %3d (%5.1f%%)  other failures %2d  median time to crash %6.2f s%s" % (
    name, len(trials), len(md), 100.0 * len(md) / max(1, len(trials)), other, med, cens))
PY
}

echo "real-vs-model: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), co-load ${RVM_CO_LOAD:-none}, $runs trials per series"
series "real-1.26 forced" 15 wine "$go/go17165-go1.26-points-reverted.exe" "${forced_args[@]}" -seed={seed}
series "real-1.26 off" 5 wine "$go/go17165-go1.26-points-reverted.exe" "${natural_knobs[@]}" -seed={seed}
series "real-1.19 forced" 15 wine "$go/go17165-points-reverted.exe" "${forced_args[@]}" -seed={seed}
series "real-1.19 natural" 5 wine "$go/go17165-mitigated-reverted.exe" "${natural_knobs[@]}" -seed={seed}
series "model forced" 1 "$build/scenarios/borrowed-m-profiler" --mode=forced --guard=target --duration-ms=1000 --seed={seed}
series "model natural" 1 "$build/scenarios/borrowed-m-profiler" --mode=natural --guard=target --duration-ms=1000 --seed={seed}
echo "real-vs-model: load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
