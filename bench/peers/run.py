#!/usr/bin/python3
"""Peers side by side (issue 10, item 5): one workload, 1M member rows, in
zhucun and in the ways people write it without zhucun. Run by hand; not
part of the tests or CI.

    cmake --preset release && cmake --build --preset release   # CLI + Python module
    /usr/bin/python3 bench/peers/run.py [--rows 1000000] [--repeat 5] [--build build/release]

The workload (see README.md here): per member, three rules -- the unit's
sector must be the one the village category calls for (weak->party_mass,
disorderly->political_legal, poor->economic, industry->agriculture,
specialized->science_tech; `ordinary` calls for none), a living allowance
below 1100, more than 2 transport reimbursements -- and a weighted grade:
composite = 0.2 daily + 0.3 half-year + 0.5 year-end, first-hit bands
excellent >= 90, competent >= 75, basic >= 60, else incompetent.

The data are generated once (deterministic, seed below) into
bench/peers/work/data-<rows>/members.csv with the counts the generator
expects (exact integer arithmetic) beside it; every implementation must
produce exactly those counts (findings per rule, members per grade), or the
script says which differ and exits 1.

Each implementation reads the CSV into its own in-memory form once (the
"load" column, not in the comparison) and then evaluates every member,
best of --repeat runs (fewer when a run is slow: --budget seconds per
implementation). The exception is `zhucun check`, timed end to end as a
process (CSV reading and writing findings.csv and member_grades.csv
included). The hand-written C++ loop is the yardstick. The table gives the
wall-clock time of the best run and the least CPU time of the process (all
threads) of any run; on a machine shared with other work, CPU time is the
steadier of the two.

Needs: g++, /usr/bin/python3 with numpy and pandas (Debian's), the build
tree's `cli/zhucun`, `libzhucun.a` and `python/zhucun`, and node + npm for
the two npm peers (installed into bench/peers/node_modules by this script;
--skip zen,zen-loop,jre runs without them).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
WORK = HERE / "work"
PACK = HERE / "pack"
AS_OF = "2024-06-30"

CATEGORIES = ["weak", "disorderly", "poor", "industry", "specialized", "ordinary"]
CATEGORY_WEIGHTS = [15, 10, 25, 20, 15, 15]
SECTORS = ["party_mass", "political_legal", "economic", "agriculture", "science_tech", "other"]
SECTOR_FOR = {"weak": "party_mass", "disorderly": "political_legal", "poor": "economic",
              "industry": "agriculture", "specialized": "science_tech"}
RULES = ["members.sector_match", "members.living_allowance", "members.transport"]
GRADES = ["excellent", "competent", "basic", "incompetent"]
KEYS = RULES + GRADES
COLUMNS = ["member_id", "category", "sector", "daily_score", "half_year_score",
           "year_end_score", "living_allowance", "transport_reimbursements"]

SEED = 20261205
GENERATOR_VERSION = 1


# --------------------------------------------------------------------------
# The data


def grade_of(milli: int) -> str:
    """The grade of a composite given in thousandths (exact)."""
    if milli >= 90000:
        return "excellent"
    if milli >= 75000:
        return "competent"
    if milli >= 60000:
        return "basic"
    return "incompetent"


def on_edge(rng: random.Random, target: int) -> tuple:
    """Scores in hundredths whose composite is exactly `target` thousandths:
    2 d + 3 h + 5 y = target."""
    centre = target // 10
    while True:
        d = min(10000, max(0, centre + rng.randint(-1500, 1500)))
        h = min(10000, max(0, centre + rng.randint(-1500, 1500)))
        rest = target - 2 * d - 3 * h
        if rest % 5 == 0 and 0 <= rest // 5 <= 10000:
            return d, h, rest // 5


def money(hundredths: int) -> str:
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def generate(folder: Path, rows: int) -> dict:
    """Writes folder/members.csv and returns the expected counts. Per member:
    a village category (15% weak, 10% disorderly, 25% poor, 20% industry,
    15% specialized, 15% ordinary); the unit sector the category calls for,
    except 4% another one (any sector for `ordinary`); three scores around a
    member's level (0.6% of members exactly on a band's edge: composite
    60, 75 or 90, or 0.001 below); a living allowance (3% below 1100, 2%
    exactly 1100); transport reimbursements 0-2 (3%: 3-6)."""
    rng = random.Random(SEED)
    expected = Counter({k: 0 for k in KEYS})
    edges = 0
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "members.csv.tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(COLUMNS) + "\n")
        lines = []
        for i in range(1, rows + 1):
            category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
            wanted = SECTOR_FOR.get(category)
            if wanted is None:
                sector = rng.choice(SECTORS)
            elif rng.random() < 0.04:
                sector = rng.choice([s for s in SECTORS if s != wanted])
            else:
                sector = wanted
            if rng.random() < 0.006:
                edges += 1
                d, h, y = on_edge(rng, rng.choice((60000, 75000, 90000)) - rng.choice((0, 0, 1)))
            else:
                level = rng.gauss(78, 9)
                d, h, y = (min(10000, max(0, round((level + rng.gauss(0, 5)) * 100)))
                           for _ in range(3))
            u = rng.random()
            if u < 0.03:
                allowance = rng.randint(90000, 109999)
            elif u < 0.05:
                allowance = 110000
            else:
                allowance = rng.randint(110001, 160000)
            transport = rng.randint(3, 6) if rng.random() < 0.03 else rng.randint(0, 2)

            if wanted is not None and sector != wanted:
                expected["members.sector_match"] += 1
            if allowance < 110000:
                expected["members.living_allowance"] += 1
            if transport > 2:
                expected["members.transport"] += 1
            expected[grade_of(2 * d + 3 * h + 5 * y)] += 1
            lines.append(f"M{i:07d},{category},{sector},{money(d)},{money(h)},{money(y)},"
                         f"{money(allowance)},{transport}\n")
            if len(lines) == 10000:
                f.writelines(lines)
                lines.clear()
        f.writelines(lines)
    tmp.replace(folder / "members.csv")
    return {"rows": rows, "seed": SEED, "generator": GENERATOR_VERSION,
            "rows_on_a_band_edge": edges, "counts": dict(expected)}


def dataset(rows: int) -> tuple:
    """The data folder for `rows` members, generated unless already there."""
    folder = WORK / f"data-{rows}"
    meta_file = folder / "expected.json"
    if meta_file.exists() and (folder / "members.csv").exists():
        meta = json.loads(meta_file.read_text())
        if meta.get("seed") == SEED and meta.get("generator") == GENERATOR_VERSION:
            return folder, meta
    print(f"generating {rows:,} members into {folder} ...", flush=True)
    t = time.perf_counter()
    meta = generate(folder, rows)
    meta_file.write_text(json.dumps(meta, indent=1) + "\n")
    print(f"  {time.perf_counter() - t:.1f} s", flush=True)
    return folder, meta


# --------------------------------------------------------------------------
# The Python implementations (each run in its own process: run.py --peer X)


def best_of(repeat: int, budget: float, fn, cpu_clock=time.process_time) -> tuple:
    """Runs fn up to `repeat` times; a run is not started when the time spent
    so far plus the last run would exceed `budget`. Returns (wall-clock
    times, CPU times by `cpu_clock`, the last result)."""
    times, cpu, result = [], [], None
    for r in range(repeat):
        if r and sum(times) + times[-1] > budget:
            break
        c = cpu_clock()
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
        cpu.append(cpu_clock() - c)
    return times, cpu, result


def peer_zhucun_python(csv_file: Path, build: Path, repeat: int, budget: float) -> dict:
    """zhucun's public Python API: facts built once from the CSV folder (the
    C++ reader), then policy.check(facts, threads=1): the C++ check plus the
    Report's DataFrames (findings; member_grades with the composite as
    decimal.Decimal)."""
    sys.path.insert(0, str(build / "python"))
    import zhucun  # noqa: PLC0415
    policy = zhucun.load(PACK)
    t = time.perf_counter()
    facts = policy.facts(str(csv_file.parent))
    load = time.perf_counter() - t
    times, cpu, report = best_of(repeat, budget,
                                 lambda: policy.check(facts, as_of=AS_OF, threads=1))
    counts = Counter({k: 0 for k in KEYS})
    counts.update(report.findings["rule"].value_counts().to_dict())
    counts.update(report.derived["member_grades"]["grade"].value_counts().to_dict())
    return {"load_s": load, "eval_s": times, "cpu_s": cpu, "counts": dict(counts),
            "version": f"zhucun {zhucun.__version__}"}


def peer_numpy(csv_file: Path, build: Path, repeat: int, budget: float) -> dict:
    """Hand-vectorised numpy over int64 hundredths (exact): a lookup array
    for the mapping, boolean masks for the findings, the composite in
    thousandths (2 d + 3 h + 5 y) and the grade as the number of bands it
    reaches."""
    import numpy as np  # noqa: PLC0415
    import pandas as pd  # noqa: PLC0415
    t = time.perf_counter()
    df = pd.read_csv(csv_file, dtype={"member_id": str})
    category = pd.Categorical(df["category"], categories=CATEGORIES).codes.astype(np.int8)
    sector = pd.Categorical(df["sector"], categories=SECTORS).codes.astype(np.int8)
    cents = {c: np.rint(df[c].to_numpy() * 100).astype(np.int64)
             for c in ("daily_score", "half_year_score", "year_end_score", "living_allowance")}
    transport = df["transport_reimbursements"].to_numpy(np.int32)
    load = time.perf_counter() - t
    if (category < 0).any() or (sector < 0).any():
        raise ValueError("unknown category or sector")
    sector_for = np.array([SECTORS.index(SECTOR_FOR[c]) if c in SECTOR_FOR else -1
                           for c in CATEGORIES], dtype=np.int8)
    d, h, y = cents["daily_score"], cents["half_year_score"], cents["year_end_score"]
    allowance = cents["living_allowance"]

    def evaluate():
        wanted = sector_for[category]
        findings = {"members.sector_match": (wanted >= 0) & (sector != wanted),
                    "members.living_allowance": allowance < 110000,
                    "members.transport": transport > 2}
        milli = 2 * d + 3 * h + 5 * y
        # 0 excellent, 1 competent, 2 basic, 3 incompetent
        grade = (3 - (milli >= 60000).view(np.int8) - (milli >= 75000).view(np.int8)
                 - (milli >= 90000).view(np.int8))
        return findings, grade

    times, cpu, (findings, grade) = best_of(repeat, budget, evaluate)
    counts = {r: int(np.count_nonzero(m)) for r, m in findings.items()}
    counts.update(zip(GRADES, (int(n) for n in np.bincount(grade, minlength=4))))
    return {"load_s": load, "eval_s": times, "cpu_s": cpu, "counts": counts,
            "version": f"numpy {np.__version__}"}


def peer_pandas(csv_file: Path, build: Path, repeat: int, budget: float) -> dict:
    """Idiomatic pandas on the frame pd.read_csv gives (codes as str,
    decimals as float64): Series.map for the mapping, comparisons, the
    composite in float64 rounded to 3 decimals, pd.cut for the bands."""
    import numpy as np  # noqa: PLC0415
    import pandas as pd  # noqa: PLC0415
    t = time.perf_counter()
    df = pd.read_csv(csv_file, dtype={"member_id": str})
    load = time.perf_counter() - t

    def evaluate():
        wanted = df["category"].map(SECTOR_FOR)
        findings = {"members.sector_match": wanted.notna() & (df["sector"] != wanted),
                    "members.living_allowance": df["living_allowance"] < 1100,
                    "members.transport": df["transport_reimbursements"] > 2}
        composite = (0.2 * df["daily_score"] + 0.3 * df["half_year_score"]
                     + 0.5 * df["year_end_score"]).round(3)
        grade = pd.cut(composite, [-np.inf, 60, 75, 90, np.inf], right=False,
                       labels=["incompetent", "basic", "competent", "excellent"])
        return findings, grade

    times, cpu, (findings, grade) = best_of(repeat, budget, evaluate)
    counts = {r: int(m.sum()) for r, m in findings.items()}
    counts.update({str(k): int(v) for k, v in grade.value_counts().items()})
    return {"load_s": load, "eval_s": times, "cpu_s": cpu, "counts": counts,
            "version": f"pandas {pd.__version__}"}


def peer_python_loop(csv_file: Path, build: Path, repeat: int, budget: float) -> dict:
    """A plain CPython `for` over rows (tuples from the csv module, decimals
    as float, the composite rounded to 3 decimals), keeping each member's
    grade and each rule's finding rows."""
    t = time.perf_counter()
    with open(csv_file, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        if next(reader) != COLUMNS:
            raise ValueError("unexpected header")
        rows = [(c, s, float(d), float(h), float(y), float(a), int(tr))
                for _, c, s, d, h, y, a, tr in reader]
    load = time.perf_counter() - t

    def evaluate():
        grades = []
        sector_match, allowance_low, transport_high = [], [], []
        for i, (category, sector, d, h, y, allowance, transport) in enumerate(rows):
            wanted = SECTOR_FOR.get(category)
            if wanted is not None and sector != wanted:
                sector_match.append(i)
            if allowance < 1100:
                allowance_low.append(i)
            if transport > 2:
                transport_high.append(i)
            composite = round(0.2 * d + 0.3 * h + 0.5 * y, 3)
            if composite >= 90:
                grades.append("excellent")
            elif composite >= 75:
                grades.append("competent")
            elif composite >= 60:
                grades.append("basic")
            else:
                grades.append("incompetent")
        return grades, sector_match, allowance_low, transport_high

    times, cpu, (grades, *findings) = best_of(repeat, budget, evaluate)
    counts = dict(zip(RULES, (len(f) for f in findings)))
    counts.update({g: 0 for g in GRADES})
    counts.update(Counter(grades))
    return {"load_s": load, "eval_s": times, "cpu_s": cpu, "counts": counts,
            "version": f"CPython {platform.python_version()}"}


PYTHON_PEERS = {"zhucun-py": peer_zhucun_python, "numpy": peer_numpy,
                "pandas": peer_pandas, "python": peer_python_loop}


def naive_double_misgrades(csv_file: Path) -> int:
    """How many members float64 grades differently from the exact composite
    when the composite (0.2 d + 0.3 h + 0.5 y) is not rounded."""
    import numpy as np  # noqa: PLC0415
    import pandas as pd  # noqa: PLC0415
    df = pd.read_csv(csv_file, usecols=["daily_score", "half_year_score", "year_end_score"])
    f = 0.2 * df["daily_score"] + 0.3 * df["half_year_score"] + 0.5 * df["year_end_score"]
    exact = sum(w * np.rint(df[c].to_numpy() * 100).astype(np.int64)
                for w, c in ((2, "daily_score"), (3, "half_year_score"), (5, "year_end_score")))
    bands_f = sum((f.to_numpy() >= b).astype(int) for b in (60, 75, 90))
    bands_x = sum((exact >= b * 1000).astype(int) for b in (60, 75, 90))
    return int((bands_f != bands_x).sum())


# --------------------------------------------------------------------------
# Building and running


def sh(cmd: list, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


def newer(target: Path, *sources: Path) -> bool:
    return target.exists() and all(target.stat().st_mtime >= s.stat().st_mtime for s in sources)


def build_loop() -> Path:
    exe = WORK / "loop"
    if not newer(exe, HERE / "loop.cc"):
        print("g++ -O2 loop.cc", flush=True)
        sh(["g++", "-O2", "-std=c++20", "-o", exe, HERE / "loop.cc"])
    return exe


def source_dir(build: Path) -> Path:
    """The source tree `build` was configured from (its headers go with its
    libzhucun.a)."""
    try:
        for line in open(build / "CMakeCache.txt", encoding="utf-8"):
            if line.startswith("zhucun_SOURCE_DIR:"):
                return Path(line.split("=", 1)[1].strip())
    except OSError:
        pass
    return REPO


def build_zhucun_check(build: Path) -> Path:
    exe = WORK / "zhucun_check"
    lib = build / "libzhucun.a"
    if not lib.exists():
        raise FileNotFoundError(f"{lib} (build the library first)")
    if not newer(exe, HERE / "zhucun_check.cc", lib):
        print(f"g++ -O2 zhucun_check.cc {lib}", flush=True)
        re2 = subprocess.run(["pkg-config", "--libs", "re2"], capture_output=True,
                             text=True).stdout.split() or ["-lre2"]
        sh(["g++", "-O2", "-std=c++20", "-I", source_dir(build) / "include", "-I", build / "include",
            "-o", exe, HERE / "zhucun_check.cc", lib, *re2, "-lyaml-cpp", "-pthread"])
    return exe


def npm_install() -> None:
    if all((HERE / "node_modules" / p / "package.json").exists()
           for p in ("@gorules/zen-engine", "json-rules-engine")):
        return
    print("npm install (bench/peers/node_modules) ...", flush=True)
    sh(["npm", "install", "--no-audit", "--no-fund", "--prefix", HERE], cwd=HERE,
       capture_output=True, text=True)


def json_line(text: str) -> dict:
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError(f"no result in output:\n{text}")


def run_cli(build: Path, folder: Path, repeat: int, budget: float) -> dict:
    """`zhucun check --out`, timed as a process: reading the CSV, the check,
    writing findings.csv and member_grades.csv."""
    exe = build / "cli" / "zhucun"
    out = WORK / "cli-out"
    cmd = [exe, "check", "--rules", PACK, "--data", folder, "--as-of", AS_OF, "--out", out]

    def once():
        if out.exists():
            shutil.rmtree(out)
        p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
        if p.returncode not in (0, 1):  # 1: findings of severity error
            raise RuntimeError(f"zhucun check exited {p.returncode}:\n{p.stderr}")

    def children_cpu() -> float:
        u = resource.getrusage(resource.RUSAGE_CHILDREN)
        return u.ru_utime + u.ru_stime

    times, cpu, _ = best_of(repeat, budget, once, cpu_clock=children_cpu)
    counts = Counter({k: 0 for k in KEYS})
    with open(out / "findings.csv", encoding="utf-8", newline="") as f:
        counts.update(r["rule"] for r in csv.DictReader(f))
    with open(out / "member_grades.csv", encoding="utf-8", newline="") as f:
        counts.update(r["grade"] for r in csv.DictReader(f))
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout.strip()
    return {"load_s": None, "eval_s": times, "cpu_s": cpu, "counts": dict(counts),
            "version": version}


# (key, label, arithmetic) in the order of the table.
IMPLEMENTATIONS = [
    ("loop", "hand-written C++ loop (g++ -O2)", "int64 hundredths (exact)"),
    ("zhucun-cpp", "zhucun, C++ API: Policy::Check, 1 thread", "exact decimal"),
    ("zhucun-cpp-2", "zhucun, C++ API: Policy::Check, 2 threads", "exact decimal"),
    ("zhucun-py", "zhucun, Python: policy.check(facts), 1 thread", "exact decimal"),
    ("zhucun-cli", "zhucun check --out (whole process)", "exact decimal"),
    ("numpy", "numpy, hand-vectorised", "int64 hundredths (exact)"),
    ("pandas", "pandas, idiomatic", "float64, composite rounded to 0.001"),
    ("python", "CPython for loop", "float, composite rounded to 0.001"),
    ("zen", "GoRules ZEN (node), evaluate per member", "decimal (rust_decimal)"),
    ("zen-loop", "GoRules ZEN (node), loop mode, 1,000 per evaluate", "decimal (rust_decimal)"),
    ("jre", "json-rules-engine (node), run per member", "double, composite rounded to 0.001"),
]


def run_one(key: str, args, build: Path, folder: Path) -> dict:
    csv_file = folder / "members.csv"
    repeat, budget = args.repeat, args.budget
    if key == "loop":
        p = sh([build_loop(), csv_file, repeat], capture_output=True, text=True)
        r = json_line(p.stdout)
        r["version"] = subprocess.run(["g++", "--version"], capture_output=True,
                                      text=True).stdout.splitlines()[0]
        return r
    if key in ("zhucun-cpp", "zhucun-cpp-2"):
        threads = 2 if key == "zhucun-cpp-2" else 1
        p = sh([build_zhucun_check(build), PACK, folder, repeat, threads],
               capture_output=True, text=True)
        return json_line(p.stdout)
    if key == "zhucun-cli":
        return run_cli(build, folder, repeat, budget)
    if key in PYTHON_PEERS:
        p = sh([sys.executable, __file__, "--peer", key, "--data", csv_file, "--build", build,
                "--repeat", repeat, "--budget", budget], capture_output=True, text=True)
        return json_line(p.stdout)
    if key in ("zen", "zen-loop", "jre"):
        npm_install()
        p = sh(["node", HERE / "peers.js", key, csv_file, repeat, budget],
               capture_output=True, text=True)
        return json_line(p.stdout)
    raise KeyError(key)


def parts(args, build: Path, folder: Path) -> str:
    """zhucun's check (C++ API, 1 thread) of packs with one rule of
    pack/rules.yaml each: where its time goes."""
    text = (PACK / "rules.yaml").read_text(encoding="utf-8")
    head, body = text.split("rules:\n", 1)
    blocks = re.split(r"\n(?=  - id: )", "\n" + body)
    exe = build_zhucun_check(build)
    out = ["| pack with only | ns/row | total | CPU ns/row | runs |", "|---|---:|---:|---:|---:|"]
    for block in blocks:
        m = re.search(r"- id: (\S+)", block)
        if not m:
            continue
        rule = m.group(1)
        pack = WORK / "parts" / rule
        pack.mkdir(parents=True, exist_ok=True)
        for f in ("pack.yaml", "schema.yaml"):
            shutil.copyfile(PACK / f, pack / f)
        (pack / "rules.yaml").write_text(head + "rules:\n" + block.strip("\n") + "\n",
                                         encoding="utf-8")
        print(f"zhucun, only {rule} ...", flush=True)
        r = json_line(sh([exe, pack, folder, args.repeat, 1], capture_output=True,
                         text=True).stdout)
        best, cpu = min(r["eval_s"]), min(r["cpu_s"])
        out.append(f"| {rule} | {best / args.rows * 1e9:,.0f} | {fmt_s(best)} | "
                   f"{cpu / args.rows * 1e9:,.0f} | {len(r['eval_s'])} |")
    return "\n".join(out)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in open("/proc/meminfo", encoding="utf-8"):
            if line.startswith("MemTotal"):
                mem = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB RAM"
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}"


def describe(build: Path) -> str:
    """The zhucun measured: the build's source tree and, if it is a git
    checkout, its commit (and whether the library's sources differ from it)."""
    src = source_dir(build)
    try:
        head = subprocess.run(["git", "-C", src, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", src, "status", "--porcelain", "--", "src",
                                "include", "bindings", "cli"],
                               capture_output=True, text=True).stdout.strip()
        return (f"zhucun at {head}" + (" with uncommitted changes" if dirty else "")
                + f", build {build}")
    except (OSError, subprocess.CalledProcessError):
        return f"zhucun from {src} (not a git checkout), build {build}"


def fmt_s(s) -> str:
    if s is None:
        return "—"
    return f"{s * 1000:,.1f} ms" if s < 10 else f"{s:,.1f} s"


def ratio(x: float, y) -> str:
    if not y:
        return "—"
    q = x / y
    return f"{q:,.1f}" if q < 100 else f"{q:,.0f}"


def table(results: list, rows: int, yard: tuple) -> str:
    """Wall-clock time: the best run's; CPU time: the least CPU time of any
    run (the process's, all threads). Ratios to the hand-written loop's."""
    out = ["| implementation | arithmetic | ns/row | total | × hand loop | CPU ns/row | "
           "× hand loop (CPU) | runs | load (not timed) |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        if r.get("error"):
            out.append(f"| {r['label']} | {r['arithmetic']} | — | — | — | — | — | — | "
                       "not run: see below |")
            continue
        best, cpu = min(r["eval_s"]), min(r["cpu_s"])
        flag = "" if r["ok"] else " **counts differ**"
        out.append(f"| {r['label']}{flag} | {r['arithmetic']} | {best / rows * 1e9:,.0f} | "
                   f"{fmt_s(best)} | {ratio(best, yard[0])} | {cpu / rows * 1e9:,.0f} | "
                   f"{ratio(cpu, yard[1])} | {len(r['eval_s'])} | {fmt_s(r.get('load_s'))} |")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5, help="best of this many runs")
    ap.add_argument("--budget", type=float, default=300,
                    help="seconds of timed runs per implementation before it stops repeating")
    ap.add_argument("--build", type=Path,
                    default=Path(os.environ.get("ZHUCUN_BUILD_DIR", REPO / "build" / "release")))
    ap.add_argument("--only", default="", help="comma-separated keys: " +
                    ",".join(k for k, _, _ in IMPLEMENTATIONS))
    ap.add_argument("--skip", default="", help="comma-separated keys to leave out")
    ap.add_argument("--parts", action="store_true",
                    help="also time zhucun on packs of one rule each (where its time goes)")
    ap.add_argument("--peer", help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    build = args.build.resolve()

    if args.peer:  # a Python implementation, in its own process
        r = PYTHON_PEERS[args.peer](args.data, build, args.repeat, args.budget)
        print(json.dumps(r))
        return 0

    WORK.mkdir(exist_ok=True)
    folder, meta = dataset(args.rows)
    expected = meta["counts"]
    keys = [k for k, _, _ in IMPLEMENTATIONS]
    if args.only:
        keys = [k for k in keys if k in args.only.split(",")]
    keys = [k for k in keys if k not in args.skip.split(",")]

    load_before = os.getloadavg()
    results, failed = [], False
    for key, label, arithmetic in IMPLEMENTATIONS:
        if key not in keys:
            continue
        print(f"{label} ...", flush=True)
        r = {"key": key, "label": label, "arithmetic": arithmetic}
        try:
            r.update(run_one(key, args, build, folder))
        except (OSError, subprocess.CalledProcessError, RuntimeError, ValueError) as e:
            detail = getattr(e, "stderr", "") or ""
            r["error"] = f"{e}\n{detail}".strip()
            print(f"  FAILED: {r['error']}", flush=True)
            results.append(r)
            failed = True
            continue
        counts = {k: int(r["counts"].get(k, 0)) for k in KEYS}
        extra = set(r["counts"]) - set(KEYS)
        r["ok"] = counts == expected and not extra
        if not r["ok"]:
            failed = True
            print(f"  COUNTS DIFFER from the generator's: expected {expected}, got {r['counts']}",
                  flush=True)
        print(f"  best {fmt_s(min(r['eval_s']))} of {len(r['eval_s'])} "
              f"({', '.join(fmt_s(t) for t in r['eval_s'])}; CPU "
              f"{', '.join(fmt_s(t) for t in r['cpu_s'])}); {r.get('version', '')}", flush=True)
        results.append(r)

    breakdown = parts(args, build, folder) if args.parts else ""
    load_after = os.getloadavg()
    yard = next(((min(r["eval_s"]), min(r["cpu_s"])) for r in results
                 if r["key"] == "loop" and not r.get("error")), (None, None))
    when = datetime.date.today().isoformat()
    misgraded = naive_double_misgrades(folder / "members.csv")
    lines = [
        f"{args.rows:,} members ({meta['rows_on_a_band_edge']:,} with a composite on a band's "
        f"edge), {when}; {machine()}; {describe(build)}; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after",
        "",
        "counts (every implementation): " + ", ".join(f"{k} {expected[k]:,}" for k in KEYS),
        f"float64 without rounding would misgrade {misgraded:,} of them",
        "",
        table(results, args.rows, yard),
        "",
        "versions: " + "; ".join(f"{r['key']}: {r['version']}" for r in results
                                 if r.get("version")),
    ]
    if breakdown:
        lines += ["", breakdown]
    errors = [r for r in results if r.get("error")]
    for r in errors:
        lines += ["", f"{r['key']} was not run: {r['error']}"]
    text = "\n".join(lines)
    print()
    print(text)
    (WORK / "results.md").write_text(text + "\n", encoding="utf-8")
    (WORK / "results.json").write_text(json.dumps({"date": when, "machine": machine(),
                                                   "expected": meta, "results": results},
                                                  indent=1) + "\n", encoding="utf-8")
    if failed:
        print("\nFAILED: " + ", ".join(
            f"{r['key']} ({'not run' if r.get('error') else 'counts differ'})"
            for r in results if r.get("error") or not r.get("ok")), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        import numpy  # noqa: F401
        import pandas  # noqa: F401
    except ImportError:
        if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
            os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
        raise
    sys.exit(main())
