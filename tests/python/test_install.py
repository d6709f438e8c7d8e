"""`pip install` of the repository into a fresh virtual environment, offline.

What a user does on Debian 12 (README.md, "Python"):

    /usr/bin/python3 -m venv --system-site-packages <venv>
    <venv>/bin/python -m pip install --no-build-isolation <repo>

then, from another directory, `import zhucun`. Checked: the version (the one
in CMakeLists.txt, as zhucun.__version__ and as the distribution's), that a
pack loads, that the typing files (py.typed, the .pyi stubs) are installed,
and the metadata (licence file, dependencies).

pip runs with --no-index, so nothing can be downloaded: the build backend
(setuptools, wheel) is the system's because of --no-build-isolation, and the
dependencies numpy and pandas must be found already satisfied in the system
site-packages. --no-deps is deliberately not used: resolving the declared
dependencies offline is part of what is tested.

Slow when nothing is cached (it compiles the library in Release: 2-3.5 min
on 2 busy cores), so marked `install`: deselect with `-m "not install"`.
Reruns are fast: setup.py builds in build/temp.*/cmake of the checkout (or in
$ZHUCUN_PIP_BUILD_DIR when set), which persists, so a rerun in the same
checkout only re-runs CMake (~7-12 s for this whole file); and ccache is used
as by scripts/lib.sh (CCACHE_NOHASHDIR=1, CCACHE_DIR passed through), with
CCACHE_BASEDIR=<repo> set by setup.py, so that a fresh clone at another path
(CI) gets cache hits too (~15 s for pip, ~25 s for this file) as long as its
build tree is inside the clone: the default. (A $ZHUCUN_PIP_BUILD_DIR outside
the clone helps only a clone that stays at the same path; setup.py
reconfigures it for another.)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.install

REPO = Path(os.environ.get("ZHUCUN_SOURCE_DIR") or Path(__file__).resolve().parents[2]).resolve()
PACKAGE_SRC = REPO / "bindings" / "python" / "zhucun"


def cmake_version() -> str:
    text = (REPO / "CMakeLists.txt").read_text(encoding="utf-8")
    match = re.search(r"^\s*project\(\s*zhucun\s+VERSION\s+([0-9.]+)", text, re.MULTILINE)
    assert match, "no project(zhucun VERSION ...) line in CMakeLists.txt"
    return match.group(1)


def clean_env(**extra: str) -> dict:
    """The environment without what would let the venv see anything but its
    own installation: ctest sets PYTHONPATH to the build tree's package."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env.update(PYTHONNOUSERSITE="1", PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.setdefault("CCACHE_NOHASHDIR", "1")  # as scripts/lib.sh (setup.py does too)
    env.update(extra)
    return env


def run(args, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert proc.returncode == 0, (
        f"{' '.join(map(str, args))} failed ({proc.returncode}):\n"
        f"--- stdout\n{proc.stdout[-8000:]}\n--- stderr\n{proc.stderr[-8000:]}")
    return proc


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh venv with zhucun pip-installed from the repository."""
    root = tmp_path_factory.mktemp("install") / "venv"
    run([sys.executable, "-m", "venv", "--system-site-packages", root], env=clean_env())
    python = root / "bin" / "python"
    start = time.monotonic()
    proc = run([python, "-m", "pip", "install", "--no-build-isolation", "--no-index",
                "--progress-bar", "off", REPO], env=clean_env(), cwd=root.parent)
    elapsed = time.monotonic() - start
    print(f"\npip install {REPO}: {elapsed:.1f} s")
    # Offline: numpy and pandas were found, not fetched.
    for dep in ("numpy", "pandas"):
        assert re.search(rf"Requirement already satisfied: {dep}\b", proc.stdout), proc.stdout
    return root


@pytest.fixture(scope="module")
def installed(venv, tmp_path_factory) -> dict:
    """What the installed package says about itself, asked from a directory
    outside the repository (so that nothing is imported from the tree)."""
    probe = r"""
import importlib.metadata as md, json, pathlib, sys
import zhucun
pkg = pathlib.Path(zhucun.__file__).parent
policy = zhucun.load(sys.argv[1])
dist = md.distribution("zhucun")
meta = dist.metadata
print(json.dumps({
    "version": zhucun.__version__,
    "dist_version": dist.version,
    "package_dir": str(pkg),
    "extension": zhucun._zhucun.__file__,
    "files": sorted(p.name for p in pkg.iterdir()),
    "policy_name": policy.name,
    "policy_rules": len(policy.info().rules),
    "license": meta["License"],
    "license_files": meta.get_all("License-File") or [],
    "license_text": (dist.read_text("LICENSE") or ""),
    "requires": dist.requires or [],
    "requires_python": meta["Requires-Python"],
    "classifiers": meta.get_all("Classifier") or [],
    "readme_type": meta["Description-Content-Type"],
}))
"""
    cwd = tmp_path_factory.mktemp("elsewhere")
    proc = run([venv / "bin" / "python", "-c", probe, REPO / "rules" / "qiannan"],
               env=clean_env(), cwd=cwd)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_imports_from_the_venv(venv, installed):
    assert Path(installed["package_dir"]).resolve().is_relative_to(venv.resolve())
    assert Path(installed["extension"]).name.startswith("_zhucun")


def test_version_is_the_cmake_project_version(installed):
    assert installed["version"] == cmake_version()
    assert installed["dist_version"] == cmake_version()


def test_loads_the_qiannan_pack(installed):
    assert installed["policy_name"] == "qiannan"
    assert installed["policy_rules"] > 0


def test_typing_files_are_installed(installed):
    files = set(installed["files"])
    assert "py.typed" in files
    stubs = {p.name for p in PACKAGE_SRC.glob("*.pyi")}
    assert stubs and stubs <= files, f"missing stubs: {sorted(stubs - files)}"
    modules = {p.name for p in PACKAGE_SRC.glob("*.py")}
    assert modules <= files, f"missing modules: {sorted(modules - files)}"


def test_metadata(installed):
    assert installed["license"] == "Apache-2.0"
    assert "LICENSE" in installed["license_files"]
    assert installed["license_text"] == (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "License :: OSI Approved :: Apache Software License" in installed["classifiers"]
    assert sorted(re.split(r"[\s;<>=!~]", r)[0] for r in installed["requires"]) == ["numpy", "pandas"]
    assert installed["requires_python"]
    assert installed["readme_type"] == "text/markdown"
