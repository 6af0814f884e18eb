#!/usr/bin/env python3
"""patch-runtime.py must stop, with a message naming the patch and the count,
when a line it changes is missing or repeated (another Go version), and must
apply the patches when every line is there exactly once.

Usage: test_patch_runtime.py PATH/TO/patch-runtime.py
Exit 0 when every case behaves, 1 otherwise (each failure is printed).
"""
import os
import subprocess
import sys
import tempfile

# The sigprof lines the two patches rewrite, as Go 1.19's proc.go has them.
TRAP_UP = "\tgetg().m.mallocing++\n"
TRAP_DOWN = "\tgetg().m.mallocing--\n"
TRACE = ("\t} else {\n"
         "\t\tn = gentraceback(pc, sp, lr, gp, 0, &stk[0], len(stk), nil, nil, _TraceTrap|_TraceJumpStack)\n")


def fake_proc(up=1, down=1, trace=1):
    return ("package runtime\n\nfunc sigprof() {\n" + TRAP_UP * up +
            "\tif x {\n" + TRACE * trace + "\t}\n" + TRAP_DOWN * down + "}\n")


def run(script, goroot, out, patches):
    return subprocess.run([sys.executable, script, "--goroot", goroot, "--out", out] + patches,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)


def main():
    if len(sys.argv) != 2:
        print("usage: test_patch_runtime.py PATCH-RUNTIME.PY", file=sys.stderr)
        return 64
    script = sys.argv[1]
    failures = []

    def case(name, text, patches, want_rc_zero, want_err=None, want_out_has=None):
        with tempfile.TemporaryDirectory() as tmp:
            goroot = os.path.join(tmp, "goroot")
            out = os.path.join(tmp, "out", "proc.go")
            if text is not None:
                os.makedirs(os.path.join(goroot, "src", "runtime"))
                with open(os.path.join(goroot, "src", "runtime", "proc.go"), "w") as f:
                    f.write(text)
            r = run(script, goroot, out, patches)
            if want_rc_zero != (r.returncode == 0):
                failures.append("%s: exit status %d (stderr: %r)" % (name, r.returncode, r.stderr))
                return
            if want_err is not None and want_err not in r.stderr:
                failures.append("%s: stderr %r lacks %r" % (name, r.stderr, want_err))
            if not want_rc_zero and os.path.exists(out):
                failures.append("%s: failed but still wrote %s" % (name, out))
            if want_out_has is not None:
                with open(out) as f:
                    got = f.read()
                for s in want_out_has:
                    if s not in got:
                        failures.append("%s: patched file lacks %r" % (name, s))
                if "+\tmp.mallocing++" not in r.stdout and "revert-17165" in patches:
                    failures.append("%s: the applied diff is not on stdout" % name)

    # Positive control: exactly one of each line, both patches apply.
    case("all lines once", fake_proc(), ["nilgp", "revert-17165"], True,
         want_out_has=["\tmp.mallocing++\n", "\tmp.mallocing--\n", "} else if gp != nil {"])
    case("trap line missing", fake_proc(up=0), ["revert-17165"], False,
         want_err="patch revert-17165: expected exactly 1 occurrence of 'getg().m.mallocing++', found 0")
    case("trap line twice", fake_proc(down=2), ["revert-17165"], False,
         want_err="patch revert-17165: expected exactly 1 occurrence of 'getg().m.mallocing--', found 2")
    case("traceback block missing", fake_proc(trace=0), ["nilgp"], False,
         want_err="patch nilgp: expected exactly 1 occurrence of '} else {', found 0")
    case("traceback block twice", fake_proc(trace=2), ["nilgp", "revert-17165"], False,
         want_err="patch nilgp: expected exactly 1 occurrence of '} else {', found 2")
    case("no proc.go", None, ["revert-17165"], False, want_err="cannot read")
    case("unknown patch", fake_proc(), ["no-such-patch"], False, want_err="unknown patch 'no-such-patch'")

    for f in failures:
        print("FAIL " + f)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
