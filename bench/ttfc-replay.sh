#!/usr/bin/env bash
# bench/ttfc-replay.sh - does `racelab replay` of a crashing perturb trial
# crash again?  Runs N perturb trials of the buggy variant (racelab run), then
# replays up to K of the crashing ones R times each and prints the fraction of
# replays that crashed with malloc deadlock again, next to the crash rate of
# fresh seeds: if the seed decided the outcome, replays would crash far more
# often than fresh seeds do.  Knobs are chosen so that fresh seeds crash only
# sometimes (a low profiler rate, short runs); at the specs' 1000 Hz nearly
# every trial crashes and a replay figure would say nothing.
#
# usage: bench/ttfc-replay.sh [BUILD_DIR]       (default $RACELAB_BUILD, else build)
# environment: REPLAY_TRIALS (60), REPLAY_CRASHES (20), REPLAY_RERUNS (10),
#              REPLAY_KNOBS ("--profiler-hz=20 --duration-ms=300")
set -euo pipefail
build=${1:-${RACELAB_BUILD:-build}}
trials=${REPLAY_TRIALS:-60}
want=${REPLAY_CRASHES:-20}
reruns=${REPLAY_RERUNS:-10}
read -r -a knobs <<<"${REPLAY_KNOBS:---profiler-hz=20 --duration-ms=300}"
racelab=$build/harness/racelab
exe=$build/scenarios/borrowed-m-profiler
for f in "$racelab" "$exe"; do
    [[ -x $f ]] || { echo "ttfc-replay.sh: $f: not built" >&2; exit 2; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/racelab-replay.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "replay: load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
"$racelab" run --trials "$trials" --jobs 2 --results "$work/run" -- \
    "$exe" --mode=perturb --guard=target --seed='{seed}' "${knobs[@]}" >"$work/run.out" 2>&1 || true
total=$(grep -c . "$work/run/trials.jsonl")
mapfile -t crashed < <(grep '"outcome":"crash","signature":"fatal error: malloc deadlock' "$work/run/trials.jsonl" |
    sed -E 's/.*"index":([0-9]+).*/\1/' | head -n "$want")
ncrash=$(grep -c '"outcome":"crash","signature":"fatal error: malloc deadlock' "$work/run/trials.jsonl" || true)
echo "replay: knobs [--mode=perturb --guard=target ${knobs[*]}]: fresh seeds crashed in $ncrash of $total trials"
again=0 runs=0
for idx in "${crashed[@]}"; do
    hits=0
    for ((r = 0; r < reruns; r++)); do
        if "$racelab" replay "$work/run" "$idx" >"$work/replay.out" 2>&1; then
            hits=$((hits + 1))
        fi
    done
    echo "replay: trial $idx crashed again in $hits of $reruns replays"
    again=$((again + hits))
    runs=$((runs + reruns))
done
echo "replay: load average at end $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v a="$again" -v n="$runs" -v c="$ncrash" -v t="$total" 'BEGIN {
    printf "replay: %d of %d replays of %d crashing trials crashed again (%.1f%%); fresh seeds: %d of %d (%.1f%%)\n",
           a, n, n / (n ? '"$reruns"' : 1), n ? 100 * a / n : 0, c, t, t ? 100 * c / t : 0 }'
