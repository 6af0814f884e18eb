#!/usr/bin/env bash
# The test command on Windows itself (MSYS2 with the mingw-w64 toolchain,
# as the CI's Windows job has it): a native build, the Windows-side tests,
# and racelab.exe checking the reproducers with the real SuspendThread
# backend.  No Wine.  Environment:
#   RACELAB_REPORT_DIR   where the JUnit and Markdown reports go
#                        (default build/reports)
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
reports=${RACELAB_REPORT_DIR:-$build/reports}
mkdir -p "$reports"

if [[ ! -f $build/build.ninja ]]; then
    meson setup "$build"
fi
meson compile -C "$build"
meson test -C "$build" --print-errorlogs --num-processes 2

# The reproducers whose command runs natively ({build}/...{exe}); the -wine
# variants need Linux.
specs=()
for s in reproducers/*.repro; do
    [[ $s == *-wine.repro ]] || specs+=("$s")
done
"$build/harness/racelab.exe" check --build "$build" \
    --results "$build/results" \
    --junit "$reports/reproducers.junit.xml" \
    --markdown "$reports/reproducers.md" \
    "${specs[@]}"
