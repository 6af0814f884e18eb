#!/usr/bin/env bash
# bench/run.sh - racelab's benchmarks, measured side by side in one run:
#   1. runner throughput: racelab run vs a bare posix_spawn loop (the limit)
#      vs golang-stress, all running `true` at 2 jobs
#   2. sampling throughput: the scenario's profiler vs a bare loop of the
#      suspend backend (the limit); Linux, and Windows under Wine when a
#      cross build is there
#   3. verdict cost: trials `racelab check reproducers/go-17165.repro` needs
#      with sequential stopping vs the fixed-N plans
#   4. memory: racelab's peak RSS at two trial counts and for a child that
#      prints 1 GB
# The machine is shared, so the commands of 1 and 2 run interleaved in
# rounds (A B C A B C ...); the medians of the rates are reported, and as
# the ratio the median of the per-round ratios (the two commands of a round
# saw about the same load).  Benchmarks print
# figures; they assert no time.
#
# usage: bench/run.sh [--build DIR] [--rounds R] [--full] [--only LIST]
#   --build DIR   the meson build directory (default: build)
#   --rounds R    rounds of the interleaved measurements (default 5)
#   --full        memory at 10,000 and 100,000 trials (default 2,000 and
#                 20,000) and the --fixed-n check run too (trials x variants)
#   --only LIST   comma-separated subset of: runner,sampling,verdict,memory
#   env WIN_BUILD  mingw cross build dir for the Wine figure (default build-win)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$root/build
rounds=5
full=0
only=runner,sampling,verdict,memory
while [[ $# -gt 0 ]]; do
    case $1 in
    --build) build=$(cd "$2" && pwd); shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --full) full=1; shift ;;
    --only) only=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 64 ;;
    esac
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --rounds needs a whole number >= 1" >&2; exit 64; }
win_build=${WIN_BUILD:-$root/build-win}

racelab=$build/harness/racelab
spawn_limit=$build/bench/spawn-limit
suspend_limit=$build/bench/suspend-limit
profiler=$build/scenarios/borrowed-m-profiler
for f in "$racelab" "$spawn_limit" "$suspend_limit" "$profiler"; do
    [[ -x $f ]] || { echo "run.sh: $f is missing: build first (meson compile -C $build)" >&2; exit 64; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/racelab-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
rows=()   # "figure|racelab|reference|ratio|target|met"

want() { [[ ",$only," == *",$1,"* ]]; }
now_ns() { date +%s%N; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b + 0 == 0) print "nan"; else printf "%.2f\n", a / b}'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a + 0 >= b + 0)}'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
keyval() { grep -o "$1=[0-9.]*" | head -1 | cut -d= -f2; }
row() { rows+=("$1|$2|$3|$4|$5|$6"); }
met() { if ge "$1" "$2"; then echo yes; else echo NO; fi; }

echo "racelab benchmarks: $(nproc) cores, load average $(load) at the start, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "build: $build   rounds: $rounds"

