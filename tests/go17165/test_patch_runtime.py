#!/usr/bin/env python3
"""patch-runtime.py must stop, with a message naming the toolchain, the patch,
the file and the anchor, when a block it anchors on is missing or repeated
(another Go version), and must apply the patches when every anchor is there
exactly once.  Fake GOROOTs are made in a temporary directory; every real
GOROOT given on the command line is patched as well, and there every
schedule-point hook must be a single guarded call.

Usage: test_patch_runtime.py PATH/TO/patch-runtime.py [GOROOT...]
Exit 0 when every case behaves, 1 otherwise (each failure is printed).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
TRAP_UP = "\tgetg().m.mallocing++\n"
TRAP_DOWN = "\tgetg().m.mallocing--\n"
TRACE = ("\t} else {\n"
         "\t\tn = gentraceback(pc, sp, lr, gp, 0, &stk[0], len(stk), nil, nil, _TraceTrap|_TraceJumpStack)\n")
# The blocks the points patch anchors on, as both Go 1.19 and 1.26 have them.
UNLOCK = "\t\t\tunlock(&mp.threadLock)\n\n\t\t\t// mp may exit between the DuplicateHandle\n"
PROFILEM = "\t\t\tif mp.profilehz != 0 && !mp.blocked {\n\t\t\t\t// Pass the thread handle in case mp\n"
NEEDM = "\t// Initialize this thread to use the m.\n\tasminit()\n\tminit()\n"
DROPM = "\tsigmask := mp.sigmask\n\tsigblock(false)\n\tunminit()\n"
DOUBLE = "const doubleCheckMalloc = false\n"


def fake_goroot(tmp, version="go1.19.8", up=1, down=1, trace=1, unlock=1, needm=1):
    root = os.path.join(tmp, "goroot")
    rt = os.path.join(root, "src", "runtime")
    os.makedirs(rt)
    if version is not None:
        with open(os.path.join(root, "VERSION"), "w") as f:
            f.write(version + "\ntime 2023-03-29T00:00:00Z\n")
    with open(os.path.join(rt, "proc.go"), "w") as f:
        f.write("package runtime\n\nfunc needm() {\n" + NEEDM * needm + "}\n\nfunc dropm() {\n" + DROPM +
                "}\n\nfunc sigprof() {\n\t// See golang.org/issue/17165.\n" + TRAP_UP * up +
                "\tif x {\n" + TRACE * trace + "\t}\n" + TRAP_DOWN * down + "}\n")
    with open(os.path.join(rt, "os_windows.go"), "w") as f:
        f.write("package runtime\n\nfunc profileLoop() {\n" + UNLOCK * unlock + PROFILEM + "\t\t\t}\n}\n")
    with open(os.path.join(rt, "malloc.go"), "w") as f:
        f.write("package runtime\n\n" + DOUBLE)
    return root


def run(script, goroot, out, patches):
    return subprocess.run([sys.executable, script, "--goroot", goroot, "--outdir", out] + patches,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)


def hooks_guarded(text):
    """Every line naming racelab in an edited runtime file is a hook's guard,
    its one call, or the brace that closes it.  Returns the problems."""
    lines = text.split("\n")
    bad = []
    for i, l in enumerate(lines):
        if "racelab" not in l or "racelab nilgp" in l or "racelab doublecheck" in l:
            continue
        s = l.strip()
        if s == "if racelabOn != 0 {":
            if not (re.fullmatch(r"racelab\w+\(\w+(, \w+)?\)", lines[i + 1].strip()) and lines[i + 2].strip() == "}"):
                bad.append("guard at line %d does not hold exactly one racelab call" % (i + 1))
        elif not (i > 0 and lines[i - 1].strip() == "if racelabOn != 0 {"):
            bad.append("line %d calls racelab code unguarded: %r" % (i + 1, s))
    return bad


def main():
    if len(sys.argv) < 2:
        print("usage: test_patch_runtime.py PATCH-RUNTIME.PY [GOROOT...]", file=sys.stderr)
        return 64
    script = sys.argv[1]
    failures = []

    def case(name, patches, want_ok, want_err=None, want_has=None, **fake):
        with tempfile.TemporaryDirectory() as tmp:
            root = fake_goroot(tmp, **fake)
            out = os.path.join(tmp, "out")
            r = run(script, root, out, patches)
            if want_ok != (r.returncode == 0):
                failures.append("%s: exit status %d (stderr: %r)" % (name, r.returncode, r.stderr))
                return
            if want_err is not None and want_err not in r.stderr:
                failures.append("%s: stderr %r lacks %r" % (name, r.stderr, want_err))
            if not want_ok and os.path.exists(os.path.join(out, "overlay.json")):
                failures.append("%s: failed but still wrote an overlay" % name)
            for fname, needles in (want_has or {}).items():
                with open(os.path.join(out, fname)) as f:
                    got = f.read()
                for s in needles:
                    if s not in got:
                        failures.append("%s: patched %s lacks %r" % (name, fname, s))
                if fname != "racelab_points_windows.go":
                    failures.extend("%s: %s: %s" % (name, fname, b) for b in hooks_guarded(got))
            if want_ok:
                with open(os.path.join(out, "overlay.json")) as f:
                    ov = json.load(f)["Replace"]
                for fname in want_has or {}:
                    src = os.path.join(root, "src", "runtime", fname)
                    if ov.get(src) != os.path.join(out, fname):
                        failures.append("%s: overlay.json does not map %s to its copy: %r" % (name, src, ov))
                if "revert-17165" in patches and "+\tmp.mallocing++" not in r.stdout:
                    failures.append("%s: the applied diff is not on stdout" % name)

    points_has = {"os_windows.go": ["racelabProfOwner(mp)", "racelabPoint(racelabPointProfSuspend, mp)",
                                    "racelabPoint(racelabPointProfContext, mp)"],
                  "proc.go": ["racelabPoint(racelabPointSigprofTrap, mp)", "racelabPoint(racelabPointNeedm, mp)",
                              "racelabPoint(racelabPointDropm, mp)", "\tmp.mallocing++\n"],
                  "racelab_points_windows.go": ["var racelabOn uint32", "mp.lockedInt != 0",
                                                "func RacelabSetPoint("]}
    # Positive controls: every anchor once, the patches apply.
    case("go1.19 all patches", ["points", "nilgp", "revert-17165"], True, want_has=dict(
        points_has, **{"proc.go": points_has["proc.go"] + ["} else if gp != nil {"]}))
    case("go1.26 points, doublecheck, revert", ["revert-17165", "doublecheck", "points"], True,
         version="go1.26.8", want_has={
             "malloc.go": ["const doubleCheckMalloc = true"],
             "proc.go": points_has["proc.go"],
             "racelab_points_windows.go": ["mp.isextra", "func RacelabEnable()"]})
    # The sigprof point goes after the trap line, in either of its forms.
    case("sigprof point after the reverted trap", ["revert-17165", "points"], True,
         want_has={"proc.go": ["\tmp.mallocing++\n\tif racelabOn != 0 {\n\t\tracelabPoint(racelabPointSigprofTrap"]})
    case("sigprof point after the fixed trap", ["points"], True,
         want_has={"proc.go": ["\tgetg().m.mallocing++\n\tif racelabOn != 0 {\n\t\tracelabPoint(racelabPointSigprofTrap"]})
    # Missing or repeated anchors: named with the toolchain and the file.
    case("trap line missing", ["revert-17165"], False, up=0,
         want_err="go1.19.8 (")
    case("trap line missing names the anchor", ["revert-17165"], False, up=0,
         want_err="patch revert-17165: src/runtime/proc.go: expected exactly 1 occurrence of 'getg().m.mallocing++', found 0")
    case("trap line twice", ["revert-17165"], False, down=2,
         want_err="expected exactly 1 occurrence of 'getg().m.mallocing--', found 2")
    case("traceback block missing", ["nilgp"], False, trace=0,
         want_err="patch nilgp: src/runtime/proc.go: expected exactly 1 occurrence of '} else {', found 0")
    case("traceback block twice", ["nilgp", "revert-17165"], False, trace=2,
         want_err="expected exactly 1 occurrence of '} else {', found 2")
    case("profileLoop unlock missing", ["points"], False, unlock=0, version="go1.26.8",
         want_err="go1.26.8 (")
    case("profileLoop unlock missing names file", ["points"], False, unlock=0,
         want_err="patch points: src/runtime/os_windows.go: expected exactly 1 occurrence of 'unlock(&mp.threadLock)', found 0")
    case("needm block twice", ["points"], False, needm=2,
         want_err="patch points: src/runtime/proc.go: expected exactly 1 occurrence of '// Initialize this thread to use the m.', found 2")
    # Versions: a patch without a form for the toolchain, an unknown one.
    case("nilgp on go1.26", ["nilgp"], False, version="go1.26.8",
         want_err="go1.26.8 (")
    case("nilgp on go1.26 says why", ["nilgp"], False, version="go1.26.8",
         want_err="patch nilgp has no form for go1.26 (it knows: go1.19)")
    case("doublecheck on go1.19", ["doublecheck"], False, want_err="patch doublecheck has no form for go1.19")
    case("go1.21 toolchain", ["points"], False, version="go1.21.3", want_err="go1.21.3")
    case("no VERSION", ["revert-17165"], False, version=None, want_err="VERSION")
    case("unknown patch", ["no-such-patch"], False, want_err="unknown patch 'no-such-patch'")

    # The installed toolchains: every patch of their version applies, and
    # every hook is guarded.
    for root in sys.argv[2:]:
        with open(os.path.join(root, "VERSION")) as f:
            family = re.match(r"go1\.\d+", f.readline()).group(0)
        patches = {"go1.19": ["points", "nilgp", "revert-17165"],
                   "go1.26": ["points", "doublecheck", "revert-17165"]}.get(family)
        if patches is None:
            failures.append("%s: %s is not a toolchain this test knows" % (root, family))
            continue
        with tempfile.TemporaryDirectory() as tmp:
            r = run(script, root, tmp, patches)
            if r.returncode != 0:
                failures.append("%s: patching failed: %s" % (root, r.stderr))
                continue
            n = 0
            for fname in ("proc.go", "os_windows.go"):
                with open(os.path.join(tmp, fname)) as f:
                    text = f.read()
                n += text.count("if racelabOn != 0 {")
                failures.extend("%s: %s: %s" % (root, fname, b) for b in hooks_guarded(text))
            if n != 6:
                failures.append("%s: %d point hooks, want 6" % (root, n))
            print("ok %s (%s): %s apply, %d guarded hooks" % (root, family, " ".join(patches), n))

    for f in failures:
        print("FAIL " + f)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
