"""The check on one machine against the check on a Dask cluster (zhucun.dask).

For each scale, generates the sample (zhucun-gen --scale S) and measures, each
in fresh processes:

- one machine: `policy.facts(folder)` (the engine's CSV reader) then
  `policy.check` on 1 and on 2 threads, in a child process: the read and
  check times and the process's peak RSS;
- Dask: a LocalCluster of N worker processes with one thread each, the tables
  read with `zhucun.dask.read_csv` (64 MB blocks; the cells' texts, the
  repeating columns as categories; `--read strings`: `dask.dataframe.read_csv`
  with dtype=str, as before) and persisted, then checked by
  `zhucun.dask.check` (2 buckets per worker): the read and check times, the
  peak RSS of each worker and of the client process.

Each row also has the 1-minute load average when the run ended (the machine
may be shared). `--data DIR` measures a folder generated already (one
`--scale`, for the table), `--single-threads` chooses the single-machine runs.

The Dask reports are compared with the single-machine one (findings, derived
tables, stats): a difference stops the benchmark. Prints a Markdown table.

    PYTHONPATH=build/release/python /usr/bin/python3 bench/dask_bench.py \\
        --gen build/release/bench/gen/zhucun-gen --scale 10 --workers 1 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2024-06-30"


def single(folder: Path, threads: int, out: Path) -> dict:
    """policy.check(folder) in a child process: wall time, peak RSS."""
    code = f"""
