#!/bin/sh
# Builds one runtime variant of the go17165 scenario for windows/amd64.
#
# Usage: build.sh VARIANT OUTPUT.exe WORKDIR
#   VARIANT: stock | reverted | mitigated | mitigated-reverted
#   WORKDIR: holds the Go caches, the generated proc.go and the overlay JSON
#            (inside the meson build dir, so a warm rebuild takes seconds).
# Environment: GO (default go), CC_WIN (default x86_64-w64-mingw32-gcc).
set -eu

if [ $# -ne 3 ]; then
    echo "usage: build.sh VARIANT OUTPUT.exe WORKDIR" >&2
    exit 64
fi
variant=$1
out=$2
work=$3
here=$(cd "$(dirname "$0")" && pwd)
GO=${GO:-go}
CC_WIN=${CC_WIN:-x86_64-w64-mingw32-gcc}

case $variant in
    stock) patches= ;;
    reverted) patches=revert-17165 ;;
    mitigated) patches=nilgp ;;
    mitigated-reverted) patches="nilgp revert-17165" ;;
    *) echo "build.sh: unknown variant '$variant' (stock, reverted, mitigated, mitigated-reverted)" >&2
       exit 64 ;;
esac

mkdir -p "$work"
work=$(cd "$work" && pwd)
case $out in /*) ;; *) out=$(pwd)/$out ;; esac

export GOCACHE="$work/gocache" GOPATH="$work/gopath" GOMODCACHE="$work/gopath/pkg/mod"
export GO111MODULE=on GOFLAGS= GOTOOLCHAIN=local
export CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC="$CC_WIN"

goroot=$("$GO" env GOROOT)
overlay_args=
if [ -n "$patches" ]; then
    vdir="$work/$variant"
    # shellcheck disable=SC2086 # patches is a word list on purpose
    python3 "$here/patch-runtime.py" --goroot "$goroot" --out "$vdir/proc.go" $patches \
        > "$vdir.diff" || { echo "build.sh: patching runtime/proc.go for $variant failed" >&2; exit 1; }
    cat "$vdir.diff"
    printf '{"Replace":{"%s":"%s"}}\n' "$goroot/src/runtime/proc.go" "$vdir/proc.go" > "$vdir/overlay.json"
    overlay_args="-overlay=$vdir/overlay.json"
fi

cd "$here"
# shellcheck disable=SC2086
"$GO" build $overlay_args -ldflags "-X main.variant=$variant" -o "$out" .
