#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer and
# runs the unit and end-to-end tests and the go-17165 model reproducer
# (shortened: ci/sanitize-17165.repro).  Fails on any test failure, any
# sanitizer report (UBSan halts on the first), and any trial of the
# reproducer whose signature is a sanitizer's.
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
