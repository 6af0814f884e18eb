#!/usr/bin/env bash
# The main job: build racelab and check the Go issue 17165 reproducer
# (buggy vs fixed guard placement).  Extra arguments go to `racelab check`.
set -euo pipefail
cd "$(dirname "$0")/.."

RACELAB_WINDOWS=0 RACELAB_GO=0 bash ci/deps.sh
# The model only: the real-runtime variants (go_scenarios) are not needed.
[[ -d build ]] || meson setup build -Dgo_scenarios=disabled
meson compile -C build
exec build/harness/racelab check "$@" reproducers/go-17165.repro
