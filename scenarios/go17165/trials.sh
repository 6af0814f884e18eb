#!/usr/bin/env bash
# Stop-gap trial loop for the go17165 variants under Wine, until the racelab
# runner drives them: runs N trials (at most 2 at a time), keeps each trial's
# output and prints one classified line per trial plus a tally.
#
# Usage: trials.sh EXE N OUTDIR [scenario flags...]
# Needs WINEPREFIX set to a prefix made by ci/wine-prefix.sh and (for fast
# starts) a running `wineserver -p`.  Trial i gets -seed i.
# Classes: ok (exit 0 and the result=ok line), malloc-deadlock,
# nil-g-sigprof (0xc0000005 in gentraceback called from sigprof with a nil
# g: golang/go#50557), syscallsp-walk-sigprof (the same sample of a moved M,
# but the fault is in sigprof's walk of mp.curg from its syscallsp, see
# docs/go-runtime.md), nil-g-sigprof-unknown-call (one of the two; no
# gentraceback call at the line printed in the source found), other-fatal:<first fatal line>, hang (timeout),
# exit:<rc>; several joined by '+' when a trial shows more than one.
set -euo pipefail

if [[ $# -lt 3 ]]; then
    echo "usage: trials.sh EXE N OUTDIR [scenario flags...]" >&2
    exit 64
fi
exe=$1 n=$2 out=$3
shift 3
[[ -f $exe ]] || { echo "trials.sh: $exe: no such file" >&2; exit 64; }
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "trials.sh: N must be a positive integer, got '$n'" >&2; exit 64; }
[[ -n ${WINEPREFIX:-} ]] || { echo "trials.sh: set WINEPREFIX (see ci/wine-prefix.sh)" >&2; exit 64; }
export WINEDEBUG=${WINEDEBUG:--all}
mkdir -p "$out"

classify() { # $1 = trial file prefix, $2 = exit status
    local p=$1 rc=$2 sigs=() f
    # Two threads can both reach a fatal error before the process dies:
    # every signature found is listed, joined by '+'.
    if grep -q '^fatal error: malloc deadlock' "$p.err"; then sigs+=(malloc-deadlock); fi
    if grep -q '^fatal error: unexpected signal' "$p.err" &&
       grep -A12 '^runtime stack:' "$p.err" | grep -q '^runtime.gentraceback' &&
       grep -A14 '^runtime stack:' "$p.err" | grep -q '^runtime.sigprof(.*, 0x0, 0x'; then
        # Which gentraceback call of sigprof faulted, read from the code at
        # the file:line the traceback prints for sigprof's frame (the
        # toolchain's own proc.go; nilgp edits a line in place, so its line
        # numbers are the toolchain's): the call that walks mp.curg from its
        # syscallsp (the new owner left its C call between sigprof's check
        # and the re-read, so the walk starts at sp 0), or the one given the
        # nil g itself.
        local at file line code
        at=$(grep -A16 '^runtime stack:' "$p.err" | grep -A1 '^runtime.sigprof(' | sed -n 2p |
             sed -n 's/^[[:space:]]*\([^ ]*\.go\):\([0-9][0-9]*\).*/\1 \2/p')
        read -r file line <<<"${at:-x 0}"
        # A patched variant's runtime file is its overlay copy (the points
        # patch inserts lines): build/.../work/go1.N-VARIANT/, the toolchain
        # read from the printed GOROOT's VERSION.
        local fam variant ov
        fam=$(grep -o -m1 '^go1\.[0-9]*' "${file%/src/runtime/*}/VERSION" 2>/dev/null || true)
        variant=$(basename "$exe" .exe)
        variant=${variant#go17165-}
        ov=$(dirname "$exe")/work/$fam-${variant#go1.26-}/$(basename "$file")
        [[ -n $fam && -f $ov ]] && file=$ov
        code=$(sed -n "${line}p" "$file" 2>/dev/null || true)
        if [[ $code == *syscallsp* ]]; then
            sigs+=(syscallsp-walk-sigprof)
        elif [[ $code == *gentraceback* ]]; then
            sigs+=(nil-g-sigprof)
        else
            # The source found there (if any) has no gentraceback call at
            # that line: which call faulted is unknown, sigprof's nil g is not.
            sigs+=(nil-g-sigprof-unknown-call)
        fi
    fi
    if ((${#sigs[@]} == 0)); then
        f=$(grep -m1 '^fatal error:' "$p.err" || true)
        if [[ -n $f ]]; then sigs+=("$(echo "other-fatal:${f#fatal error: }" | tr ' ' '_')"); fi
    fi
    # A process that printed a fatal error and then hung is "SIG+hang".
    if [[ $rc -eq 124 || $rc -eq 137 ]]; then sigs+=(hang); fi
    if ((${#sigs[@]})); then (IFS=+; echo "${sigs[*]}"); return; fi
    if [[ $rc -eq 0 ]] && grep -q 'result=ok' "$p.out"; then echo ok; return; fi
    echo "exit:$rc"
}

run_one() {
    local i=$1 p="$out/trial-$1" rc=0 t0 t1
    shift
    t0=$(date +%s%N)
    # A trial still running after TRIAL_TIMEOUT s (default 20, for 5 s
    # trials) is hung.  Its exit status is timeout's, never wine's.
    timeout -k 5 "${TRIAL_TIMEOUT:-20}" wine "$exe" -seed "$i" "$@" >"$p.out" 2>"$p.err" || rc=$?
    t1=$(date +%s%N)
    # Fields: trial, exit status, class, wall time in ms (time to crash).
    echo "$i $rc $(classify "$p" "$rc") $(((t1 - t0) / 1000000))" | tee "$p.class"
}

for ((i = 1; i <= n; i += 2)); do
    run_one "$i" "$@" &
    if ((i + 1 <= n)); then run_one $((i + 1)) "$@" & fi
    wait
done
echo "== $exe x$n $*"
cat "$out"/trial-*.class | awk '{print $3}' | sort | uniq -c
