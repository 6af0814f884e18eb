#!/usr/bin/env python3
"""Generate patched copies of the installed Go runtime's source, and the overlay that uses them.

Usage: patch-runtime.py --goroot DIR --outdir DIR PATCH...

Reads the toolchain's version from $GOROOT/VERSION (go1.19.x or go1.26.x) and
applies each PATCH's edits for that version.  An edit anchors on a block of
code (whole lines, tabs included), never on a line number: the block must be
found exactly once in its file, or the script stops with an error naming the
toolchain, the patch, the file and the anchor.  It writes the edited files
and any new runtime file into --outdir, plus --outdir/overlay.json for
`go build -overlay`, and prints the unified diff it applied on stdout.  No Go
source is stored in racelab: the copies are made at build time from the
toolchain that builds the scenario.
"""
import argparse
import difflib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# An edit is (file under src/runtime, anchor block, kind, text): kind
# "replace" puts text in the anchor's place, "after"/"before" inserts text
# next to it.  Every point hook is one guarded call, `if racelabOn != 0 {
# racelabX(...) }`: with the points off, a load of one word and a branch.
def hook(indent, call):
    return "%sif racelabOn != 0 {\n%s\t%s\n%s}\n" % (indent, indent, call, indent)


REVERT_17165 = [
    ("proc.go", "\tgetg().m.mallocing++\n", "replace", "\tmp.mallocing++\n"),
    ("proc.go", "\tgetg().m.mallocing--\n", "replace", "\tmp.mallocing--\n"),
]

# profileLoop: the owner of mp is recorded while threadLock is held (the
# handle just duplicated is that thread's); after the unlock and before
# SuspendThread is the gap that 17165 and #50557 need; after SuspendThread
# and before profilem's GetThreadContext is the second one.  The anchors are
# the same code in Go 1.19 and 1.26 (their stdcall spellings differ, these
# lines do not).
PROFILE_LOOP_POINTS = [
    ("os_windows.go",
     "\t\t\tunlock(&mp.threadLock)\n\n\t\t\t// mp may exit between the DuplicateHandle\n",
     "replace",
     hook("\t\t\t", "racelabProfOwner(mp)") + "\t\t\tunlock(&mp.threadLock)\n" +
     hook("\t\t\t", "racelabPoint(racelabPointProfSuspend, mp)") +
     "\n\t\t\t// mp may exit between the DuplicateHandle\n"),
    ("os_windows.go",
     "\t\t\tif mp.profilehz != 0 && !mp.blocked {\n\t\t\t\t// Pass the thread handle in case mp\n",
     "before", hook("\t\t\t", "racelabPoint(racelabPointProfContext, mp)")),
]
# sigprof: right after the allocation trap is raised (on the profiler's own
# M, or on mp with revert-17165), inside the guarded section.
SIGPROF_POINT = ("proc.go",
                 "\t// See golang.org/issue/17165.\n",
                 "after-line", hook("\t", "racelabPoint(racelabPointSigprofTrap, mp)"))
# dropm: while the thread still owns the M, before unminit gives it up.
DROPM_POINT = ("proc.go", "\tsigmask := mp.sigmask\n\tsigblock(false)\n\tunminit()\n", "before",
               hook("\t", "racelabPoint(racelabPointDropm, mp)"))
# needm: once the thread has taken an extra M and set it up (g0 installed,
# minit done), before it runs Go code on it.
NEEDM_POINT = ("proc.go", "\t// Initialize this thread to use the m.\n\tasminit()\n\tminit()\n", "after",
               hook("\t", "racelabPoint(racelabPointNeedm, mp)"))

POINTS = {
    "go1.19": PROFILE_LOOP_POINTS + [SIGPROF_POINT, DROPM_POINT, NEEDM_POINT],
    "go1.26": PROFILE_LOOP_POINTS + [SIGPROF_POINT, DROPM_POINT, NEEDM_POINT],
}
# What the generated racelab_points_windows.go needs that the two versions
# spell differently: how to tell an extra M (1.26 marks it; in 1.19 only
# oneNewExtraM locks the M's goroutine to it, lockedInt), and the atomic
# package the runtime imports.
POINTS_TEMPLATE_VARS = {
    "go1.19": {"IS_EXTRA": "mp.lockedInt != 0", "ATOMIC": "runtime/internal/atomic"},
    "go1.26": {"IS_EXTRA": "mp.isextra", "ATOMIC": "internal/runtime/atomic"},
}

# name -> (why, {version family: [edit, ...]}, {version family: new files}).
PATCHES = {
    "revert-17165": (
        "undo Go commit e6da64b: sigprof's allocation trap goes back on the "
        "sampled M (mp) instead of the profiler's own M",
        {"go1.19": REVERT_17165, "go1.26": REVERT_17165}, {}),
    "nilgp": (
        "local mitigation of golang/go#50557 (pattern P4): when profileLoop "
        "samples an extra M after dropm, gFromSP finds no g and sigprof's "
        "gentraceback dereferences the nil g; skip the traceback so the "
        "sample falls back to _ExternalCode/_System.  The allocation trap "
        "before it is left as it is",
        {"go1.19": [
            ("proc.go",
             "\t} else {\n"
             "\t\tn = gentraceback(pc, sp, lr, gp, 0, &stk[0], len(stk), nil, nil, _TraceTrap|_TraceJumpStack)\n",
             "replace",
             "\t} else if gp != nil { // racelab nilgp: golang/go#50557\n"
             "\t\tn = gentraceback(pc, sp, lr, gp, 0, &stk[0], len(stk), nil, nil, _TraceTrap|_TraceJumpStack)\n"),
        ]}, {}),
    "doublecheck": (
        "turn on the runtime's own allocator self-check (doubleCheckMalloc, "
        "off by default since mallocgc was split by size class): mallocgc "
        "then throws 'malloc deadlock' on an M whose mallocing is raised, as "
        "every mallocgc of Go 1.19 does",
        {"go1.26": [("malloc.go", "const doubleCheckMalloc = false\n", "replace",
                     "const doubleCheckMalloc = true // racelab doublecheck\n")]}, {}),
    "points": (
        "racelab schedule points (racelab_points_windows.go): named places "
        "in profileLoop, sigprof, needm and dropm where a trial may delay, "
        "yield or wait (bounded) for a condition; off unless the program "
        "turns them on",
        POINTS,
        {v: {"racelab_points_windows.go": "points_windows.go.in"} for v in POINTS}),
}
# Applied in this order whatever the command line's: the sigprof point
# anchors on the line before the trap, which revert-17165 rewrites.
ORDER = ["revert-17165", "nilgp", "doublecheck", "points"]


