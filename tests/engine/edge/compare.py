#!/usr/bin/env python3
"""Compares one edge case's output with its expected files (run_edge.sh)."""
import csv, io, os, sys

expected, out, rc, want, stderr = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
problems = []
if rc != want:
    problems.append(f'exit status {rc}, expected {want}')
    with open(stderr, encoding='utf-8', errors='replace') as f:
        problems.append('stderr: ' + f.read()[:2000])


def read(path, header):
    """The rows of an output file, checking DATA.md's output form."""
    with open(path, 'rb') as f:
        raw = f.read()
    if raw.startswith(b'\xef\xbb\xbf'):
        problems.append(f'{path}: starts with a byte-order mark')
    text = raw.decode('utf-8')
    rows = list(csv.reader(io.StringIO(text, newline='')))
    # \r only inside quoted fields (line ends are \n)
    if '\r' in text and not any('\r' in cell for r in rows for cell in r):
        problems.append(f'{path}: \\r line ends')
    if not rows or rows[0] != header:
        problems.append(f'{path}: header {rows[:1]}, expected {header}')
        return []
    for r in rows[1:]:
        if len(r) != len(header):
            problems.append(f'{path}: row {r} has {len(r)} fields')
    return rows[1:]


if want == 2:
    if os.path.isdir(out) and os.listdir(out):
        problems.append(f'exit 2 but output files were written: {os.listdir(out)}')
else:
    fh = ['rule', 'subject', 'period', 'severity', 'message']
    gh = ['member_id', 'year', 'composite', 'grade']
    got = [tuple(r[:4]) for r in read(f'{out}/findings.csv', fh)] if os.path.exists(f'{out}/findings.csv') else None
    exp = [tuple(r[:4]) for r in read(f'{expected}/findings.csv', fh)]
    if got is None:
        problems.append('no findings.csv written')
    elif got != exp:
        gs, es = set(got), set(exp)
        for r in sorted(gs - es): problems.append('only zhucun:   ' + ','.join(r))
        for r in sorted(es - gs): problems.append('only expected: ' + ','.join(r))
        if gs == es: problems.append('same findings in a different order: ' + repr(got))
    gg = read(f'{out}/assessment_grades.csv', gh) if os.path.exists(f'{out}/assessment_grades.csv') else None
    eg = read(f'{expected}/assessment_grades.csv', gh)
    if gg is None:
        problems.append('no assessment_grades.csv written')
    elif gg != eg:
        for r in gg:
            if r not in eg: problems.append('grade only zhucun:   ' + ','.join(r))
        for r in eg:
            if r not in gg: problems.append('grade only expected: ' + ','.join(r))
        if sorted(gg) == sorted(eg): problems.append('grades in a different order')
for p in problems:
    print('   ', p)
sys.exit(1 if problems else 0)
