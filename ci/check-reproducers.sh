#!/usr/bin/env bash
# Checks a family of reproducer specs with racelab, one report set per spec.
#   ci/check-reproducers.sh linux   every reproducers/*.repro but *-wine, *-real,
#                                   *-natural (the CI gates)
#   ci/check-reproducers.sh natural reproducers/*-natural.repro: natural timing,
#                                   whose rate moves with the machine's load, so
#                                   not a gate (see the spec's comment)
#   ci/check-reproducers.sh wine    every reproducers/*-wine.repro (cross build)
#   ci/check-reproducers.sh real    reproducers/*-real.repro, Go's runtime under Wine
# Exits non-zero when any spec's expectations fail; every spec is still run,
# so one report shows them all.
set -euo pipefail
cd "$(dirname "$0")/.."

kind=${1:?usage: ci/check-reproducers.sh linux|natural|wine|real}
reports=${RACELAB_REPORT_DIR:-build/reports}
racelab=build/harness/racelab
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
mkdir -p "$reports"
results=$build/results-ci-$kind
rm -rf "$results"
rc=0
for s in "${specs[@]}"; do
    name=$(basename "$s" .repro)
    echo "---- racelab check $s"
    "$racelab" check --jobs 2 --build "$build" --results "$results/$name" \
        --junit "$reports/$name.junit.xml" --markdown "$reports/$name.md" \
        --html "$reports/$name.html" "$s" || rc=1
done
exit $rc
