#!/usr/bin/env python3
"""An independent reading of ../shared/spec/POLICY.md in plain Python (standard
library only; exact arithmetic with fractions), written apart from the engine to
cross-check it: it reproduces ../shared/spec/example/expected and
../shared/spec/example-attendance/expected exactly (the latter with absences.csv and
the rules of "Attendance and discipline"), and it checks that the sample generator
(bench/gen) injects a violation of every rule.
Issue 4's engine is to be compared with it, finding by finding, on generated
datasets of any size. It is a test oracle, not part of zhucun.

usage: /usr/bin/python3 tools/reference/policy.py DATA_DIR AS_OF [OUT_DIR] [--from DATE]
  prints the number of findings per rule; with OUT_DIR writes findings.csv and
  assessment_grades.csv in the CLI's output form (DATA.md). --from is the start of
  the evaluation window (default: the pack's window_start, 2021-06-01)."""
import csv, sys, datetime as dt, collections
from fractions import Fraction as F

D = dt.date.fromisoformat
argv = sys.argv[1:]
FROM = D('2021-06-01')
if '--from' in argv:
    i = argv.index('--from'); FROM = D(argv[i + 1]); del argv[i:i + 2]
data, as_of = argv[0], D(argv[1])
out = argv[2] if len(argv) > 2 else None
ALLOWED = {'job_transfer', 'health', 'recall'}
SECTOR = {'weak': 'party_mass', 'disorderly': 'political_legal', 'poor': 'economic',
          'industry': 'agriculture', 'specialized': 'science_tech'}

def load(t):
    try:
        with open(f'{data}/{t}.csv', encoding='utf-8-sig', newline='') as f:
            return list(csv.DictReader(f))
    except FileNotFoundError:
        return []

def d(x): return D(x) if x else None
def add_years(x, n):
    try: return x.replace(year=x.year + n)
    except ValueError: return x.replace(year=x.year + n, day=28)
def term_done(s): return add_years(s, 2) - dt.timedelta(days=1)
def active(s, e, day): return s <= day and (e is None or day <= e)
def active_all(s, e, a, b): return s <= a and (e is None or b <= e)
def judged(a, b): return FROM <= a and b <= as_of
def dec(x): return F(x)  # exact

T = {t: load(t) for t in ['counties','villages','units','teams','members','leaders','visits','handovers',
     'bundles','assessments','unit_ratings','payments','work_funds','insurance','health_checks','trainings','enterprises','absences']}
for r in T['teams'] + T['members'] + T['leaders']:
    r['s'] = d(r['start_date']); r['e'] = d(r['end_date'])
villages = {r['village_id']: r for r in T['villages']}
units = {r['unit_id']: r for r in T['units']}
teams = {r['team_id']: r for r in T['teams']}
members = {r['member_id']: r for r in T['members']}
core = lambda m: m['role'] in ('first_secretary', 'resident_cadre')
findings = []
def find(rule, subject, period=''):
    findings.append((rule, subject, period))

# assignment
by_village = collections.defaultdict(list)
for t in T['teams']: by_village[t['village_id']].append(t)
for v in T['villages']:
    n = sum(active(t['s'], t['e'], as_of) for t in by_village[v['village_id']])
    if n == 0: find('assign.coverage', 'villages:' + v['village_id'])
    if n > 1: find('assign.single_team', 'villages:' + v['village_id'])
team_members = collections.defaultdict(list)
for m in T['members']: team_members[m['team_id']].append(m)
for t in T['teams']:
    if not active(t['s'], t['e'], as_of): continue
    cat = villages[t['village_id']]['category']
    if cat != 'ordinary' and units[t['unit_id']]['sector'] != SECTOR[cat]:
        find('assign.sector_match', 'teams:' + t['team_id'])
    fs = sum(m['role'] == 'first_secretary' and active(m['s'], m['e'], as_of) for m in team_members[t['team_id']])
    rc = sum(m['role'] == 'resident_cadre' and active(m['s'], m['e'], as_of) for m in team_members[t['team_id']])
    if fs != 1: find('team.first_secretary', 'teams:' + t['team_id'])
    if rc < 2: find('team.resident_cadres', 'teams:' + t['team_id'])
