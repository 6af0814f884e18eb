#!/usr/bin/env bash
# bench/gates-under-load.sh - every CI gate checked RUNS times without a
# co-load and RUNS times under `--co-load cpu=N`, the two conditions
# interleaved (none, loaded, none, loaded, ...) so that drift of the
# machine hits both alike; prints per spec and condition the PASS count and
# each variant's crash rate over all the runs' trials (matching crashes /
# trials that ran, Wilson 95 %), with the load average before and after.
#
# usage: bench/gates-under-load.sh [--kind linux|wine] [--runs R] [--co-load cpu=N]
#                                  [--out DIR] [SPEC...]
#   --kind K     the gates of ci/check-reproducers.sh K (default linux;
#                wine needs the cross build in build-win/)
#   --runs R     checks per spec and condition (default 10)
#   --co-load L  the load of the loaded condition (default cpu=4: two busy
#                threads per core on a 2-core machine)
#   --out DIR    where the results directories, JSON reports and the table go
#                (default build/gates-under-load-KIND)
#   --table-only print the table of the checks already in DIR, run nothing
#                (runs missing from DIR show as "(no report)")
#   SPEC...      these specs instead of the kind's gates
#   env RACELAB  the racelab binary (default build/harness/racelab; give a copy
#                when the build may be recompiled during the run)
# Every check's JSON report is kept (DIR/SPEC/COND-RUN.json); the table is
# also written to DIR/table.md.  It asserts nothing: a failing check is a
# figure of the table (and the script exits 1 so that a gate that does not
# hold is not missed).
set -euo pipefail
cd "$(dirname "$0")/.."

kind=linux
runs=10
load=cpu=4
out=
specs=()
table_only=0
while [[ $# -gt 0 ]]; do
    case $1 in
    --kind) kind=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --co-load) load=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --table-only) table_only=1; shift ;;
    -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "gates-under-load.sh: unknown option '$1' (see --help)" >&2; exit 64 ;;
    *) specs+=("$1"); shift ;;
    esac
done
build=build
case $kind in
linux) ;;
wine)  build=build-win ;;
*)     echo "gates-under-load.sh: --kind is linux or wine, not '$kind'" >&2; exit 64 ;;
esac
[[ ${#specs[@]} -gt 0 ]] || mapfile -t specs < <(bash ci/check-reproducers.sh --list "$kind")
out=${out:-build/gates-under-load-$kind}
racelab=${RACELAB:-build/harness/racelab}
[[ -x $racelab ]] || { echo "gates-under-load.sh: no $racelab (meson compile -C build)" >&2; exit 64; }
mkdir -p "$out"
[[ $table_only == 1 ]] || {
if [[ $kind == wine ]]; then
    # As ci/test-windows.sh runs the -wine gates: one persistent wineserver
    # for the whole series.  Without it each check's first trial starts a
    # server and racelab ends it with the check, and on a loaded machine a
    # trial then waits seconds for the server under ci/wine-run.sh's lock.
    export WINEPREFIX=${WINEPREFIX:-$PWD/$build/wineprefix} WINEDEBUG=${WINEDEBUG:--all}
    . ci/wine-server.sh
    racelab_wineserver_up || { echo "gates-under-load.sh: no persistent wineserver for $WINEPREFIX" >&2; exit 1; }
    trap 'wineserver -k 2>/dev/null || true' EXIT
fi
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)" \
    | tee "$out/started"
for s in "${specs[@]}"; do
    name=$(basename "$s" .repro)
    mkdir -p "$out/$name"
    for ((r = 1; r <= runs; r++)); do
        for cond in none "$load"; do
            tag=${cond/=/}-$r
            rm -rf "$out/$name/$tag"
            opt=()
            [[ $cond == none ]] || opt=(--co-load "$cond")
            t0=$(date +%s.%N)
            rc=0
            "$racelab" check --quiet --jobs 2 --build "$build" "${opt[@]}" --results "$out/$name/$tag" \
                --json "$out/$name/$tag.json" "$s" >"$out/$name/$tag.out" 2>&1 || rc=$?
            printf '%s %s run %d: exit %d, %.0f s, load %s\n' "$name" "$cond" "$r" "$rc" \
                "$(echo "$(date +%s.%N) - $t0" | bc)" "$(cut -d' ' -f1 /proc/loadavg)"
        done
    done
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/ended"
}
python3 - "$out" "$load" "$runs" "${specs[@]}" <<'PY' | tee "$out/table.md"
import json, math, os, sys
out, load, runs, specs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
def wilson(k, n, z=1.959964):
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))
for f in ("started", "ended"):
    if os.path.exists(os.path.join(out, f)):
        print(open(os.path.join(out, f)).read().strip())
print()
print("| spec | co-load | PASS | variant | matching crashes + hangs / trials | rate | Wilson 95 % | per run (matching/trials) |")
print("|---|---|---|---|---|---|---|---|")
bad = 0
for s in specs:
    name = os.path.basename(s)[:-len(".repro")]
    for cond in ("none", load):
        tag = cond.replace("=", "")
        passed, have, per = 0, 0, {}
        order = []
        for r in range(1, runs + 1):
            path = os.path.join(out, name, "%s-%d.json" % (tag, r))
            try:
                d = json.load(open(path))
            except (OSError, ValueError):
                continue    # the check did not run (its .out says why): no figure
            sp = d["specs"][0]
            have += 1
            passed += 1 if sp["passed"] else 0
            for v in sp["variants"]:
                if v["name"] not in order:
                    order.append(v["name"])
                ran = v["trials"] - v["outcomes"]["error"]
                per.setdefault(v["name"], []).append((v.get("crashes_matching", v["outcomes"]["crash"])
                                                      + v["outcomes"]["hang"], ran))
        bad += runs - passed
        first = True
        for vn in order:
            k = sum(a for a, _ in per[vn]); n = sum(b for _, b in per[vn])
            lo, hi = wilson(k, n)
            runs_txt = " ".join("%d/%d" % x for x in per[vn])
            print("| %s | %s | %s | %s | %d/%d | %.1f%% | [%.1f%%, %.1f%%] | %s |" % (
                name if first else "", cond if first else "", ("%d/%d" % (passed, have)) + ("" if have == runs else " (%d ran)" % have) if first else "",
                vn, k, n, 100.0 * k / n if n else 0.0, 100 * lo, 100 * hi, runs_txt))
            first = False
sys.exit(1 if bad else 0)
PY
