#!/usr/bin/env bash
# Judges the shards of ci/check-reproducers.sh --shard as one run each:
#   ci/merge-shards.sh KIND DIR...
# where each DIR is one shard's results (build*/results-ci-KIND*.shard-I-of-N,
# for example as downloaded from the matrix jobs of the GitHub workflow).
# For every spec found in the first DIR, `racelab merge` reads that spec's
# results from every DIR and writes the JUnit, Markdown and HTML reports to
# $RACELAB_REPORT_DIR (default build/reports), named as an unsharded check
# names them.  Exits non-zero when a merged spec fails, is undecided, or is
# missing from a shard.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: ci/merge-shards.sh KIND DIR...}
shift
[[ $# -ge 1 ]] || { echo "ci/merge-shards.sh: no shard directories given" >&2; exit 64; }
reports=${RACELAB_REPORT_DIR:-build/reports}
racelab=${RACELAB:-build/harness/racelab}
mkdir -p "$reports"
rc=0
found=0
for spec_dir in "$1"/*/; do
    [[ -d $spec_dir ]] || continue
    name=$(basename "$spec_dir")
    found=1
    dirs=()
    for d in "$@"; do
        if [[ ! -d $d/$name ]]; then
            echo "ci/merge-shards.sh: $d has no results for $name: a shard is missing" >&2
            rc=1
            continue 2
        fi
        dirs+=("$d/$name")
    done
    echo "---- racelab merge ($kind, ${#dirs[@]} shards) $name"
    "$racelab" merge --junit "$reports/$name.junit.xml" --markdown "$reports/$name.md" \
        --html "$reports/$name.html" "${dirs[@]}" || rc=1
done
[[ $found == 1 ]] || { echo "ci/merge-shards.sh: $1 holds no spec's results" >&2; exit 1; }
exit $rc
