#!/bin/bash
# completion.sh RACELAB COMPLETION-FILE: the bash completion loads in bash
# and completes a subcommand, an option of one, and a spec file.
set -u
racelab=$1
source "$2" || { echo "not ok: cannot source $2"; exit 1; }
fail=0
complete_line() {   # the words of a command line, the last being completed
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    _racelab
}
want() {   # want WORD: COMPREPLY holds it
    local w
    for w in "${COMPREPLY[@]}"; do [ "$w" = "$1" ] && { echo "ok: $1"; return; }; done
    echo "not ok: $1 not in: ${COMPREPLY[*]}"
    fail=1
}
[ "$(complete -p racelab 2>/dev/null)" = "complete -F _racelab racelab" ] || { echo "not ok: not registered"; fail=1; }
complete_line "$racelab" ch;               want check
complete_line "$racelab" "";               want sweep
complete_line "$racelab" run --max;        want --max-failures
complete_line "$racelab" check --ti;       want --time
cd "$(mktemp -d)" && : > gate.repro && : > notes.txt
complete_line "$racelab" check g;          want gate.repro
complete_line "$racelab" check n
[ ${#COMPREPLY[@]} -eq 0 ] && echo "ok: no .txt for check" || { echo "not ok: ${COMPREPLY[*]}"; fail=1; }
exit $fail