import json, time, zhucun
t = time.perf_counter()
policy = zhucun.load({str(REPO / 'rules' / 'qiannan')!r})
facts = policy.facts({str(folder)!r})
read = time.perf_counter() - t
r = policy.check(facts, as_of={AS_OF!r}, threads={threads})
wall = time.perf_counter() - t
r.findings.to_pickle({str(out / 'findings.pkl')!r})
r.derived["assessment_grades"].to_pickle({str(out / 'grades.pkl')!r})
r.stats.to_pickle({str(out / 'stats.pkl')!r})
print(json.dumps({{"wall": wall, "read": read, "findings": len(r.findings)}}))
"""
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    stdout = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit("the single-machine check failed")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["rss_mb"] = usage.ru_maxrss / 1024
    return result


class Watch:
    """Samples the resident memory of this process and every process it
    started (the cluster's nannies and workers) every 0.2 s: the peak of the
    sum, and the peak of each worker. Above `limit_mb` in all, kills them and
    stops the benchmark (the machine may be shared)."""

    def __init__(self, limit_mb: float) -> None:
        import threading
        self.limit_mb = limit_mb
        self.peak_total = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        import psutil
        me = psutil.Process()
        while not self.stop.wait(0.2):
            total = 0.0
            procs = [me] + me.children(recursive=True)
            for p in procs:
                try:
                    total += p.memory_info().rss / 2**20
                except psutil.Error:
                    pass
            self.peak_total = max(self.peak_total, total)
            if total > self.limit_mb:
                sys.stderr.write(f"the processes hold {total:.0f} MB, above --max-mb "
                                 f"{self.limit_mb:.0f}: stopped\n")
                for p in procs[1:]:
                    try:
                        p.kill()
                    except psutil.Error:
                        pass
                os._exit(3)


def dask_run(folder: Path, workers: int, out: Path, read: str, limit_mb: float) -> dict:
    """zhucun.dask.check on a fresh LocalCluster of `workers` processes."""
    import dask.dataframe as dd
    import pandas as pd
    from distributed import Client, LocalCluster, wait

    import zhucun
    import zhucun.dask as zd

    policy = zhucun.load(REPO / "rules" / "qiannan")
    watch = Watch(limit_mb)
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, memory_limit=0) as cluster, \
            Client(cluster) as client:
        client.run(lambda: None)
        t = time.perf_counter()
        if read == "strings":
            tables = {p.stem: dd.read_csv(p, dtype=str, keep_default_na=False,
                                          blocksize="64MB")
                      for p in sorted(folder.glob("*.csv"))}
        else:
            tables = zd.read_csv(policy, folder, blocksize="64MB")
        names = list(tables)
        tables = dict(zip(names, client.persist([tables[n] for n in names])))
        wait(list(tables.values()))
        read = time.perf_counter() - t
        report = zd.check(policy, tables, as_of=AS_OF, client=client)
        wall = time.perf_counter() - t

        def peak() -> float:
            import resource as r
            return r.getrusage(r.RUSAGE_SELF).ru_maxrss / 1024

        peaks = sorted(client.run(peak).values(), reverse=True)
    pd.testing.assert_frame_equal(report.findings, pd.read_pickle(out / "findings.pkl"))
    pd.testing.assert_frame_equal(report.derived["assessment_grades"],
                                  pd.read_pickle(out / "grades.pkl"))
    pd.testing.assert_frame_equal(report.stats, pd.read_pickle(out / "stats.pkl"))
    client_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    watch.stop.set()
    return {"total_mb": watch.peak_total, "wall": wall, "read": read, "workers_mb": peaks, "client_mb": client_mb, "how": report.how,
            "findings": len(report.findings), "timings": getattr(report, "timings", [])}


def _lines(path: Path) -> int:
    """The lines of a file (the last one need not end with a line break)."""
    n = 0
    last = b"\n"
    with open(path, "rb") as f:
        while True:
            block = f.read(1 << 24)
            if not block:
                return n + (last != b"\n")
            n += block.count(b"\n")
            last = block[-1:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gen", default=str(REPO / "build/release/bench/gen/zhucun-gen"))
    ap.add_argument("--scale", nargs="+", type=float, default=[10])
    ap.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--read", choices=["lean", "strings"], default="lean",
                    help="Dask reads the files with zhucun.dask.read_csv (lean: "
                         "categories of the cells' texts) or as strings (dtype=str)")
    ap.add_argument("--data", metavar="DIR",
                    help="a folder generated already (zhucun-gen --scale S --out DIR): "
                         "measure it, with the one --scale given, instead of generating "
                         "into a temporary folder")
    ap.add_argument("--single-threads", nargs="*", type=int, default=[1, 2],
                    help="the single-machine runs' threads (default 1 2)")
    ap.add_argument("--max-mb", type=float, default=19000,
                    help="stop a Dask run whose processes hold more than this in all "
                         "(default 19000)")
    ap.add_argument("--dask-run", nargs=4, metavar=("FOLDER", "WORKERS", "OUT", "READ"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.dask_run:  # a child: one Dask measurement in a fresh process
        folder, workers, out, read = args.dask_run
        print(json.dumps(dask_run(Path(folder), int(workers), Path(out), read, args.max_mb)))
        return
    if args.data and len(args.scale) != 1:
        raise SystemExit("--data measures one scale: give one --scale")
    rows = []
    for scale in args.scale:
        with tempfile.TemporaryDirectory(dir=args.data and Path(args.data).parent) as tmp:
            out = Path(tmp)
            if args.data:
                folder = Path(args.data)
            else:
                folder = Path(tmp) / "data"
                subprocess.run([args.gen, "--out", str(folder), "--scale", str(scale),
                                "--as-of", AS_OF], check=True, capture_output=True)
            n = sum(_lines(p) - 1 for p in folder.glob("*.csv"))
            for threads in args.single_threads:
                r = single(folder, threads, out)
                rows.append((scale, n, f"one machine, {threads} thread{'s' * (threads > 1)}",
                             r["read"], r["wall"], f"{r['rss_mb']:,.0f}", "", f"{r['rss_mb']:,.0f}",
                             r["findings"],
                             os.getloadavg()[0]))
                print(rows[-1], file=sys.stderr)
            for w in args.workers:
                p = subprocess.run([sys.executable, __file__, "--dask-run", str(folder), str(w),
                                    str(out), args.read, "--max-mb", str(args.max_mb)],
                                   capture_output=True, text=True)
                if p.returncode != 0:
                    sys.stderr.write(p.stderr)
                    raise SystemExit("the Dask check failed or differed")
                r = json.loads(p.stdout.strip().splitlines()[-1])
                rows.append((scale, n, f"Dask, {w} worker{'s' * (w > 1)}", r["read"], r["wall"],
                             " / ".join(f"{m:,.0f}" for m in r["workers_mb"]),
                             f"{r['client_mb']:,.0f}", f"{r['total_mb']:,.0f}", r["findings"],
                             os.getloadavg()[0]))
                print(rows[-1], r["how"], r["timings"], file=sys.stderr)
    print(f"{platform.node()}: {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
          f"{time.strftime('%Y-%m-%d')}, load average at the end "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print()
    print("| scale | rows | run | read s | check s | wall s | peak MB (per worker) | "
          "client MB | all MB | findings | load |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for scale, n, run, read, wall, mb, client, total, findings, load in rows:
        print(f"| {scale:g} | {n:,} | {run} | {read:.2f} | {wall - read:.2f} | {wall:.2f} | {mb} "
              f"| {client} | {total} | {findings:,} | {load:.1f} |", flush=True)


if __name__ == "__main__":
    main()