#### 1. runner throughput ######################################################
if want runner; then
    n=2000
    stress=$(command -v golang-stress || command -v stress || true)
    echo
    echo "== 1. runner throughput: trials/s of 'true' at 2 jobs ($n trials per racelab / limit run) =="
    : >"$tmp/rl" >"$tmp/lim" >"$tmp/st" >"$tmp/rlim" >"$tmp/rst" >"$tmp/crl" >"$tmp/clim" >"$tmp/cst"
    timed() { /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$@"; }
    # CPU ms per trial: user + system time of the command and every process
    # it waited for, over the trials run; a figure the machine's load moves
    # far less than trials/s.
    cpu_ms() { tail -1 "$tmp/time" | awk -v n="$1" '{printf "%.3f\n", ($2 + $3) * 1000 / n}'; }
    for ((r = 1; r <= rounds; r++)); do
        timed "$racelab" run --trials $n --jobs 2 --seed 1 --results "$tmp/run-$r" -- true >/dev/null
        rm -rf "$tmp/run-$r"
        a=$(tail -1 "$tmp/time" | awk -v n=$n '{printf "%.1f", n / $1}'); ca=$(cpu_ms $n)
        timed "$spawn_limit" $n 2 true >/dev/null
        b=$(tail -1 "$tmp/time" | awk -v n=$n '{printf "%.1f", n / $1}'); cb=$(cpu_ms $n)
        c=nan cc=nan
        if [[ -n $stress ]]; then
            # golang-stress runs until killed and prints "Ns: R runs so far"
            # every 5 s: the last such line gives runs and seconds exactly.
            (cd "$tmp" && timed timeout -s INT 10.8 "$stress" -p 2 -o "$tmp/stress-" true >"$tmp/stress.out" 2>&1 || true)
            c=$(awk '/runs so far/ {s = $1; sub("s:", "", s); r = $2} END {if (s > 0) printf "%.1f", r / s; else print "nan"}' "$tmp/stress.out")
            cc=$(tail -1 "$tmp/time" | awk -v rate="$c" '{if (rate > 0) printf "%.3f\n", ($2 + $3) * 1000 / (rate * $1); else print "nan"}')
        fi
        echo "round $r: racelab $a/s ($ca CPU ms/trial)   limit $b/s ($cb)   golang-stress $c/s ($cc)   (load $(load))"
        echo "$a" >>"$tmp/rl"; echo "$b" >>"$tmp/lim"; echo "$c" >>"$tmp/st"
        echo "$ca" >>"$tmp/crl"; echo "$cb" >>"$tmp/clim"; echo "$cc" >>"$tmp/cst"
        ratio "$a" "$b" >>"$tmp/rlim"; ratio "$a" "$c" >>"$tmp/rst"
    done
    ca=$(median <"$tmp/crl"); cb=$(median <"$tmp/clim"); cc=$(median <"$tmp/cst")
    echo "median CPU ms per trial: racelab $ca   limit $cb   golang-stress $cc"
    row "runner: CPU ms per trial (less load-sensitive) vs limit" "$ca" "$cb" "$(ratio "$cb" "$ca")" "(limit/racelab)" "-"
    row "runner: CPU ms per trial vs golang-stress" "$ca" "$cc" "$(ratio "$cc" "$ca")" "(stress/racelab)" "-"
    a=$(median <"$tmp/rl"); b=$(median <"$tmp/lim"); c=$(median <"$tmp/st")
    q1=$(median <"$tmp/rlim"); q2=$(median <"$tmp/rst")
    echo "median: racelab $a/s   limit $b/s   golang-stress $c/s"
    echo "median of the per-round ratios: racelab/limit $q1   racelab/golang-stress $q2"
    row "runner: trials/s vs posix_spawn limit" "$a" "$b" "$q1" ">= 0.90" "$(met "$q1" 0.90)"
    if [[ $c == nan ]]; then
        row "runner: trials/s vs golang-stress -p 2" "$a" "not installed" "-" ">= 1.5" "not measured"
    else
        row "runner: trials/s vs golang-stress -p 2" "$a" "$c" "$q2" ">= 1.5" "$(met "$q2" 1.5)"
    fi
fi

#### 2. sampling throughput ####################################################
# The profiler samples back to back (--profiler-hz=max) one worker thread
# that holds its M nearly all the time (1 worker, 1 extra M, no pause,
# 100000 allocations per callback, so needm/dropm - and the window in which
# the M has no thread and is skipped - are rare), with no stack-walk work
# (--sample-work=0), so that a visit is what the limit loop does - suspend,
# get context, resume - plus the profiler's own bookkeeping (sigprof's
# guard, the sample record).  One busy target thread on both sides; the
# target is doing rt_malloc/rt_free in the scenario, a register-only loop
# in the limit.
sampling() {   # label runner-prefix profiler-exe limit-exe
    local label=$1 pre=$2 prof=$3 lim=$4 ms=1000
    : >"$tmp/sa" >"$tmp/sl" >"$tmp/sr"
    for ((r = 1; r <= rounds; r++)); do
        out=$($pre "$prof" --profiler-hz=max --sample-work=0 --workers=1 --extra-ms=1 \
              --allocs=100000 --pause=none --guard=self --duration-ms=$ms 2>&1 | tr -d '\r' | grep 'samples=' || true)
        # A sample whose suspend failed (Win32: the handle was closed by
        # dropm meanwhile; Go 1.7 sampled anyway) suspended nothing: only
        # samples - suspend_failures are suspend+sample+resume cycles.
        samples=$(keyval samples <<<"$out")
        fails=$(keyval suspend_failures <<<"$out")
        el=$(keyval elapsed_ms <<<"$out")
        a=$(awk -v s="$samples" -v f="${fails:-0}" -v e="$el" 'BEGIN {if (e > 0) printf "%.1f", (s - f) / (e / 1000); else print "nan"}')
        out=$($pre "$lim" $ms 2>&1 | tr -d '\r' || true)
        b=$(keyval rate <<<"$out")
        b=${b:-nan}
        echo "round $r: profiler $a cycles/s ($samples samples, ${fails:-?} of them unsuspended, in $el ms)   limit $b cycles/s   (load $(load))"
        echo "$a" >>"$tmp/sa"; echo "$b" >>"$tmp/sl"; ratio "$a" "$b" >>"$tmp/sr"
    done
    a=$(median <"$tmp/sa"); b=$(median <"$tmp/sl"); q=$(median <"$tmp/sr")
    echo "median: profiler $a/s   limit $b/s   median of the per-round ratios $q"
    row "sampling ($label): cycles/s vs bare suspend loop" "$a" "$b" "$q" ">= 0.80" "$(met "$q" 0.80)"
}
if want sampling; then
    echo
    echo "== 2. sampling throughput: suspend+context+resume per second, one busy target thread =="
    echo "-- Linux backend (scenarios/model/posix/suspend.c)"
    sampling "Linux" "" "$profiler" "$suspend_limit"
    wprof=$win_build/scenarios/borrowed-m-profiler.exe
    wlim=$win_build/bench/suspend-limit.exe
    if [[ -f $wprof && -f $wlim ]] && command -v wine >/dev/null; then
        echo "-- Windows backend (scenarios/model/win32/suspend.c) under $(wine --version 2>/dev/null), via ci/wine-run.sh"
        sampling "Windows under Wine" "bash $root/ci/wine-run.sh $win_build" \
            scenarios/borrowed-m-profiler.exe bench/suspend-limit.exe
    else
        echo "-- Windows backend: not measured (no $wprof and $wlim, or no wine)"
        row "sampling (Windows under Wine)" "-" "-" "-" ">= 0.80" "not measured"
    fi
fi

#### 3. verdict cost ###########################################################
# "Same error rates": both plans make the claims of the spec's expectations
# at its confidence c (alpha = beta = 1 - c).  fixed variant, `no-crash
# upper <= U`: any plan, sequential or not, needs ceil(ln(1-c)/ln(1-U))
# clean trials (299 for 1 % at 95 %).  buggy variant, `crash rate >= R`:
# the sequential test holds early only against p = R + (1-R)/2 and fails
# early only against p = R/2; the smallest fixed N with the same error
# rates at those points is computed below.  The spec's own fixed-N plan
# (`trials` per variant, what --fixed-n runs) is the other reference.
if want verdict; then
    spec=$root/reproducers/go-17165.repro
    echo
    echo "== 3. verdict cost: racelab check $(basename "$spec") =="
    grep -E '^(args|trials|confidence|variant|expect)' "$spec" | sed 's/^/   spec: /'
    (cd "$root" && "$racelab" check --jobs 2 --seed 17165 --build "$build" --quiet \
        --results "$tmp/check" --json "$tmp/check.json" "$spec" >"$tmp/check.out" 2>&1) || true
    cat "$tmp/check.out"
    seq=$(wc -l <"$tmp/check/trials.jsonl")
    per=$(grep -o '"variant":"[a-z]*"' "$tmp/check/trials.jsonl" | sort | uniq -c | awk '{printf "%s%s", sep, $0; sep = ", "}')
    cap=$(awk '$1 == "trials" {print $2}' "$spec")
    conf=$(awk '$1 == "confidence" {print $2}' "$spec")
    nvar=$(grep -c '^variant' "$spec")
    rate=$(awk '$1 == "expect" && $3 == "crash" {print $NF}' "$spec")
    upper=$(awk '$1 == "expect" && $3 == "no-crash" {print $NF}' "$spec")
    fixedplan=$((cap * nvar))
    # Smallest n with a critical k such that P(X >= k | n, R) <= 1-c and
    # P(X < k | n, R + (1-R)/2) <= 1-c (exact binomial sums).
    nb=$(awk -v R="$rate" -v c="$conf" 'function lbinom(n, k) {return lg[n] - lg[k] - lg[n-k]}
        BEGIN {a = 1 - c; p1 = R + (1 - R) / 2; lg[0] = 0; for (i = 1; i <= 2000; i++) lg[i] = lg[i-1] + log(i)
          for (n = 1; n <= 2000; n++) {
            for (k = 0; k <= n; k++) {
              up = 0; for (j = k; j <= n; j++) up += exp(lbinom(n, j) + j * log(R) + (n - j) * log(1 - R))
              if (up <= a) break
            }
            miss = 0; for (j = 0; j < k; j++) miss += exp(lbinom(n, j) + j * log(p1) + (n - j) * log(1 - p1))
            if (miss <= a) {print n; exit}
          }}')
    nf=$(awk -v u="$upper" -v c="$conf" 'BEGIN {x = log(1 - c) / log(1 - u); n = int(x); if (n < x - 1e-9) n++; print n}')
    same=$((nb + nf))
    echo "sequential: $seq trials ($per)"
    echo "fixed-N plan of the spec (--fixed-n): $cap x $nvar = $fixedplan trials; ratio $(ratio "$seq" "$fixedplan")"
    echo "smallest fixed-N design with the same error rates: buggy $nb (vs p=$rate/$(awk -v R="$rate" 'BEGIN {print R + (1-R)/2}')) + fixed $nf = $same; ratio $(ratio "$seq" "$same")"
    # Even a variant that crashes every time needs ceil(ln(1-c)/ln R) trials
    # before the exact lower bound reaches R.
    nmin=$(awk -v R="$rate" -v c="$conf" 'BEGIN {x = log(1 - c) / log(R); n = int(x); if (n < x - 1e-9) n++; print n}')
    echo "floor for any design: fixed needs $nf clean trials, buggy at least $nmin: ($nf + $nmin) / $fixedplan = $(ratio $((nf + nmin)) "$fixedplan")"
    if [[ $full == 1 ]]; then
        (cd "$root" && "$racelab" check --fixed-n --jobs 2 --seed 17165 --build "$build" --quiet \
            --results "$tmp/checkfixed" "$spec" >"$tmp/checkfixed.out" 2>&1) || true
        cat "$tmp/checkfixed.out"
        echo "--fixed-n ran $(wc -l <"$tmp/checkfixed/trials.jsonl") trials"
    fi
    inv() { awk -v r="$1" 'BEGIN {print (r + 0 <= 1/3 + 1e-9) ? "yes" : "NO"}'; }
    row "verdict: trials, sequential vs spec's fixed N" "$seq" "$fixedplan" "$(ratio "$seq" "$fixedplan")" "<= 0.33" "$(inv "$(ratio "$seq" "$fixedplan")")"
    row "verdict: trials, sequential vs fixed N at same error rates" "$seq" "$same" "$(ratio "$seq" "$same")" "<= 0.33" "$(inv "$(ratio "$seq" "$same")")"
fi

#### 4. memory #################################################################
peak_kb() { /usr/bin/time -f '%M' -o "$tmp/time" "$@" >/dev/null 2>&1 || true; tail -1 "$tmp/time"; }
if want memory; then
    if [[ $full == 1 ]]; then small=10000 big=100000; else small=2000 big=20000; fi
    echo
    echo "== 4. memory: racelab's peak RSS (maximum resident set, /usr/bin/time) =="
    m1=$(peak_kb "$racelab" run --trials 1 --jobs 2 --results "$tmp/m1" -- true)
    ms=$(peak_kb "$racelab" run --trials $small --jobs 2 --results "$tmp/ms" -- true)
    t0=$(now_ns)
    mb=$(peak_kb "$racelab" run --trials $big --jobs 2 --results "$tmp/mb" -- true)
    t1=$(now_ns)
    lines=$(wc -l <"$tmp/mb/trials.jsonl")
    mg=$(peak_kb "$racelab" run --trials 1 --jobs 1 --results "$tmp/mg" -- head -c 1073741824 /dev/zero)
    got=$(grep -o '"outcome":"[a-z]*"' "$tmp/mg/trials.jsonl" || echo none)
    rm -rf "$tmp"/m1 "$tmp"/ms "$tmp"/mb "$tmp"/mg
    echo "1 trial: $m1 kB   $small trials: $ms kB   $big trials: $mb kB ($lines recorded, $(( (t1 - t0) / 1000000000 )) s)"
    echo "1 trial printing 1 GiB: $mg kB ($got)"
    # check --resume and merge read a recorded run back: streamed, so their
    # memory must not grow with its length either.  A synthetic run of
    # passing trials of a two-variant spec, at both sizes.
    synth() {   # DIR N
        mkdir -p "$1/specs"
        printf 'name x\nissue https://example.org/x\ncommand true\ntrials %d\nvariant a a\nvariant b b\nexpect a no-crash upper <= 0.01\nexpect b no-crash upper <= 0.01\n' \
            $(($2 / 2)) >"$1/specs/x.repro"
        echo 1 >"$1/seed"
        awk -v n="$2" 'BEGIN {for (i = 0; i < n; i++) printf "{\"racelab\":1,\"spec\":\"x\",\"variant\":\"%s\",\"index\":%d,\"seed\":%d,\"argv\":[\"true\"],\"outcome\":\"pass\",\"signature\":null,\"exit_status\":0,\"term_signal\":0,\"exception\":0,\"started_s\":1.0,\"duration_s\":0.001,\"log\":null}\n", (i % 2 ? "b" : "a"), i, i}' >"$1/trials.jsonl"
    }
    synth "$tmp/rs" $small; synth "$tmp/rb" $big
    rs=$(peak_kb "$racelab" check --quiet --resume "$tmp/rs")
    rb=$(peak_kb "$racelab" check --quiet --resume "$tmp/rb")
    gs=$(peak_kb "$racelab" merge --quiet "$tmp/rs")
    gb=$(peak_kb "$racelab" merge --quiet "$tmp/rb")
    rm -rf "$tmp/rs" "$tmp/rb"
    echo "check --resume of $small / $big recorded trials: $rs / $rb kB   merge: $gs / $gb kB"
    mb_mb=$(awk -v k="$mb" 'BEGIN {printf "%.1f", k / 1024}')
    mg_mb=$(awk -v k="$mg" 'BEGIN {printf "%.1f", k / 1024}')
    # met: below 50 MB and not growing with the size (ratio at most 1.5)
    lt() { awk -v a="$1" -v b="$2" -v r="${3:-1}" 'BEGIN {print (a + 0 < b + 0 && r + 0 <= 1.5) ? "yes" : "NO"}'; }
    row "memory: peak RSS MB, $big trials vs $small" "$mb_mb" "$(awk -v k="$ms" 'BEGIN {printf "%.1f", k / 1024}')" "$(ratio "$mb" "$ms")" "< 50 MB, ~1.0" "$(lt "$mb_mb" 50 "$(ratio "$mb" "$ms")")"
    rb_mb=$(awk -v k="$rb" 'BEGIN {printf "%.1f", k / 1024}')
    gb_mb=$(awk -v k="$gb" 'BEGIN {printf "%.1f", k / 1024}')
    row "memory: peak RSS MB, check --resume of $big recorded vs $small" "$rb_mb" "$(awk -v k="$rs" 'BEGIN {printf "%.1f", k / 1024}')" "$(ratio "$rb" "$rs")" "< 50 MB, ~1.0" "$(lt "$rb_mb" 50 "$(ratio "$rb" "$rs")")"
    row "memory: peak RSS MB, merge of $big recorded vs $small" "$gb_mb" "$(awk -v k="$gs" 'BEGIN {printf "%.1f", k / 1024}')" "$(ratio "$gb" "$gs")" "< 50 MB, ~1.0" "$(lt "$gb_mb" 50 "$(ratio "$gb" "$gs")")"
    row "memory: peak RSS MB, child prints 1 GiB vs 1 trial" "$mg_mb" "$(awk -v k="$m1" 'BEGIN {printf "%.1f", k / 1024}')" "$(ratio "$mg" "$m1")" "< 50 MB, ~1.0" "$(lt "$mg_mb" 50 "$(ratio "$mg" "$m1")")"
fi

#### the table #################################################################
echo
echo "load average at the end: $(load)"
echo
echo "| figure | racelab | reference | ratio | target | met? |"
echo "|---|---|---|---|---|---|"
for r in "${rows[@]}"; do
    echo "| ${r//|/ | } |"
done
