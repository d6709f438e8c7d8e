#!/usr/bin/env bash
# Runs `zhucun check` on every hand-derived edge case under this folder and
# compares its output with the case's expected/ files (see README.md).
#
# usage: run_edge.sh ZHUCUN RULES PYTHON [CASE...]
#   Each case folder holds data/*.csv, args (the check arguments, e.g.
#   `--as-of 2024-06-30 --from 2021-06-01 --lenient`), expected/exit_code and,
#   unless the exit code is 2, expected/findings.csv and
#   expected/assessment_grades.csv. findings are compared on
#   (rule, subject, period, severity) in file order (DATA.md: rows sorted by
#   rule, subject, period); messages are free text and only checked to be one
#   well-quoted CSV field. assessment_grades are compared row for row.
set -uo pipefail
zhucun=$1 rules=$2 python=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -gt 0 ]; then cases=("$@"); else
  cases=(); for d in "$here"/*/; do [ -f "$d/args" ] && cases+=("$(basename "$d")"); done
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
for c in "${cases[@]}"; do
  dir=$here/$c
  out=$tmp/$c
  read -r -a args < "$dir/args"
  "$zhucun" check --rules "$rules" --data "$dir/data" "${args[@]}" --out "$out" \
      > "$tmp/$c.stdout" 2> "$tmp/$c.stderr"
  rc=$?
  want=$(tr -d '[:space:]' < "$dir/expected/exit_code")
  if "$python" "$here/compare.py" "$dir/expected" "$out" "$rc" "$want" "$tmp/$c.stderr"; then
    echo "PASS $c"
  else
    echo "FAIL $c"
    failed=1
  fi
done
exit $failed