by_person = collections.defaultdict(list)
for m in T['members']: by_person[m['person_id']].append(m)
BIG = D('9999-12-31')
for p, ms in by_person.items():
    hit = False
    for i in range(len(ms)):
        for j in range(i + 1, len(ms)):
            a, b = ms[i], ms[j]
            if a['s'] > (a['e'] or BIG) or b['s'] > (b['e'] or BIG): continue
            if max(a['s'], b['s']) <= min(a['e'] or BIG, b['e'] or BIG): hit = True
    if hit: find('member.overlap', 'persons:' + p)

# rotation and handover
outgoing = {h['outgoing_member_id'] for h in T['handovers']}
def early(m): return m['e'] is not None and m['e'] < term_done(m['s'])
for m in T['members']:
    if not core(m) or m['e'] is None or not (FROM <= m['e'] <= as_of): continue
    if early(m) and m['end_reason'] not in ALLOWED: find('rotation.early_exit', 'members:' + m['member_id'])
    if m['member_id'] not in outgoing: find('handover.missing', 'members:' + m['member_id'])
county_of = lambda m: villages[teams[m['team_id']]['village_id']]['county_id']
for y in range(FROM.year, as_of.year + 1):
    a, b = dt.date(y, 1, 1), dt.date(y, 12, 31)
    if not judged(a, b): continue
    ea, base = collections.Counter(), collections.Counter()
    for m in T['members']:
        if not core(m): continue
        c = county_of(m)
        if m['e'] is not None and m['e'].year == y and early(m): ea[c] += 1
        if m['s'] <= b and (m['e'] is None or m['e'] >= a) and m['s'] <= (m['e'] or BIG): base[c] += 1
    for c in base:
        if base[c] > 0 and F(ea[c], base[c]) > F(1, 10): find('rotation.ratio', 'counties:' + c, str(y))
B = lambda x: x in ('true', '1', '是')
for h in T['handovers']:
    s, e = D(h['start_date']), D(h['end_date'])
    if not (FROM <= e <= as_of): continue
    if (e - s).days + 1 < 15: find('handover.period', 'handovers:' + h['handover_id'])
    o = members[h['outgoing_member_id']]
    if o['e'] is not None and o['e'] < e: find('handover.early_withdrawal', 'handovers:' + h['handover_id'])
    if not all(B(h[k]) for k in ('signed_outgoing', 'signed_incoming', 'approved_village_leader', 'approved_township_committee')):
        find('handover.signoff', 'handovers:' + h['handover_id'])

# bundles, accountability
kinds = collections.defaultdict(set)
for b in T['bundles']:
    kinds[(b['unit_id'], b['team_id'])].add(b['kind'])
    if b['kind'] == 'funds' and (b['amount'] == '' or dec(b['amount']) <= 0): find('bundles.funds_amount', 'bundles:' + b['bundle_id'])
for m in T['members']:
    if core(m) and active(m['s'], m['e'], as_of) and len(kinds[(m['unit_id'], m['team_id'])]) < 4:
        find('bundles.complete', 'members:' + m['member_id'])
grades = []
def grade_of(a):
    sc = [dec(a[k]) for k in ('daily_score', 'half_year_score', 'year_end_score')]
    comp = F(2, 10) * sc[0] + F(3, 10) * sc[1] + F(5, 10) * sc[2]
    if any(x < 0 or x > 100 for x in sc): g = 'invalid'
    elif comp >= 90: g = 'excellent'
    elif comp >= 75: g = 'competent'
    elif comp >= 60: g = 'basic'
    else: g = 'incompetent'
    return comp, g
low = set()
share = collections.defaultdict(lambda: [0, 0])
for a in T['assessments']:
    comp, g = grade_of(a)
    y = int(a['year'])
    grades.append((a['member_id'], y, comp, g))
    if g == 'invalid': find('assess.score_range', 'members:' + a['member_id'], str(y))
    else:
        share[y][1] += 1
        share[y][0] += g == 'excellent'
    if g in ('basic', 'incompetent'): low.add((members[a['member_id']]['unit_id'], y))
