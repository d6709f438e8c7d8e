#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<target>/ from the repository's own
inputs: examples/expressions.cel and hand-written expressions (cel), the
small test packs of tests/testdata/packs and rules/qiannan (pack,
pack_test), the example dataset ../shared/spec/example/data and the edge
cases of tests/engine/edge (csv). Multi-file inputs are joined by lines
`@@@@` (fuzz/fuzz_util.h). Run from anywhere; it replaces the seed files it
writes (names seed-*), and leaves other files of the corpora alone.

    fuzz/make_seeds.py [--shared ../shared]
"""
import argparse
import hashlib
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
SEP = "@@@@\n"

def write(target, name, text):
    d = ROOT / "fuzz" / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / f"seed-{name}").write_text(text, encoding="utf-8")

def join(*parts):
    return SEP.join(p if p.endswith("\n") or not p else p + "\n" for p in parts)

def read(path):
    return pathlib.Path(path).read_text(encoding="utf-8")

def pack_yaml(text, tests):
    """pack.yaml with its includes made [schema.yaml, rules.yaml] and its
    tests [tests/*.yaml] (or none)."""
    text = re.sub(r"(?ms)^includes:.*?(?=^\S|\Z)", "includes: [schema.yaml, rules.yaml]\n", text)
    text = re.sub(r"(?m)^tests:.*\n?", "", text)
    if tests:
        text += "tests: [tests/*.yaml]\n"
    return text

def cel():
    n = 0
    for line in read(ROOT / "examples/expressions.cel").splitlines():
        if line.strip() and not line.startswith("#"):
            write("cel", f"example-{n:02d}", line)
            n += 1
    # Over the fuzz target's variables (fuzz/cel_fuzz.cc).
    own = [
        "i + j * 2 - i / 3 % 5",
        "d * 2.0 + double(i) > 1.5",
        "x + y * decimal('1.25') >= decimal('12.5')",
        "round(x * y, 2) < x",
        "dt + 30 > date('2024-01-01') && dt - 1 in period('2024-Q1')",
        "add_years(dt, 2) - 1",
        "dt in mo && mo.start() <= dt && dt <= mo.end()",
        "months(date('2024-01-01'), dt).filter(p, p.end() < dt).size()",
        "period(string(year(dt))).half()",
        "s + t == 'abcABC' || s.startsWith(t) || size(s) > 2",
        "s.matches('^[a-z]+$') && !t.contains('.')",
        "b ? i : j",
        "b && (i > 0 || j < 0) && !(x == y)",
        "l.map(e, e * i).filter(e, e > j).size() == 0",
        "l.all(e, e < i) || l.exists_one(e, e == 0)",
        "sum(l) + max(l) - min([i, j])",
        "m['a'] + m.size() == 3 && 'b' in m",
        "has(m.a) ? m.a : -1",
        "n == null ? 0 : int(n)",
        "type(n) == string ? n + s : string(n)",
        "[l, [i, j]].flatten()",
        "{s: i, t: j}[s]",
        "ceil_div(i, 7) * 7 >= i",
        "covered_days([[dt, dt + 10]], mo)",
        "int(x) + int(y) == uint(3)",
        "[1, 2, 3].map(a, [4, 5].map(b, a * b))",
        "string(d) + string(x) + string(dt) + string(mo)",
        "x < decimal('0.005') ? x : -x",
    ]
    for k, text in enumerate(own):
        write("cel", f"vars-{k:02d}", text)
    # The functions the target defines, and unchecked compiles (a leading
    # 0x01 byte: CompileOptions::check = false).
    functions = ["twice(i) + within(x, y, x)", "evens(l).size()", "twice(s)",
                 'within(dt, date("2024-01-01"), dt)']
    for k, text in enumerate(functions, 1):
        write("cel", f"functions-{k}", text)
    unchecked = ['1 + "a"', '[1, "a"].map(e, e + e)', "n + i", "m.a.b"]
    for k, text in enumerate(unchecked, 1):
        write("cel", f"unchecked-{k}", "\x01" + text)

def packs():
    packs_dir = ROOT / "tests/testdata/packs"
    for pack in sorted(packs_dir.iterdir()):
        manifest = read(pack / "pack.yaml")
        schema = read(pack / "schema.yaml")
        rule_files = sorted(p for p in pack.glob("*.yaml")
                            if p.name not in ("pack.yaml", "schema.yaml"))
        for rf in rule_files:
            write("pack", f"{pack.name}-{rf.stem}",
                  join(pack_yaml(manifest, False), read(rf), schema))
        tests = sorted((pack / "tests").glob("*.yaml")) if (pack / "tests").is_dir() else []
        for t in tests:
            for rf in rule_files:
                write("pack_test", f"{pack.name}-{rf.stem}-{t.stem}",
                      join(pack_yaml(manifest, True), read(rf), schema, read(t)))
    q = ROOT / "rules/qiannan"
    manifest, schema = read(q / "pack.yaml"), read(q / "schema.yaml")
    for rf in sorted(q.glob("*.yaml")):
        if rf.name in ("pack.yaml", "schema.yaml"):
            continue
        write("pack", f"qiannan-{rf.stem}", join(pack_yaml(manifest, False), read(rf), schema))
    # The smaller test files, with their rule file.
    for stem in ("duties", "composition", "visits", "assignment"):
        write("pack_test", f"qiannan-{stem}",
              join(pack_yaml(manifest, True), read(q / f"{stem}.yaml"), schema,
                   read(q / "tests" / f"{stem}.yaml")))

    # Parameter overrides of every type, for the file and for a case.
    tests = read(q / "tests" / "duties.yaml")
    params = ("params: {core_roles: [first_secretary], max_rotation_ratio: 0.25,"
              " window_start: 2020-01-01, sector_for_category: {weak: party_mass},"
              " term_years: 3}\n")
    tests = re.sub(r"(?m)^cases:\n", params + "cases:\n", tests, count=1)
    tests = re.sub(r"(?m)^  - name: (.*)\n",
                   "  - name: \\1\n    params: {min_handover_days: 10, bundle_kinds: []}\n",
                   tests, count=1)
    write("pack_test", "qiannan-duties-params",
          join(pack_yaml(manifest, True), read(q / "duties.yaml"), schema, tests))

def csv(shared):
    data = shared / "spec/example/data"
    def head(path, rows):
        lines = read(path).splitlines(keepends=True)
        return "".join(lines[: rows + 1])
    for f in sorted(data.glob("*.csv")):
        write("csv", f"example-{f.stem}", f.stem + "\n" + head(f, 4))
    # Tables that refer to one another.
    chain = ["counties", "villages", "units", "teams", "members"]
    write("csv", "example-chain",
          join(*[t + "\n" + head(data / f"{t}.csv", 3) for t in chain]))
    # A byte-order mark; GB18030 files read with `encoding=gb18030`.
    write("csv", "bom-counties", "counties\n\ufeff" + head(data / "counties.csv", 3))
    for t in ("counties", "villages"):
        d = ROOT / "fuzz" / "corpus" / "csv"
        (d / f"seed-gb18030-{t}").write_bytes(
            ("encoding=gb18030\n" + t + "\n" + head(data / f"{t}.csv", 3)).encode("gb18030"))
    edge = ROOT / "tests/engine/edge"
    for case in sorted(edge.iterdir()):
        d = case / "data"
        if not d.is_dir():
            continue
        files = sorted(d.glob("*.csv"))
        if files and sum(f.stat().st_size for f in files) < 4000:
            write("csv", f"edge-{case.name}",
                  join(*[f.stem + "\n" + read(f) for f in files]))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = ap.parse_args()
    cel()
    packs()
    csv(pathlib.Path(args.shared))

if __name__ == "__main__":
    main()
