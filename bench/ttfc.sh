#!/usr/bin/env bash
# bench/ttfc.sh - time to first crash (TTFC) of issue 17165's buggy variant in
# each mode of borrowed-m-profiler, measured in one run through racelab:
#
#   natural  nothing injected          (the baseline every ratio refers to)
#   perturb  seeded schedule perturbation at the schedule points
#   forced   the 17165 interleaving scripted across the real threads
#
# A run's TTFC is how long its process ran until it died with "fatal error:
# malloc deadlock"; a run that survives its cap is censored and counted at the
# cap (so a median or p90 at the cap means "at least").  The knobs make
# natural slow on purpose (a low profiler rate): the point is how much faster
# perturb and forced find the bug.  Also: forced mode's trials per second and
# its fixed variant (must never crash).
#
# usage: bench/ttfc.sh [BUILD_DIR]          (default $RACELAB_BUILD, else build)
# environment: TTFC_RUNS (30 per mode), TTFC_HZ (5), TTFC_CAP_MS (20000),
#              TTFC_FORCED_RUNS (100 per variant), TTFC_JOBS (2)
# exit status: 0 every target met, 1 some target not met, 2 could not run.
# Targets (issue 5): forced buggy crashes in every run and fixed in none,
# forced median trial <= 50 ms; perturb median TTFC <= 1/5 of natural's, on
# knobs where natural's median is >= 1 s (else the comparison is void).
set -euo pipefail

build=${1:-${RACELAB_BUILD:-build}}
runs=${TTFC_RUNS:-30}
hz=${TTFC_HZ:-5}
cap_ms=${TTFC_CAP_MS:-20000}
forced_runs=${TTFC_FORCED_RUNS:-100}
jobs=${TTFC_JOBS:-2}
racelab=$build/harness/racelab
exe=$build/scenarios/borrowed-m-profiler
for f in "$racelab" "$exe"; do
    [[ -x $f ]] || { echo "ttfc.sh: $f: not built (meson compile -C $build)" >&2; exit 2; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/racelab-ttfc.XXXXXX")
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }

# run NAME TRIALS SCENARIO-ARGS...: racelab run into $work/NAME; prints the
# wall time in seconds.
run() {
    local name=$1 n=$2
    shift 2
    local t0 t1
    t0=$(now)
    "$racelab" run --trials "$n" --jobs "$jobs" --timeout $((cap_ms / 1000 + 60)) \
        --results "$work/$name" -- "$exe" --seed='{seed}' "$@" >"$work/$name.out" 2>&1 || true
    t1=$(now)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

# stats NAME: "runs crashes censored other median p90 median_duration" from
# $work/NAME/trials.jsonl (TTFC of a censored run = its duration, ~ the cap).
stats() {
    sed -E 's/.*"outcome":"([a-z]+)","signature":(null|"([^"\\]|\\.)*").*"duration_s":([0-9.e+-]+).*/\1 \2 \4/' \
        "$work/$1/trials.jsonl" |
    awk '{
            n++; d = $NF
            if ($1 == "crash" && index($0, "malloc deadlock")) { c++; t[n] = d }
            else if ($1 == "pass") { cens++; t[n] = d }
            else { other++; t[n] = d }
            all[n] = d
         }
         function q(a, m, p,   i, k, tmp, s) {
            k = 0; for (i in a) s[++k] = a[i]
            # insertion sort: a few hundred values at most
            for (i = 2; i <= k; i++) { tmp = s[i]; j = i - 1
                while (j > 0 && s[j] > tmp) { s[j + 1] = s[j]; j-- } s[j + 1] = tmp }
            i = int(p * k + 0.999999); if (i < 1) i = 1; return s[i]
         }
         END { printf "%d %d %d %d %.4f %.4f %.4f\n", n, c, cens, other,
                      q(t, n, 0.5), q(t, n, 0.9), q(all, n, 0.5) }'
}

