#!/usr/bin/env bash
# Fuzzes the parsers of untrusted input (specs, results files, trial output)
# and the report writers (well-formed XML and JSON whatever a trial prints)
# with libFuzzer + ASan + UBSan for a bounded time each, and fails on any
# crash, sanitizer report, leak or broken promise (tests/fuzz/fuzz_targets.c).
#   RACELAB_FUZZ_SECONDS   seconds per target (default 60)
#   RACELAB_FUZZ_BUILD     build directory (default build-fuzz)
#   RACELAB_FUZZ_OUT       where crashing inputs are copied (default fuzz-artifacts)
# A crashing input becomes a regression: fix the bug, then add the input to
# tests/fuzz/regressions/<target>/ (the fuzz-replay test runs it in every build).
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${RACELAB_FUZZ_SECONDS:-60}
build=${RACELAB_FUZZ_BUILD:-build-fuzz}
out=${RACELAB_FUZZ_OUT:-fuzz-artifacts}
[[ -d $build ]] || CC=clang meson setup "$build" -Dfuzz=enabled -Dgo_scenarios=disabled
meson compile -C "$build"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
fail=0
total=0
for t in spec results classify reports; do
    mkdir -p "$work/$t" "$work/crash-$t"
    # The repo's seed corpus is read; new inputs go to the scratch corpus.
    if "$build/tests/fuzz/fuzz-$t" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$work/crash-$t/" "$work/$t" "tests/fuzz/corpus/$t" \
        >"$work/$t.log" 2>&1; then
        status=ok
    else
        status=FAILED
        fail=1
        mkdir -p "$out/$t"
        cp "$work/crash-$t"/* "$out/$t/" 2>/dev/null || true
        grep -v '^#' "$work/$t.log" | tail -40 >&2
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -1)
    total=$((total + ${runs:-0}))
    echo "fuzz-$t: $status, ${runs:-?} executions in ${secs}s, corpus $(ls "$work/$t" | wc -l) new inputs"
done
echo "fuzz: $total executions in all"
if ((fail)); then
    echo "fuzz: crashing inputs copied to $out/ (add each, once fixed, to tests/fuzz/regressions/)" >&2
fi
exit $fail
