"""Builds the Python package `zhucun` with the project's own CMake.

The metadata is in pyproject.toml; this file adds the version (read from the
one place it is written, the `project(zhucun VERSION ...)` line of
CMakeLists.txt) and a build_ext that configures the repository with CMake,
builds the target `zhucun_python` (bindings/python/CMakeLists.txt: the
extension `_zhucun`) and copies the extension into the package.

    /usr/bin/python3 -m venv --system-site-packages .venv
    .venv/bin/python -m pip install --no-build-isolation .

Environment:
  ZHUCUN_PIP_BUILD_DIR  a persistent CMake build tree to (re)use, so that
                        repeated installs rebuild only what changed (default:
                        setuptools' build_temp, i.e. build/temp.*/cmake in
                        the source tree when pip builds in place)
  ZHUCUN_JOBS           parallel compile jobs (default: setuptools' -j, or
                        the number of CPUs)
  ZHUCUN_CMAKE_ARGS     extra arguments for the CMake configure step
  CCACHE_*              ccache is used when installed; CCACHE_NOHASHDIR=1 and
                        CCACHE_BASEDIR=<source root> are set unless given, so
                        the cache is shared with scripts/*.sh builds and
                        across checkouts in different directories.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def project_version() -> str:
    """The version of `project(zhucun VERSION x.y.z ...)` in CMakeLists.txt."""
    text = (ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    match = re.search(r"^\s*project\(\s*zhucun\s+VERSION\s+([0-9]+(?:\.[0-9]+){0,3})\b",
                      text, re.MULTILINE | re.IGNORECASE)
    if not match:
        raise RuntimeError("no `project(zhucun VERSION x.y.z ...)` line in "
                           f"{ROOT / 'CMakeLists.txt'}")
    return match.group(1)


class CMakeExtension(Extension):
    """An extension that a CMake target builds; no sources for setuptools."""

    def __init__(self, name: str, target: str) -> None:
        super().__init__(name, sources=[])
        self.target = target


def _cached_source_dir(build_dir: Path):
    cache = build_dir / "CMakeCache.txt"
    if not cache.is_file():
        return None
    for line in cache.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("CMAKE_HOME_DIRECTORY:"):
            return line.split("=", 1)[1]
    return None


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        if not isinstance(ext, CMakeExtension):
            super().build_extension(ext)
            return
        cmake = shutil.which("cmake")
        if cmake is None:
            raise RuntimeError("zhucun: building the extension needs CMake (Debian: cmake)")

        env_dir = os.environ.get("ZHUCUN_PIP_BUILD_DIR")
        build_dir = (Path(env_dir).expanduser() if env_dir
                     else Path(self.build_temp) / "cmake").resolve()
        build_dir.mkdir(parents=True, exist_ok=True)

        # A tree configured from another checkout cannot be reused: drop its
        # cache (not the tree itself) and configure again; ccache keeps the
        # compiles cheap.
        cached_source = _cached_source_dir(build_dir)
        if cached_source is not None and Path(cached_source).resolve() != ROOT:
            print(f"zhucun: {build_dir} was configured from {cached_source}; "
                  "reconfiguring for this checkout", flush=True)
            (build_dir / "CMakeCache.txt").unlink()
            shutil.rmtree(build_dir / "CMakeFiles", ignore_errors=True)
            cached_source = None

        env = os.environ.copy()
        ccache = shutil.which("ccache")
        if ccache:
            # As scripts/lib.sh: the build directory must not be part of the
            # key, and the cache lives in $HOME unless $HOME is unusable.
            env.setdefault("CCACHE_NOHASHDIR", "1")
            env.setdefault("CCACHE_BASEDIR", str(ROOT))
            if "CCACHE_DIR" not in env and not _home_cache_writable():
                env["CCACHE_DIR"] = str(build_dir / "ccache")

        configure = [
            cmake, "-S", str(ROOT), "-B", str(build_dir),
            "-DZHUCUN_BUILD_PYTHON=ON",
            "-DZHUCUN_BUILD_TESTS=OFF",
            "-DZHUCUN_BUILD_CLI=OFF",
            "-DZHUCUN_BUILD_BENCH=OFF",
            "-DZHUCUN_INSTALL=OFF",
            f"-DPython_EXECUTABLE={sys.executable}",
            "-DCMAKE_BUILD_TYPE=Release",
        ]
        # The generator of an existing tree cannot change.
        if cached_source is None and shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        if ccache:
            configure.append(f"-DCMAKE_CXX_COMPILER_LAUNCHER={ccache}")
        pybind11_dir = _pybind11_cmake_dir()
        if pybind11_dir:
            configure.append(f"-Dpybind11_DIR={pybind11_dir}")
        configure += shlex.split(os.environ.get("ZHUCUN_CMAKE_ARGS", ""))

        jobs = os.environ.get("ZHUCUN_JOBS")
        if not jobs:
            # setuptools' -j/--parallel: an int, True (meaning the CPU count) or None.
            parallel = self.parallel
            jobs = (parallel if isinstance(parallel, int) and not isinstance(parallel, bool)
                    and parallel > 0 else os.cpu_count() or 2)
        build = [cmake, "--build", str(build_dir), "--target", ext.target,
                 "--parallel", str(jobs)]

        self._run(configure, env)
        self._run(build, env)

        # The extension (OUTPUT_NAME _zhucun) lands in <build>/python/zhucun;
        # install it under the name this interpreter imports.
        built = sorted((build_dir / "python" / "zhucun").glob("_zhucun*.so"),
                       key=lambda p: p.stat().st_mtime)
        if not built:
            raise RuntimeError(f"zhucun: no _zhucun*.so in {build_dir / 'python' / 'zhucun'}")
        dest = Path(self.get_ext_fullpath(ext.name))
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[-1], dest)

    @staticmethod
    def _run(cmd, env) -> None:
        print("zhucun: " + " ".join(shlex.quote(c) for c in cmd), flush=True)
        subprocess.run(cmd, env=env, check=True)


class CleanBuildPy(build_py):
    """build_py into an emptied build/lib*/zhucun: pip builds in the source
    tree, and setuptools never removes a file from build/lib, so a module
    deleted from bindings/python/zhucun would otherwise still be packaged."""

    def run(self) -> None:
        for package in self.packages or ():
            shutil.rmtree(Path(self.build_lib, *package.split(".")), ignore_errors=True)
        super().run()


def _home_cache_writable() -> bool:
    home = os.environ.get("HOME")
    if not home:
        return False
    cache = Path(home) / ".cache"
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(cache, os.W_OK)


def _pybind11_cmake_dir():
    """pybind11's CMake package from its Python module, when importable (an
    isolated build, or a system with pip's pybind11); otherwise CMake finds
    the system's (Debian: pybind11-dev)."""
    try:
        import pybind11  # noqa: PLC0415
    except ImportError:
        return None
    get_cmake_dir = getattr(pybind11, "get_cmake_dir", None)
    return get_cmake_dir() if get_cmake_dir else None


setup(
    version=project_version(),
    ext_modules=[CMakeExtension("zhucun._zhucun", target="zhucun_python")],
    cmdclass={"build_py": CleanBuildPy, "build_ext": CMakeBuild},
    zip_safe=False,
)
