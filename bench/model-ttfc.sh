#!/usr/bin/env bash
# Time to first crash of borrowed-m-profiler: N runs of up to CAP ms each;
# each run's wall time until it died with malloc deadlock (or CAP, censored,
# if it did not).  Usage:
#   bench/model-ttfc.sh N CAP_MS [scenario knobs...]
# Prints the crash count, the median and 90th percentile time to crash (ms,
# censored runs counted at CAP_MS) and each run's time.
set -euo pipefail
exe=${BORROWED_M_PROFILER:-$(dirname "$0")/../build/scenarios/borrowed-m-profiler}
n=${1:?usage: $0 N CAP_MS [knobs...]}
cap=${2:?usage: $0 N CAP_MS [knobs...]}
shift 2
times=() crashes=0 other=0
for ((i = 0; i < n; i++)); do
    t0=$(date +%s%N)
    set +e
    out=$(timeout $((cap / 1000 + 30)) "$exe" --duration-ms="$cap" --seed=$((i + 1)) "$@" 2>&1)
    rc=$?
    set -e
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    if [[ $rc == 2 ]] && grep -q '^fatal error: malloc deadlock' <<<"$out"; then
        crashes=$((crashes + 1))
        times+=("$ms")
    elif [[ $rc == 0 ]]; then
        times+=("$cap")
    else
        other=$((other + 1))
        echo "run $i: exit $rc: $out" >&2
    fi
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
pick() { awk -v q="$1" '{a[NR]=$1} END {i=int(q*NR+0.999); if (i<1) i=1; print a[i]}' <<<"$sorted"; }
echo "knobs=[$*] runs=$n cap_ms=$cap crashes=$crashes other=$other median_ms=$(pick 0.5) p90_ms=$(pick 0.9)"
echo "times_ms: $(tr '\n' ' ' <<<"$sorted")"
