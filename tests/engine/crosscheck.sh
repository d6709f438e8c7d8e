#!/usr/bin/env bash
# Cross-checks `zhucun check` with the independent reading of POLICY.md in
# tools/reference/policy.py on a generated dataset: every (rule, subject,
# period) finding and every assessment grade must be the same.
#
# usage: crosscheck.sh ZHUCUN ZHUCUN_GEN PYTHON REFERENCE RULES SCALE AS_OF
set -euo pipefail
zhucun=$1 gen=$2 python=$3 reference=$4 rules=$5 scale=$6 as_of=$7
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$gen" --out "$dir/data" --scale "$scale" --as-of "$as_of" > /dev/null
set +e
"$zhucun" check --rules "$rules" --data "$dir/data" --as-of "$as_of" --out "$dir/ours"
rc=$?
set -e
if [ "$rc" -gt 1 ]; then
  echo "zhucun check exited with $rc"
  exit 1
fi
"$python" "$reference" "$dir/data" "$as_of" "$dir/ref" > /dev/null
"$python" - "$dir/ours" "$dir/ref" <<'PY'
import csv, sys
ours, ref = sys.argv[1], sys.argv[2]
def rows(path, key):
    with open(path, encoding='utf-8', newline='') as f:
        return {tuple(r[k] for k in key) for r in csv.DictReader(f)}
failed = False
for name, key in [('findings.csv', ('rule', 'subject', 'period')),
                  ('assessment_grades.csv', ('member_id', 'year', 'composite', 'grade'))]:
    a, b = rows(f'{ours}/{name}', key), rows(f'{ref}/{name}', key)
    print(f'{name}: {len(a)} rows, reference {len(b)}')
    for r in sorted(a - b)[:20]: print('  only zhucun:   ', ','.join(r))
    for r in sorted(b - a)[:20]: print('  only reference:', ','.join(r))
    failed = failed or a != b
sys.exit(1 if failed else 0)
PY
