#!/usr/bin/env bash
# Checks the GitHub workflow files (.github/workflows/*.yml) with actionlint:
# the syntax, the expressions (${{ matrix.shard }}, needs, if), the action
# inputs and the job graph, so a workflow that GitHub would refuse or run
# wrongly fails here first.  actionlint is a Go program; when it is not on
# PATH it is built once into build/tools from its module at a fixed
# version (about a minute, through the Go module proxy).
set -euo pipefail
cd "$(dirname "$0")/.."
version=v1.7.12
tools=$PWD/build/tools
lint=$(command -v actionlint || true)
if [[ -z $lint ]]; then
    lint=$tools/actionlint
    if [[ ! -x $lint ]] || ! "$lint" -version | grep -qx "$version"; then
        go=$(command -v go || echo /usr/local/go/bin/go)
        [[ -x $go ]] || { echo "ci/lint-workflows.sh: no go command to build actionlint with" >&2; exit 1; }
        mkdir -p "$tools"
        GOBIN=$tools "$go" install "github.com/rhysd/actionlint/cmd/actionlint@$version"
    fi
fi
"$lint" -version | head -n 1
"$lint" .github/workflows/*.yml
echo "ci/lint-workflows.sh: .github/workflows/*.yml pass actionlint"
