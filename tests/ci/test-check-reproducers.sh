#!/usr/bin/env bash
# ci/check-reproducers.sh checks a spec once more when its check ends
# undecided (exit 3: trials that could not run), and never when it fails:
#   - a spec whose fixed variant's first 10 trials "did not start" (the
#     wrapper's marker line and exit 125) is undecided at first, PASSes
#     when checked again, and the script exits 0, the first results kept
#     in NAME.undecided;
#   - a spec whose fixed variant crashes FAILs once, is not checked again,
#     and the script exits 1.
# Usage: tests/ci/test-check-reproducers.sh RACELAB (meson test gives it).
set -euo pipefail
racelab=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/../.."
t=$(mktemp -d "${TMPDIR:-/tmp}/racelab-check-repro.XXXXXX")
trap 'rm -rf "$t"' EXIT
fail=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1" >&2; fail=1; }

# wrap.sh TAG K CMD...: the first K trials tagged TAG did not start.
cat >"$t/wrap.sh" <<'SH'
tag=$1; k=$2; shift 2
i=1
while [ "$i" -le "$k" ]; do
    if mkdir "$T/errs-$tag-$i" 2>/dev/null; then
        echo "racelab: trial did not start: the test's wrapper refused ($tag)" >&2
        exit 125
    fi
    i=$((i + 1))
done
exec "$@"
SH
spec() { # FILE FIXED_COMMAND
    cat >"$1" <<SPEC
name        $(basename "$1" .repro)
issue       https://example.invalid/retry
command     /bin/sh $t/wrap.sh
timeout     10
trials      12
variant     buggy b 0 /bin/sh -c 'echo "fatal error: retry test"; exit 2'
variant     fixed f 10 /bin/sh -c '$2'
expect      buggy crash /^fatal error: retry test/ rate >= 0.5
expect      fixed no-crash upper <= 0.5
SPEC
}
spec "$t/undecided-once.repro" "exit 0"
spec "$t/fails.repro" 'echo "fatal error: retry test"; exit 2'
run() { # SPEC -> rc, out
    rc=0
    out=$(T=$t RACELAB=$racelab RACELAB_REPORT_DIR=$t/reports RACELAB_CI_RESULTS=$t/results \
          bash ci/check-reproducers.sh linux "$1" 2>&1) || rc=$?
}

run "$t/undecided-once.repro"
checks=$(grep -c '^---- racelab check' <<<"$out" || true)
if [[ $rc == 0 && $checks == 2 && $out == *"undecided-once: UNDECIDED (trials that could not run); checking it once more"* ]]; then
    ok "an undecided check is checked once more, and its second verdict (PASS) stands"
else
    bad "undecided then PASS: exit $rc, $checks checks: $out"
fi
[[ -s $t/results/undecided-once.undecided/trials.jsonl && -s $t/results/undecided-once/trials.jsonl ]] &&
    ok "... the first check's results are kept beside the second's" ||
    bad "no undecided-once.undecided or undecided-once results in $t/results: $(ls "$t/results")"

rm -rf "$t"/errs-*
run "$t/fails.repro"
checks=$(grep -c '^---- racelab check' <<<"$out" || true)
if [[ $rc == 1 && $checks == 1 ]]; then
    ok "a failing check is not checked again"
else
    bad "FAIL: exit $rc, $checks checks (want 1, 1): $out"
fi
exit $fail
