#!/usr/bin/env bash
# The test command: installs what is missing, builds racelab natively and
# runs every test suite.  This is what `.ci/run` and the CI workflows call.
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/deps.sh
[[ -d build ]] || meson setup build
meson compile -C build
meson test -C build --print-errorlogs