for y, (ex, n) in share.items():
    if y <= as_of.year and n > 0 and F(ex, n) > F(3, 10): find('assess.excellent_share', 'prefecture', str(y))
for r in T['unit_ratings']:
    if r['grade'] == 'excellent' and (r['unit_id'], int(r['year'])) in low:
        find('accountability.excellence_veto', 'units:' + r['unit_id'], r['year'])

# visits
def periods(kind):
    for y in range(FROM.year, as_of.year + 1):
        n = {'half': 2, 'quarter': 4, 'year': 1}[kind]
        for i in range(n):
            ml = 12 // n
            a = dt.date(y, i * ml + 1, 1)
            b = (dt.date(y + 1, 1, 1) if i == n - 1 else dt.date(y, (i + 1) * ml + 1, 1)) - dt.timedelta(days=1)
            label = str(y) if kind == 'year' else f'{y}-H{i+1}' if kind == 'half' else f'{y}-Q{i+1}'
            if judged(a, b): yield label, a, b
unit_teams = collections.defaultdict(list)
for t in T['teams']: unit_teams[t['unit_id']].append(t)
leader_visits = collections.defaultdict(list)
for v in T['visits']: leader_visits[v['leader_id']].append(v)
RANK = {'principal': ('visits.principal', 'half'), 'deputy': ('visits.deputy', 'quarter'), 'member': ('visits.member', 'year')}
for L in T['leaders']:
    rule, kind = RANK[L['rank']]
    uts = unit_teams[L['unit_id']]
    counted = []
    for v in leader_visits[L['leader_id']]:
        day = D(v['date'])
        if any(t['village_id'] == v['village_id'] and active(t['s'], t['e'], day) for t in uts): counted.append(day)
    for label, a, b in periods(kind):
        if not active_all(L['s'], L['e'], a, b): continue
        if not any(active_all(t['s'], t['e'], a, b) for t in uts): continue
        if sum(a <= x <= b for x in counted) < 1: find(rule, 'leaders:' + L['leader_id'], label)

# support
def months_served(m, y):
    return [mo for mo in range(1, 13) if active(m['s'], m['e'], dt.date(y, mo, 15))]
wf = collections.defaultdict(F)
for r in T['work_funds']: wf[(r['member_id'], int(r['year']))] += dec(r['amount'])
pay = {(p['member_id'], p['month']): p for p in T['payments']}
ins = collections.defaultdict(list)
for r in T['insurance']: ins[r['member_id']].append(r)
hc = collections.defaultdict(set); tr = collections.defaultdict(set); ent = collections.defaultdict(list)
for r in T['health_checks']: hc[r['member_id']].add(D(r['date']).year)
for r in T['trainings']: tr[r['member_id']].add(D(r['date']).year)
for r in T['enterprises']: ent[r['member_id']].append(D(r['date']))
for p in T['payments']:
    y, mo = map(int, p['month'].split('-'))
    a = dt.date(y, mo, 1); b = (dt.date(y + (mo == 12), mo % 12 + 1, 1) - dt.timedelta(days=1))
    if judged(a, b) and int(p['transport_reimbursements']) > 2: find('support.transport_quota', 'members:' + p['member_id'], p['month'])
