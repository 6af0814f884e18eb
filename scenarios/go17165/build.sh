#!/bin/sh
# Builds one runtime variant of the go17165 scenario for windows/amd64.
#
# Usage: build.sh VARIANT OUTPUT.exe WORKDIR
#   VARIANT: stock | reverted | mitigated | mitigated-reverted (Go 1.19 only)
#            | points | points-reverted (racelab schedule points, see points.go)
#   WORKDIR: holds the Go caches, the generated runtime files and overlay JSON
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

goversion=$("$GO" env GOVERSION)
case $goversion in
    go1.19|go1.19.*) family=go1.19 ;;
    go1.26|go1.26.*) family=go1.26 ;;
    *) echo "build.sh: $GO is $goversion; the runtime patch step knows go1.19 and go1.26" >&2; exit 1 ;;
esac
# Go 1.26's mallocgc checks mallocing only under doubleCheckMalloc (off as
# shipped): the points variants turn that self-check on (patch doublecheck)
# so a raised trap is seen as Go 1.19 sees it.  See docs/go-runtime.md.
check=
if [ "$family" = go1.26 ]; then check=doublecheck; fi
tags=
case $variant in
    stock) patches= ;;
    reverted) patches=revert-17165 ;;
    mitigated) patches=nilgp ;;
    mitigated-reverted) patches="nilgp revert-17165" ;;
    points) patches="points $check"; tags=racelab_points ;;
    points-reverted) patches="points $check revert-17165"; tags=racelab_points ;;
    *) echo "build.sh: unknown variant '$variant' (stock, reverted, mitigated, mitigated-reverted, points, points-reverted)" >&2
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
    vdir="$work/$family-$variant"
    rm -rf "$vdir"
    # shellcheck disable=SC2086 # patches is a word list on purpose
    python3 "$here/patch-runtime.py" --goroot "$goroot" --outdir "$vdir" $patches \
        > "$vdir.diff" || { echo "build.sh: patching the $goversion runtime for $variant failed" >&2; exit 1; }
    cat "$vdir.diff"
    overlay_args="-overlay=$vdir/overlay.json"
fi

cd "$here"
# shellcheck disable=SC2086
"$GO" build $overlay_args -tags "$tags" -ldflags "-X main.variant=$variant" -o "$out" .
