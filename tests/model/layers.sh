#!/bin/sh
# layers.sh SCENARIOS_DIR - the layers of scenarios/ include only downwards:
# model/ (and its posix/, win32/) includes model/ only; patterns/ includes
# model/ and patterns/; programs/ any of the three.  Every project include
# names its folder ("model/m.h"), and no header sits in scenarios/ itself,
# where it could stand in for a system header.
dir=${1:?usage: layers.sh SCENARIOS_DIR}
status=0
check() { # folder, the include prefixes it may use
    folder=$1
    shift
    for f in $(find "$dir/$folder" -name '*.[ch]'); do
        grep -n '^#include "' "$f" | while IFS= read -r line; do
            inc=${line#*\"}
            inc=${inc%%\"*}
            ok=no
            for p in "$@"; do
                case $inc in "$p"/*) ok=yes ;; esac
            done
            [ $ok = yes ] || echo "${f#$dir/}: includes \"$inc\"" >&2
        done
    done
}
out=$( { check model model; check patterns model patterns;
         check programs model patterns programs; } 2>&1 )
if [ -n "$out" ]; then
    echo "$out"
    status=1
fi
for h in "$dir"/*.h; do
    [ -e "$h" ] || continue
    echo "${h#$dir/}: a header at the top of scenarios/"
    status=1
done
[ $status = 0 ] && echo "ok: model < patterns < programs, includes by path"
exit $status
