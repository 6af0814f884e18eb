#!/usr/bin/env bash
# The test command (README, first lines): installs what is missing, then
#   1. native build (gcc) and every Criterion suite; the documentation
#      checks (ci/check-docs.py), the man pages as installed and the GitHub
#      workflow (ci/lint-workflows.sh, actionlint);
#   2. the Linux reproducers (every reproducers/*.repro that is neither
#      *-wine, *-real nor *-natural), each a CI gate checked by racelab
#      under --co-load cpu=4, and each gate's positive control on the fix;
#   3. a clang build of everything and its test suites (-Werror on both);
#   4. the ASan+UBSan build (ci/sanitize.sh) and short fuzzing (ci/fuzz.sh);
#   5. the Windows half under Wine (ci/test-windows.sh): cross build, the
#      six platform-free harness suites (regex, report, results, spec, stats,
#      verdict: tests/lib/rltest.h's portable TAP implementation), the
#      Windows-side tests, the *-wine reproducers;
#   6. Go's real runtime under Wine (ci/test-go.sh): a smoke test of every
#      runtime variant, then the forced 17165 gate (go17165-forced-real.repro
#      under --co-load cpu=4).
# Steps can be left out locally: RACELAB_SKIP="clang sanitize fuzz windows go".
# JUnit and Markdown reports go to $RACELAB_REPORT_DIR (default build/reports).
set -euo pipefail
cd "$(dirname "$0")/.."

skip=" ${RACELAB_SKIP:-} "
want() { [[ $skip != *" $1 "* ]]; }
export RACELAB_REPORT_DIR=${RACELAB_REPORT_DIR:-$PWD/build/reports}
step() { printf '\n==== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

step "dependencies"
RACELAB_WINDOWS=$(want windows && echo 1 || echo 0) \
RACELAB_GO=$(want go && echo 1 || echo 0) bash ci/deps.sh

step "native build and tests"
[[ -f build/build.ninja ]] || meson setup build
meson compile -C build
meson test -C build --print-errorlogs
mkdir -p "$RACELAB_REPORT_DIR"

step "documentation"
# Links, paths, options, spec keywords and wording (ci/check-docs.py), the
# checker's own self-test, and the man pages as `meson install` puts them.
python3 ci/check-docs.py --racelab build/harness/racelab
python3 ci/check-docs.py --self-test
# The GitHub workflow (shard matrix and merge job) through actionlint.
bash ci/lint-workflows.sh
rm -rf build/destdir
meson install -C build --destdir "$PWD/build/destdir" --quiet
for page in man1/racelab.1 man5/racelab-repro.5; do
    f=$(find build/destdir -path "*/man/$page" | head -n 1)
    [[ -n $f ]] || { echo "ci/test.sh: meson install did not install $page" >&2; exit 1; }
    MANWIDTH=80 man -l "$f" 2>&1 >/dev/null | grep . && { echo "ci/test.sh: man -l $f warns" >&2; exit 1; }
    MANWIDTH=80 man -l "$f" | grep -q . || { echo "ci/test.sh: man -l $f rendered nothing" >&2; exit 1; }
done

# The Linux gates, each checked once beside two busy threads per core of a
# 2-core runner (racelab check --co-load cpu=4): a gate that holds only on an
# idle machine is a flaky gate.  Each held in 10 checks with and 10 without
# this load (docs/measurements/2026-12-03-gates-under-load.md, and for
# family-p7-suspended-holder 2026-12-04, go-17165-sigprof 2026-12-07,
# go-17165 2026-12-08), so a second check without the co-load would add
# minutes and test nothing more.
step "Linux reproducers under --co-load cpu=4"
bash ci/check-reproducers.sh --co-load cpu=4 linux
# Each gate's positive control pointed at the fix must fail.
step "Linux positive controls on the fix"
bash ci/check-positive-controls.sh linux

if want clang; then
    step "clang build and tests"
    [[ -f build-clang/build.ninja ]] || CC=clang meson setup build-clang -Dgo_scenarios=disabled
    meson compile -C build-clang
    meson test -C build-clang --print-errorlogs
fi
if want sanitize; then
    step "ASan + UBSan"
    bash ci/sanitize.sh
fi
if want fuzz; then
    step "fuzzing"
    RACELAB_FUZZ_SECONDS=${RACELAB_FUZZ_SECONDS:-30} bash ci/fuzz.sh
fi
if want windows; then
    step "Windows build and reproducers under Wine"
    bash ci/test-windows.sh
fi
if want go; then
    step "Go's real runtime under Wine"
    bash ci/test-go.sh
fi
step "all test steps passed"
