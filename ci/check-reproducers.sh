#!/usr/bin/env bash
# Checks a family of reproducer specs with racelab, one report set per spec.
#   ci/check-reproducers.sh linux   every reproducers/*.repro but *-wine, *-real,
#                                   *-natural (the CI gates)
#   ci/check-reproducers.sh natural reproducers/*-natural.repro: natural timing,
#                                   whose rate moves with the machine's load, so
#                                   not a gate (see the spec's comment)
#   ci/check-reproducers.sh wine    every reproducers/*-wine.repro (cross build)
#   ci/check-reproducers.sh real    reproducers/*-real.repro, Go's runtime under Wine
#   ci/check-reproducers.sh --list KIND
#                                   print the kind's specs, one a line (what
#                                   the other scripts take the gates from)
#   ci/check-reproducers.sh [--co-load cpu=N] KIND SPEC...
#                                   only these specs of the kind
#   ci/check-reproducers.sh --co-load cpu=N KIND
#                                   the same beside N busy threads (racelab
#                                   check --co-load); reports and results get
#                                   the suffix .co-load-cpuN, and every report
#                                   names the load its checks ran under
#   ci/check-reproducers.sh --shard I/N [--co-load cpu=N] KIND [SPEC...]
#                                   share I of N of every check (racelab
#                                   check --shard), into
#                                   $build/results-ci-KIND.shard-I-of-N/NAME;
#                                   a shard is no verdict (it ran a part of
#                                   the trials), so only setup errors fail
#                                   it; ci/merge-shards.sh judges the whole
# Exits non-zero when any spec's expectations fail; every spec is still run,
# so one report shows them all.  A check that ends undecided (exit 3: trials
# that could not run, such as Wine failing to start a program or leaving it
# stopped, and a verdict that depends on them) claims nothing about the
# program, so it is checked once more, its first results kept beside as
# NAME.undecided; the second check's verdict stands.  A FAIL is never
# checked again.
# Environment: RACELAB (the racelab binary, default build/harness/racelab),
# RACELAB_REPORT_DIR (default build/reports), RACELAB_CI_RESULTS
# (the results directory, default BUILD/results-ci-KIND[SUFFIX]).  The
# retry is tested by tests/ci/test-check-reproducers.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

list=0
if [[ ${1:-} == --list ]]; then
    list=1
    shift
fi
shard=()
if [[ ${1:-} == --shard ]]; then
    shard=(--shard "${2:?--shard needs I/N}")
    [[ $2 =~ ^[0-9]+/[0-9]+$ ]] || { echo "ci/check-reproducers.sh: --shard wants I/N, not '$2'" >&2; exit 64; }
    shift 2
fi
load=()
suffix=
if [[ ${1:-} == --co-load ]]; then
    load=(--co-load "${2:?--co-load needs cpu=N}")
    suffix=.co-load-${2/=/}
    shift 2
fi
kind=${1:?usage: ci/check-reproducers.sh [--co-load cpu=N] linux|natural|wine|real [SPEC...]}
shift
only=("$@")
reports=${RACELAB_REPORT_DIR:-build/reports}
racelab=${RACELAB:-build/harness/racelab}
build=build
specs=()
case $kind in
linux) for s in reproducers/*.repro; do
           [[ $s == *-wine.repro || $s == *-real.repro || $s == *-natural.repro ]] || specs+=("$s")
       done ;;
natural) specs=(reproducers/*-natural.repro) ;;
wine)  specs=(reproducers/*-wine.repro); build=build-win ;;
real)  specs=(reproducers/*-real.repro) ;;
*)     echo "ci/check-reproducers.sh: unknown kind '$kind' (linux, natural, wine, real)" >&2; exit 64 ;;
esac
[[ ${#only[@]} -eq 0 ]] || specs=("${only[@]}")
if [[ $list == 1 ]]; then
    printf '%s\n' "${specs[@]}"
    exit 0
fi
mkdir -p "$reports"
results=${RACELAB_CI_RESULTS:-$build/results-ci-$kind$suffix}
if [[ ${#shard[@]} -gt 0 ]]; then
    i=${shard[1]%/*} n=${shard[1]#*/}
    results=$build/results-ci-$kind$suffix.shard-$i-of-$n
    rm -rf "$results"
    rc=0
    for s in "${specs[@]}"; do
        name=$(basename "$s" .repro)
        echo "---- racelab check ${shard[*]} ${load[*]} $s"
        # 0 pass, 1 fail, 3 undecided: verdicts on a part of the trials,
        # which only the merge judges.  Anything else is a setup error.
        st=0
        "$racelab" check --jobs 2 --build "$build" "${shard[@]}" "${load[@]}" \
            --results "$results/$name" "$s" || st=$?
        [[ $st == 0 || $st == 1 || $st == 3 ]] || { echo "ci/check-reproducers.sh: $s: exit $st" >&2; rc=1; }
    done
    exit $rc
fi
rm -rf "$results"
rc=0
for s in "${specs[@]}"; do
    name=$(basename "$s" .repro)
    for attempt in 1 2; do
        echo "---- racelab check ${load[*]} $s"
        st=0
        "$racelab" check --jobs 2 --build "$build" "${load[@]}" --results "$results/$name" \
            --junit "$reports/$name$suffix.junit.xml" --markdown "$reports/$name$suffix.md" \
            --html "$reports/$name$suffix.html" "$s" || st=$?
        [[ $st == 3 && $attempt == 1 ]] || break
        echo "ci/check-reproducers.sh: $name: UNDECIDED (trials that could not run); checking it once more," \
             "the first results kept in $results/$name.undecided" >&2
        rm -rf "$results/$name.undecided"
        mv "$results/$name" "$results/$name.undecided"
    done
    [[ $st == 0 ]] || rc=1
done
exit $rc
