#!/usr/bin/env bash
# Installs what racelab's build, tests and reproducers need on Debian/Ubuntu.
# Installs only what is missing, so a warm machine pays nothing.  Runs
# apt-get directly as root, through sudo otherwise (when sudo exists).  Usage:
#   bash ci/deps.sh            # native build + tests
#   RACELAB_WINDOWS=1 ...      # also mingw-w64 and Wine (default: on)
set -euo pipefail

pkgs=(meson ninja-build pkg-config gcc clang gdb libcriterion-dev python3 man-db)
if [[ "${RACELAB_WINDOWS:-1}" != 0 ]]; then
    pkgs+=(mingw-w64 wine wine64)
fi
if [[ "${RACELAB_GO:-1}" != 0 ]]; then
    pkgs+=(golang-go golang-1.19)
fi
if [[ "${RACELAB_BENCH:-0}" != 0 ]]; then
    pkgs+=(golang-golang-x-tools)
fi

# clang's libFuzzer and sanitizer runtimes (ci/fuzz.sh) are only a Recommends
# of clang, which --no-install-recommends skips: name them where they exist.
if apt-cache show libclang-rt-14-dev >/dev/null 2>&1; then
    pkgs+=(libclang-rt-14-dev)
fi

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    as_root=()
    if [[ $(id -u) != 0 ]]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "ci/deps.sh: missing packages: ${missing[*]} (run as root, install sudo, or install them yourself)" >&2
            exit 1
        fi
        as_root=(sudo)
    fi
    echo "ci/deps.sh: installing ${missing[*]}" >&2
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