echo "ttfc: $(nproc 2>/dev/null || echo '?') cores, load average at start $(load)"
echo "ttfc: knobs --profiler-hz=$hz (others default), cap $((cap_ms / 1000)) s per run, $runs runs per mode, $jobs in parallel"
knobs=(--guard=target --profiler-hz="$hz" --duration-ms="$cap_ms")
declare -A wall row
for mode in natural perturb forced; do
    wall[$mode]=$(run "$mode" "$runs" --mode="$mode" "${knobs[@]}")
    row[$mode]=$(stats "$mode")
done
wall[fbuggy]=$(run fbuggy "$forced_runs" --mode=forced --guard=target --duration-ms="$cap_ms")
wall[ffixed]=$(run ffixed "$forced_runs" --mode=forced --guard=self --duration-ms="$cap_ms")
row[fbuggy]=$(stats fbuggy)
row[ffixed]=$(stats ffixed)
echo "ttfc: load average at end $(load)"

read -r _ _ _ _ nat_med nat_p90 _ <<<"${row[natural]}"
printf '%-8s %5s %8s %9s %6s %10s %10s %9s %9s %9s\n' mode runs crashes censored other \
    median_s p90_s med/nat p90/nat trials/s
for mode in natural perturb forced; do
    read -r n c cens other med p90 _ <<<"${row[$mode]}"
    awk -v m="$mode" -v n="$n" -v c="$c" -v ce="$cens" -v o="$other" -v med="$med" -v p90="$p90" \
        -v nm="$nat_med" -v np="$nat_p90" -v w="${wall[$mode]}" 'BEGIN {
        printf "%-8s %5d %8d %9d %6d %10.3f %10.3f %9.3f %9.3f %9.2f\n", m, n, c, ce, o, med, p90,
               (nm > 0 ? med / nm : 0), (np > 0 ? p90 / np : 0), (w > 0 ? n / w : 0) }'
done

read -r bn bc _ bo _ _ bdur <<<"${row[fbuggy]}"
read -r fn fc fcens fo _ _ fdur <<<"${row[ffixed]}"
read -r nn _ _ _ _ _ _ <<<"${row[natural]}"
# Trials per second of forced over both variants, against natural's.
ftps=$(awk -v a="$bn" -v b="$fn" -v w1="${wall[fbuggy]}" -v w2="${wall[ffixed]}" 'BEGIN { printf "%.2f", (a + b) / (w1 + w2) }')
ntps=$(awk -v n="$nn" -v w="${wall[natural]}" 'BEGIN { printf "%.3f", n / w }')
echo "forced: buggy $bc/$bn crashed with malloc deadlock ($bo other outcomes); fixed $((fn - fcens))/$fn did not pass"
echo "forced: median trial buggy ${bdur} s, fixed ${fdur} s; $ftps trials/s (natural $ntps trials/s, ratio $(awk -v a="$ftps" -v b="$ntps" 'BEGIN { printf "%.0f", (b > 0 ? a / b : 0) }'))"

fail=0
target() { # DESCRIPTION MET(0/1)
    if [[ $2 == 1 ]]; then echo "target met:     $1"; else echo "target NOT met: $1"; fail=1; fi
}
read -r _ _ _ _ pert_med _ _ <<<"${row[perturb]}"
target "natural median TTFC >= 1 s (precondition; ${nat_med} s)" "$(awk -v m="$nat_med" 'BEGIN { print (m >= 1) }')"
target "perturb median TTFC <= natural/5 (${pert_med} s vs $(awk -v m="$nat_med" 'BEGIN { printf "%.3f", m / 5 }') s)" \
    "$(awk -v p="$pert_med" -v m="$nat_med" 'BEGIN { print (p <= m / 5) }')"
target "forced buggy crashes in every run ($bc/$bn)" "$([[ $bc == "$bn" && $bn -gt 0 ]] && echo 1 || echo 0)"
target "forced fixed never fails ($((fn - fcens))/$fn)" "$([[ $fcens == "$fn" && $fn -gt 0 ]] && echo 1 || echo 0)"
target "forced median trial <= 50 ms (buggy ${bdur} s, fixed ${fdur} s)" \
    "$(awk -v a="$bdur" -v b="$fdur" 'BEGIN { print (a <= 0.05 && b <= 0.05) }')"
exit $fail
