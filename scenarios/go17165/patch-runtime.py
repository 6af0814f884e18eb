#!/usr/bin/env python3
"""Generate a patched copy of the installed Go runtime's proc.go.

Usage: patch-runtime.py --goroot DIR --out FILE PATCH...

Each PATCH names a block edit below.  Every block must be found exactly once
in $GOROOT/src/runtime/proc.go, or the script stops with an error naming the
patch (another Go version needs its own review).  The unified diff that was
applied is printed on stdout.  No Go source is stored in racelab: the copy is
made at build time from the toolchain that builds the scenario.
"""
import argparse
import difflib
import os
import sys

# name -> (why, [(old block, new block), ...]).  Blocks are whole lines,
# tabs included, as in Go 1.19's proc.go.
PATCHES = {
    "revert-17165": (
        "undo Go commit e6da64b: sigprof's allocation trap goes back on the "
        "sampled M (mp) instead of the profiler's own M",
        [
            ("\tgetg().m.mallocing++\n", "\tmp.mallocing++\n"),
            ("\tgetg().m.mallocing--\n", "\tmp.mallocing--\n"),
        ],
    ),
    "nilgp": (
        "local mitigation of golang/go#50557 (pattern P4): when profileLoop "
        "samples an extra M after dropm, gFromSP finds no g and sigprof's "
        "gentraceback dereferences the nil g; skip the traceback so the "
        "sample falls back to _ExternalCode/_System.  The allocation trap "
        "before it is left as it is",
        [
            ("\t} else {\n"
             "\t\tn = gentraceback(pc, sp, lr, gp, 0, &stk[0], len(stk), nil, nil, _TraceTrap|_TraceJumpStack)\n",
             "\t} else if gp != nil { // racelab nilgp: golang/go#50557\n"
             "\t\tn = gentraceback(pc, sp, lr, gp, 0, &stk[0], len(stk), nil, nil, _TraceTrap|_TraceJumpStack)\n"),
        ],
    ),
}


def fail(msg):
    print("patch-runtime: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--goroot", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("patches", nargs="+", metavar="PATCH",
                    help="one of: " + ", ".join(sorted(PATCHES)))
    args = ap.parse_args()

    src = os.path.join(args.goroot, "src", "runtime", "proc.go")
    try:
        with open(src, encoding="utf-8") as f:
            orig = f.read()
    except OSError as e:
        fail("cannot read %s: %s" % (src, e.strerror))

    text = orig
    for name in args.patches:
        if name not in PATCHES:
            fail("unknown patch %r (known: %s)" % (name, ", ".join(sorted(PATCHES))))
        for old, new in PATCHES[name][1]:
            n = text.count(old)
            if n != 1:
                first = old.splitlines()[0].strip()
                fail("%s: patch %s: expected exactly 1 occurrence of %r, found %d "
                     "(is this Go 1.19? go env GOROOT)" % (src, name, first, n))
            text = text.replace(old, new)

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, args.out)

    for name in args.patches:
        print("# patch %s: %s" % (name, PATCHES[name][0]))
    sys.stdout.writelines(difflib.unified_diff(
        orig.splitlines(keepends=True), text.splitlines(keepends=True),
        fromfile=src, tofile=args.out, n=1))


if __name__ == "__main__":
    main()
