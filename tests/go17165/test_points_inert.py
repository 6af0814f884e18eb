#!/usr/bin/env python3
"""With the schedule points off, a hook in the built runtime is one load and
one branch: in the disassembly of profileLoop, sigprof, needm and dropm
every reference to racelabOn is a compare of that word with 0 followed by a
conditional jump (padding NOPs aside), and there are exactly as many as there are hooks
(6).  Checked on the linked .exe with the toolchain's own objdump.

Usage: test_points_inert.py GO EXE
"""
import re
import subprocess
import sys

HOOKS = 6
FUNCS = r"^runtime\.(profileLoop|sigprof|needm|dropm)$"


def main():
    if len(sys.argv) != 3:
        print("usage: test_points_inert.py GO EXE", file=sys.stderr)
        return 64
    go, exe = sys.argv[1:]
    r = subprocess.run([go, "tool", "objdump", "-s", FUNCS, exe], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=300)
    if r.returncode != 0:
        print("FAIL %s tool objdump %s: exit %d: %s" % (go, exe, r.returncode, r.stderr.strip()))
        return 1
    # A line: location, address, encoding, instruction, tab-separated.
    insns = [[x for x in l.split("\t") if x.strip()] for l in r.stdout.splitlines() if l.startswith("  ")]
    insns = [f[3].strip() for f in insns if len(f) >= 4]
    funcs = set(re.findall(r"^TEXT runtime\.(\w+)", r.stdout, re.M))
    failures = []
    if funcs != {"profileLoop", "sigprof", "needm", "dropm"}:
        failures.append("objdump found functions %s" % sorted(funcs))
    refs = [i for i, s in enumerate(insns) if "racelabOn" in s]
    for i in refs:
        # The assembler may pad with a NOP before the jump's target alignment.
        j = i + 1
        while j < len(insns) and insns[j].startswith("NOP"):
            j += 1
        ins, nxt = insns[i], insns[j] if j < len(insns) else ""
        if not re.match(r"CMP[BLQ] (runtime\.racelabOn\(SB\), \$0x0|\$0x0, runtime\.racelabOn\(SB\))$", ins):
            failures.append("racelabOn used by %r, not a compare with 0" % ins)
        elif not re.match(r"J(E|NE|EQ) ", nxt):
            failures.append("%r is followed by %r, not a conditional jump" % (ins, nxt))
    if len(refs) != HOOKS:
        failures.append("%d references to racelabOn, want %d (one per hook)" % (len(refs), HOOKS))
    for f in failures:
        print("FAIL %s: %s" % (exe, f))
    if not failures:
        print("ok %s: %d hooks, each CMP racelabOn,$0 + Jcc" % (exe, len(refs)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
