#!/bin/sh
# Builds deadlock_test.go into a Go test binary (`go test -c`) for racelab's
# hang tests: build.sh GO GOOS OUTPUT, GOOS "native" for the build machine's
# own system, "windows" for windows/amd64 (run under Wine).  The toolchain
# is taken as it is (GOTOOLCHAIN=local): nothing is downloaded.
set -eu
go=$1 goos=$2 out=$3
case $out in /*) ;; *) out=$PWD/$out ;; esac
cd "$(dirname "$0")"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
if [ "$goos" != native ]; then
    export GOOS="$goos" GOARCH=amd64
fi
exec "$go" test -c -o "$out" .
