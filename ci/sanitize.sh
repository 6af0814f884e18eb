#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer and
# runs the unit and end-to-end tests and the go-17165 model reproducer
# (shortened: ci/sanitize-17165.repro).  Fails on any test failure, any
# sanitizer report (UBSan halts on the first), and any trial of the
# reproducer whose signature is a sanitizer's.  Then P8's teardown sample
# (ci/sanitize-p8.repro), where ASan must name the buggy sample a
# heap-use-after-free and report nothing for the fix.
#   RACELAB_ASAN_BUILD    build directory (default build-asan)
#   RACELAB_ASAN_SUITES   meson test suites (default: all of them)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${RACELAB_ASAN_BUILD:-build-asan}
[[ -d $build ]] || meson setup "$build" -Db_sanitize=address,undefined -Db_lundef=false -Dgo_scenarios=disabled
meson compile -C "$build"

# Trials that die by a signal on purpose (the fault tests' SIGSEGV, SIGBUS,
# SIGFPE, SIGILL, abort) must die by it, not by ASan's report of it.
export ASAN_OPTIONS=detect_leaks=1:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:handle_abort=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$PWD/ci/lsan.supp

suites=()
for s in ${RACELAB_ASAN_SUITES:-}; do suites+=(--suite "$s"); done
meson test -C "$build" --print-errorlogs "${suites[@]}"

res=$(mktemp -d)
trap 'rm -rf "$res"' EXIT
rc=0
"$build/harness/racelab" check --build "$build" --jobs 2 --results "$res/r" \
    ci/sanitize-17165.repro || rc=$?
if grep -E -q 'Sanitizer|runtime error' "$res/r/trials.jsonl"; then
    echo "sanitize: sanitizer reports in the reproducer's trials:" >&2
    grep -E -o '"signature":"[^"]*(Sanitizer|runtime error)[^"]*"' "$res/r/trials.jsonl" | sort | uniq -c >&2
    exit 1
fi
if ((rc != 0)); then
    echo "sanitize: racelab check exited $rc" >&2
    exit "$rc"
fi
echo "sanitize: no sanitizer report; reproducer verdict PASS"

# P8: here the buggy sample is a use-after-free, and ASan's report is the
# expected crash (11 s on the 2-core machine at load average 31, 2026-12-03).
"$build/harness/racelab" check --build "$build" --jobs 2 --results "$res/p8" \
    ci/sanitize-p8.repro || {
    rc=$?
    echo "sanitize: P8's heap-use-after-free check exited $rc" >&2
    exit "$rc"
}
echo "sanitize: P8's buggy sample is ASan's heap-use-after-free; its fix has no report"
