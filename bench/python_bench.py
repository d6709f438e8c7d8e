#!/usr/bin/python3
"""What the Python path adds to a check: policy.check from DataFrames against
the C++ check of the same data (a benchmark, not a test).

    cmake --preset release && cmake --build --preset release
    PYTHONPATH=build/release/python /usr/bin/python3 bench/python_bench.py [--scale 1] [--repeat 5]

It generates the sample (zhucun-gen), reads it into typed DataFrames (dates
as datetime64, months as Period[M], decimals as float64, ints as int64) and
into frames of strings, and reports the best of --repeat runs of:

  csv        Policy.facts(folder): the C++ CSV reader (what `zhucun check` reads with)
  frames     Policy.facts(typed frames), Policy.facts(string frames)
  check      the C++ check alone (Policy.check of prebuilt Facts, results as plain lists)
  python     policy.check(typed frames): conversion, check and the DataFrames of the report
  cli        `zhucun check --out` on the folder (process, CSV reading and writing included)

and the ratio python / (csv + check): the cost of the Python path over the
C++ path from input to findings.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BUILD = Path(os.environ.get("ZHUCUN_BUILD_DIR", REPO / "build" / "release"))
sys.path.insert(0, str(BUILD / "python"))
sys.path.insert(0, str(REPO / "tests" / "python"))

import zhucun  # noqa: E402
from test_check import typed_frames  # noqa: E402
from conftest import string_frames  # noqa: E402


def best(repeat, fn):
    times = []
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", default="1")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="zhucun-bench-"))
    data = tmp / "data"
    subprocess.run([str(BUILD / "bench" / "gen" / "zhucun-gen"), "--out", str(data),
                    "--scale", args.scale], check=True, capture_output=True)
    policy = zhucun.load(REPO / "rules" / "qiannan")
    typed = typed_frames(policy, data)
    strings = string_frames(data)
    rows = sum(len(df) for df in typed.values())
    as_of = "2024-06-30"

    t_csv, facts = best(args.repeat, lambda: policy.facts(data))
    t_typed, _ = best(args.repeat, lambda: policy.facts(typed))
    t_strings, _ = best(args.repeat, lambda: policy.facts(strings))
    t_check, native = best(args.repeat, lambda: policy._native.check(
        facts._native, as_of, None, args.threads))
    t_python, report = best(args.repeat, lambda: policy.check(typed, as_of=as_of,
                                                             threads=args.threads))

    def cli():
        out = tmp / "out"
        subprocess.run([str(BUILD / "cli" / "zhucun"), "check", "--rules",
                        str(REPO / "rules" / "qiannan"), "--data", str(data), "--as-of", as_of,
                        "--out", str(out)], capture_output=True)
    t_cli, _ = best(args.repeat, cli)

    print(f"sample scale {args.scale}: {rows:,} rows, {len(report.findings):,} findings, "
          f"{len(report.derived['assessment_grades']):,} grades; best of {args.repeat}; "
          f"threads={args.threads or os.cpu_count()}")
    print(f"  csv     Policy.facts(folder)          {t_csv * 1e3:8.1f} ms")
    print(f"  frames  Policy.facts(typed frames)    {t_typed * 1e3:8.1f} ms"
          f"   ({t_typed / t_csv:.2f} x the CSV reader)")
    print(f"  frames  Policy.facts(string frames)   {t_strings * 1e3:8.1f} ms"
          f"   ({t_strings / t_csv:.2f} x the CSV reader)")
    print(f"  check   C++ check of built facts      {t_check * 1e3:8.1f} ms")
    print(f"  python  policy.check(typed frames)    {t_python * 1e3:8.1f} ms")
    print(f"  cli     zhucun check --out            {t_cli * 1e3:8.1f} ms")
    print(f"  python / (csv + check) = {t_python / (t_csv + t_check):.3f}"
          f"   (the Python path adds {100 * (t_python / (t_csv + t_check) - 1):+.1f}%)")


if __name__ == "__main__":
    main()