for m in T['members']:
    mid = m['member_id']
    if m['role'] == 'first_secretary':
        for y in range(FROM.year, as_of.year + 1):
            if not judged(dt.date(y, 1, 1), dt.date(y, 12, 31)): continue
            n = len(months_served(m, y))
            if n > 0 and wf[(mid, y)] < F(20000 * n, 12): find('support.work_fund', 'members:' + mid, str(y))
        until = min(m['e'] or BIG, as_of)
        if term_done(m['s']) <= until and not any(m['s'] <= x <= until for x in ent[mid]):
            find('duty.enterprise', 'members:' + mid)
    if not core(m): continue
    for y in range(FROM.year, as_of.year + 1):
        for mo in months_served(m, y):
            a = dt.date(y, mo, 1); b = (dt.date(y + (mo == 12), mo % 12 + 1, 1) - dt.timedelta(days=1))
            if not judged(a, b): continue
            p = pay.get((mid, f'{y:04d}-{mo:02d}'))
            if p is None or dec(p['living_allowance']) < 1100: find('support.living_allowance', 'members:' + mid, f'{y:04d}-{mo:02d}')
        a, b = dt.date(y, 1, 1), dt.date(y, 12, 31)
        if judged(a, b) and active_all(m['s'], m['e'], a, b):
            if y not in hc[mid]: find('support.health_check', 'members:' + mid, str(y))
            if y not in tr[mid]: find('support.training', 'members:' + mid, str(y))
    if active(m['s'], m['e'], as_of):
        if not any(D(r['start_date']) <= as_of <= D(r['end_date']) and dec(r['coverage']) >= 1000000 for r in ins[mid]):
            find('support.insurance', 'members:' + mid)

# attendance and discipline: absences.csv absent means no absences
def month_bounds(y, mo):
    return dt.date(y, mo, 1), dt.date(y + (mo == 12), mo % 12 + 1, 1) - dt.timedelta(days=1)
away = collections.defaultdict(list)  # member_id -> [(kind, start, end)] of leave/absent rows
for r in T['absences']:
    s, e = D(r['start_date']), D(r['end_date'])
    if r['kind'] in ('leave', 'absent'): away[r['member_id']].append((r['kind'], s, e))
    if r['kind'] != 'leave' or not (FROM <= s <= as_of): continue
    sub = 'absences:' + r['absence_id']
    if not r['approved_by'] or not r['approved_on'] or D(r['approved_on']) > s: find('leave.unapproved', sub)
    if (e - s).days + 1 > 5 and r['approved_by'] == 'township': find('leave.approval_level', sub)
judged_months = [(y, mo) for y in range(FROM.year, as_of.year + 1) for mo in range(1, 13) if judged(*month_bounds(y, mo))]
for m in T['members']:
    if not core(m): continue
    for y, mo in judged_months:
        a, b = month_bounds(y, mo)
        a, b = max(a, m['s']), min(b, m['e'] or BIG)  # the service days of M: [a, b]
        if a > b: continue
        service = (b - a).days + 1
        days_away = set()
        for kind, s, e in away[m['member_id']]:
            lo, hi = max(s, a), min(e, b)  # empty when s > e
            days_away.update(range(lo.toordinal(), hi.toordinal() + 1))
            if kind == 'absent' and lo <= hi: find('attendance.absent', 'members:' + m['member_id'], f'{y:04d}-{mo:02d}')
        required = -(-20 * service // month_bounds(y, mo)[1].day)  # ceil(20 * service / days in M), exact
        if service - len(days_away) < required: find('attendance.days_in_village', 'members:' + m['member_id'], f'{y:04d}-{mo:02d}')

findings = sorted(set(findings))
c = collections.Counter(f[0] for f in findings)
for k in sorted(c): print(f'{k:34s} {c[k]}')
print('total', len(findings))
if out:
    import os
    os.makedirs(out, exist_ok=True)
    with open(f'{out}/findings.csv', 'w') as f:
        f.write('rule,subject,period\n')
        for r in findings: f.write(','.join(r) + '\n')
    def fmt(x):
        q = abs(x) * 100
        n = int(q) + (1 if q - int(q) >= F(1, 2) else 0)
        s = f'{n // 100}.{n % 100:02d}'
        return ('-' + s) if x < 0 and n != 0 else s
    with open(f'{out}/assessment_grades.csv', 'w') as f:
        f.write('member_id,year,composite,grade\n')
        for mid, y, comp, g in sorted(grades, key=lambda r: (r[0], r[1])):
            f.write(f'{mid},{y},{fmt(comp)},{g}\n')
