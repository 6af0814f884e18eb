#!/usr/bin/env bash
# Crash rate of the borrowed-m-profiler scenario over N runs, with a plain
# shell loop (the racelab runner does this with statistics; this script is
# for measuring the model itself).  Usage:
#   bench/model-rates.sh N [scenario knobs...]
# Prints one line: runs, malloc-deadlock crashes (live / stale), clean exits,
# other endings, runs whose migrations were 0, and the median run time.
set -euo pipefail
exe=${BORROWED_M_PROFILER:-$(dirname "$0")/../build/scenarios/borrowed-m-profiler}
n=${1:?usage: $0 N [knobs...]}
shift
crash=0 live=0 stale=0 clean=0 other=0 nomig=0
times=()
for ((i = 0; i < n; i++)); do
    t0=$(date +%s%N)
    set +e
    out=$(timeout 60 "$exe" "$@" 2>&1)
    rc=$?
    set -e
    times+=($(( ($(date +%s%N) - t0) / 1000000 )))
    mig=$(grep -o 'migrations=[0-9]*' <<<"$out" | head -1 | cut -d= -f2 || true)
    [[ -z "$mig" || "$mig" == 0 ]] && nomig=$((nomig + 1))
    if [[ $rc == 2 ]] && grep -q '^fatal error: malloc deadlock' <<<"$out"; then
        crash=$((crash + 1))
        grep -q '(live' <<<"$out" && live=$((live + 1))
        grep -q '(stale' <<<"$out" && stale=$((stale + 1))
    elif [[ $rc == 0 ]]; then
        clean=$((clean + 1))
    else
        other=$((other + 1))
        echo "run $i: exit $rc: $out" >&2
    fi
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "knobs=[$*] runs=$n crashes=$crash live=$live stale=$stale clean=$clean other=$other migrations_zero=$nomig median_ms=$median"