def fail(msg):
    print("patch-runtime: " + msg, file=sys.stderr)
    sys.exit(1)


def toolchain_version(goroot):
    path = os.path.join(goroot, "VERSION")
    try:
        with open(path, encoding="utf-8") as f:
            full = f.readline().strip()
    except OSError as e:
        fail("cannot read %s: %s (is --goroot a Go toolchain? go env GOROOT)" % (path, e.strerror))
    m = re.match(r"^(go1\.\d+)(\.\d+)?", full)
    if not m:
        fail("%s: unrecognised version line %r" % (path, full))
    return full, m.group(1)


def apply_edit(text, edit, where):
    fname, anchor, kind, new = edit
    n = text.count(anchor)
    if n != 1:
        first = next((l.strip() for l in anchor.splitlines() if l.strip()), anchor)
        fail("%s: expected exactly 1 occurrence of %r, found %d" % (where, first, n))
    if kind == "replace":
        return text.replace(anchor, new)
    if kind == "before":
        return text.replace(anchor, new + anchor)
    if kind == "after":
        return text.replace(anchor, anchor + new)
    if kind == "after-line":  # after the anchor and the one line that follows it
        i = text.index(anchor) + len(anchor)
        j = text.index("\n", i) + 1
        return text[:j] + new + text[j:]
    raise ValueError(kind)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--goroot", required=True)
    ap.add_argument("--outdir", required=True)
    ap.add_argument("patches", nargs="+", metavar="PATCH",
                    help="one of: " + ", ".join(ORDER))
    args = ap.parse_args()

    for name in args.patches:
        if name not in PATCHES:
            fail("unknown patch %r (known: %s)" % (name, ", ".join(ORDER)))
    full, family = toolchain_version(args.goroot)
    rtdir = os.path.join(args.goroot, "src", "runtime")
    names = [n for n in ORDER if n in args.patches]
    for name in names:
        if family not in PATCHES[name][1]:
            fail("%s (%s): patch %s has no form for %s (it knows: %s)" % (
                full, args.goroot, name, family, ", ".join(sorted(PATCHES[name][1]))))

    orig, text, new_files = {}, {}, {}
    for name in names:
        for edit in PATCHES[name][1][family]:
            fname = edit[0]
            if fname not in text:
                src = os.path.join(rtdir, fname)
                try:
                    with open(src, encoding="utf-8") as f:
                        orig[fname] = text[fname] = f.read()
                except OSError as e:
                    fail("%s: cannot read %s: %s" % (full, src, e.strerror))
            text[fname] = apply_edit(text[fname], edit, "%s (%s): patch %s: src/runtime/%s" % (
                full, args.goroot, name, fname))
        for fname, tmpl in PATCHES[name][2].get(family, {}).items():
            if os.path.exists(os.path.join(rtdir, fname)):
                fail("%s: patch %s: src/runtime/%s already exists in the toolchain" % (full, name, fname))
            with open(os.path.join(HERE, tmpl), encoding="utf-8") as f:
                body = f.read()
            for k, v in POINTS_TEMPLATE_VARS[family].items():
                body = body.replace("@" + k + "@", v)
            if "@" in re.sub(r"//.*", "", body):
                fail("%s: unfilled @VAR@ left in it" % tmpl)
            new_files[fname] = body

    os.makedirs(args.outdir, exist_ok=True)
    outdir = os.path.abspath(args.outdir)
    replace = {}
    for fname, body in list(text.items()) + list(new_files.items()):
        out = os.path.join(outdir, fname)
        with open(out + ".tmp", "w", encoding="utf-8") as f:
            f.write(body)
        os.replace(out + ".tmp", out)
        replace[os.path.join(rtdir, fname)] = out
    with open(os.path.join(outdir, "overlay.json.tmp"), "w", encoding="utf-8") as f:
        json.dump({"Replace": replace}, f, indent=1, sort_keys=True)
    os.replace(os.path.join(outdir, "overlay.json.tmp"), os.path.join(outdir, "overlay.json"))

    print("# %s (%s)" % (full, args.goroot))
    for name in names:
        print("# patch %s: %s" % (name, PATCHES[name][0]))
    for fname in sorted(text):
        sys.stdout.writelines(difflib.unified_diff(
            orig[fname].splitlines(keepends=True), text[fname].splitlines(keepends=True),
            fromfile=os.path.join(rtdir, fname), tofile=os.path.join(outdir, fname), n=1))
    for fname in sorted(new_files):
        print("# new file %s (%d lines)" % (os.path.join(outdir, fname), new_files[fname].count("\n")))


if __name__ == "__main__":
    main()
