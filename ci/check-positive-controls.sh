#!/usr/bin/env bash
# Shows that every CI gate can fail: each gating spec (the specs of
# ci/check-reproducers.sh KIND) is checked once more with its positive
# control pointed at the fix.  Every variant that a crash or hang
# expectation judges gets its arguments with the bug's knob turned to the
# fixed setting (--guard=target -> --guard=self, --variant=buggy ->
# --variant=fixed: the spec's own fixed variant where it has one, whose
# arguments must then be the same); the other variants and their
# expectations are left out, but for the first of them when only one
# variant would be left (a spec needs two; its expectations must hold or
# fail as they do in the gate, only the judged ones must fail).  That check must FAIL, every expectation in
# it failing: a gate that still passes when its buggy side runs the fix
# guards nothing.  Every trial of the controlled variants must pass (a fix
# that will not start, exit 64, is no control).  Sequential stopping decides such a check in a few trials.
#   ci/check-positive-controls.sh linux|wine [SPEC...]
# Exits 1 when any control does not fail, 64 on bad use.
set -euo pipefail
cd "$(dirname "$0")/.."

kind=${1:?usage: ci/check-positive-controls.sh linux|wine [SPEC...]}
shift
racelab=${RACELAB:-build/harness/racelab}
build=build
specs=("$@")
case $kind in
linux) ;;
wine)  build=build-win ;;
*)     echo "ci/check-positive-controls.sh: unknown kind '$kind' (linux, wine)" >&2; exit 64 ;;
esac
[[ ${#specs[@]} -gt 0 ]] || mapfile -t specs < <(bash ci/check-reproducers.sh --list "$kind")
work=$build/positive-controls
rm -rf "$work"
mkdir -p "$work"
rc=0
for s in "${specs[@]}"; do
    name=$(basename "$s" .repro)
    copy=$work/$name-on-fixed.repro
    python3 - "$s" "$copy" <<'PY' || { echo "FAIL $name: no positive control can be made" >&2; rc=1; continue; }
import re, sys
src, dst = sys.argv[1], sys.argv[2]
lines = open(src).read().split("\n")
variants, judged = {}, set()
for l in lines:
    w = l.split()
    if len(w) >= 2 and w[0] == "variant":
        variants[w[1]] = " ".join(w[2:])
    if len(w) >= 3 and w[0] == "expect" and w[2] in ("crash", "hang"):
        judged.add(w[1])
if not judged:
    sys.exit("%s: no crash or hang expectation" % src)
FIX = [("--guard=target", "--guard=self"), ("--variant=buggy", "--variant=fixed")]
keep = set(judged)
if len(judged) == 1:
    keep.add(next(v for v in variants if v not in judged))
out = []
for l in lines:
    w = l.split()
    if len(w) >= 2 and w[0] == "variant" and w[1] in keep and w[1] not in judged:
        out.append(l)
        continue
    if len(w) >= 2 and w[0] == "variant":
        if w[1] not in judged:
            continue
        args = variants[w[1]]
        fixed = args
        for a, b in FIX:
            fixed = re.sub(r"(?<!\S)%s(?!\S)" % re.escape(a), b, fixed)
        if fixed == args:
            sys.exit("%s: variant %s has no bug knob to turn (%s)" % (src, w[1], args))
        if w[1] == "buggy" and "fixed" in variants and variants["fixed"] != fixed:
            sys.exit("%s: buggy turned to the fix is '%s', not the fixed variant's '%s'" % (src, fixed,
                                                                                             variants["fixed"]))
        # racelab refuses two variants that run the same words, and the
        # control is exactly that: the fixed variant, run twice.  Giving the
        # fix's setting once more (the programs take an option's last
        # value) keeps the two apart without changing what runs.
        if any(variants[k] == fixed for k in keep if k != w[1]):
            fixed += " " + next(b for a, b in FIX if re.search(r"(?<!\S)%s(?!\S)" % re.escape(b), fixed))
        out.append("variant     %s %s" % (w[1], fixed))
        continue
    if len(w) >= 2 and w[0] == "expect" and w[1] not in keep:
        continue
    out.append(l)
open(dst, "w").write("\n".join(out) + "\n")
PY
    status=0
    "$racelab" check --quiet --jobs 2 --build "$build" --results "$work/$name" --json "$work/$name.json" \
        "$copy" >"$work/$name.out" 2>&1 || status=$?
    verdict=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["specs"][0]
r = [e["result"] for e in d["expectations"] if " crash " in " " + e["expectation"] + " " or " hang " in " " + e["expectation"] + " "]
judged = {e["variant"] for e in d["expectations"] if " crash " in " " + e["expectation"] + " " or " hang " in " " + e["expectation"] + " "}
# A trial of the fix that crashed or hung spoils the control; one that never
# started (an error, such as Wine'"'"'s silent start failure) is no verdict.
clean = all(v["outcomes"]["crash"] == 0 and v["outcomes"]["hang"] == 0 for v in d["variants"] if v["name"] in judged)
print("all-fail" if r and all(x == "fails" for x in r) and clean else ("/".join(r) or "none") + ("" if clean else ", a trial of the fix did not pass"))
' "$work/$name.json" 2>/dev/null || echo "no-report")
    trials=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["specs"][0]["trials_run"])' \
        "$work/$name.json" 2>/dev/null || echo "?")
    if [[ $status -eq 1 && $verdict == all-fail ]]; then
        echo "ok   $name: its positive control on the fix FAILS, as it must ($trials trials)"
    else
        echo "FAIL $name: its positive control on the fix gave exit $status ($verdict), not FAIL" \
             "(see $work/$name.out)"
        rc=1
    fi
done
exit $rc
