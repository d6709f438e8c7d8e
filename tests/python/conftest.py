"""Shared fixtures of the Python tests.

Run by ctest (`python_tests`, release preset), which sets the paths below; by
hand, after `cmake --preset release && cmake --build --preset release`:

    PYTHONPATH=build/release/python /usr/bin/python3 -m pytest tests/python

Debian's /usr/bin/python3 is the interpreter: pandas, numpy, pytest and
pybind11 are its packages.
"""

from __future__ import annotations

import csv
import os
import shlex
import subprocess
from pathlib import Path
from typing import Dict, List, Tuple

import pandas as pd
import pytest

REPO = Path(os.environ.get("ZHUCUN_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BUILD = Path(os.environ.get("ZHUCUN_BUILD_DIR", REPO / "build" / "release"))
SHARED = Path(os.environ.get("ZHUCUN_SHARED_DIR", REPO.parent / "shared"))
CLI = Path(os.environ.get("ZHUCUN_CLI", BUILD / "cli" / "zhucun"))
GEN = Path(os.environ.get("ZHUCUN_GEN", BUILD / "bench" / "gen" / "zhucun-gen"))
PACK = REPO / "rules" / "qiannan"
EDGE = REPO / "tests" / "engine" / "edge"


def edge_cases() -> List[str]:
    return sorted(p.parent.name for p in EDGE.glob("*/args"))


def edge_args(case: str) -> Dict[str, object]:
    """The check options of an edge case (its `args` file)."""
    words = shlex.split((EDGE / case / "args").read_text())
    out: Dict[str, object] = {"lenient": False, "start": None}
    i = 0
    while i < len(words):
        w = words[i]
        if w == "--lenient":
            out["lenient"] = True
            i += 1
        elif w in ("--as-of", "--from"):
            out["as_of" if w == "--as-of" else "start"] = words[i + 1]
            i += 2
        else:
            raise AssertionError(f"{case}: unexpected argument {w}")
    return out


def run_cli(data: Path, out: Path, as_of: str, start: str | None = None,
            lenient: bool = False, params: Tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    args = [str(CLI), "check", "--rules", str(PACK), "--data", str(data),
            "--as-of", as_of, "--out", str(out)]
    if start:
        args += ["--from", start]
    if lenient:
        args.append("--lenient")
    for p in params:
        args += ["--param", p]
    return subprocess.run(args, capture_output=True, text=True)


def read_csv_rows(path: Path) -> List[List[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def string_frames(folder: Path) -> Dict[str, pd.DataFrame]:
    """Every CSV file of a data folder as a frame of strings ("" for empty
    cells), as an analyst reads files exactly."""
    return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            for p in sorted(folder.glob("*.csv"))}


def pack_with(folder: Path, name: str, text: str) -> Path:
    """A copy of the Qiannan pack in `folder`/pack with the rule file `name`
    (holding `text`) included after attendance.yaml."""
    import shutil
    pack = folder / "pack"
    shutil.copytree(PACK, pack)
    (pack / name).write_text(text, encoding="utf-8")
    manifest = (pack / "pack.yaml").read_text(encoding="utf-8")
    (pack / "pack.yaml").write_text(
        manifest.replace("  - attendance.yaml\n", f"  - attendance.yaml\n  - {name}\n"),
        encoding="utf-8")
    return pack


@pytest.fixture(scope="session")
def zhucun():
    import zhucun as module
    return module


@pytest.fixture(scope="session")
def policy(zhucun):
    return zhucun.load(PACK)


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Path:
    """The bundled Qiannan-scale sample (zhucun-gen --scale 1), 481k rows."""
    out = tmp_path_factory.mktemp("sample") / "data"
    subprocess.run([str(GEN), "--out", str(out), "--scale", "1", "--as-of", "2024-06-30"],
                   check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def sample_cli(sample, tmp_path_factory) -> Path:
    """The CLI's output files for the sample as of 2024-06-30."""
    out = tmp_path_factory.mktemp("sample-cli")
    r = run_cli(sample, out, "2024-06-30")
    assert r.returncode in (0, 1), r.stderr
    return out
