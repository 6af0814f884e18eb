#!/bin/sh
# Builds go/failures_test.go into a Go test binary (`go test -c`) for the
# tests of racelab's built-in Go signatures: build.sh GO OUTPUT [race].
# With "race" the binary is built with the race detector (-race, which
# needs cgo and a C compiler); when that build fails, OUTPUT is a script
# that says why and exits 77, and the race test is reported as skipped
# rather than the build failing.  The toolchain is taken as it is
# (GOTOOLCHAIN=local): nothing is downloaded.
set -eu
go=$1 out=$2 race=${3:-}
case $out in /*) ;; *) out=$PWD/$out ;; esac
# The Go package is a directory of its own: cgo (-race) refuses one that
# holds C files such as test_gosig.c.
cd "$(dirname "$0")/go"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod
if [ "$race" != race ]; then
    CGO_ENABLED=0 exec "$go" test -c -o "$out" .
fi
rm -f "$out"   # go test -c overwrites only an object file, not the script
if CGO_ENABLED=1 "$go" test -race -c -o "$out" . 2>"$out.err"; then
    rm -f "$out.err"
    exit 0
fi
why=$(tr '\n' ' ' <"$out.err" | cut -c1-300 | sed "s/'/ /g")
rm -f "$out.err"
printf '#!/bin/sh\necho '\''go test -race does not build here: %s'\''\nexit 77\n' "$why" >"$out"
chmod +x "$out"
