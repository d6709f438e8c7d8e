#!/usr/bin/env bash
# Installs the Debian packages zhucun needs to build and test, and nothing
# else. Idempotent: a package that is already installed is not touched, and
# when everything is present neither `apt-get update` nor `apt-get install`
# runs. Works as root, or through sudo for other users.
#
# Usage: scripts/setup.sh            (called by scripts/run.sh and scripts/test.sh)
# Set ZHUCUN_SKIP_SETUP=1 to skip it (e.g. on a machine managed otherwise).
set -euo pipefail

if [[ "${ZHUCUN_SKIP_SETUP:-0}" == 1 ]]; then
  echo "setup: skipped (ZHUCUN_SKIP_SETUP=1)"
  exit 0
fi

# What each package is for (see README.md, "Dependencies").
packages=(
  build-essential g++ cmake ninja-build ccache pkg-config git  # toolchain; ccache + ninja for speed
  libboost-dev        # Boost.Date_Time: the tests' oracle for the calendar code
                      # (header-only gregorian; the library itself does not use Boost)
  libre2-dev          # RE2: CEL `matches`
  libyaml-cpp-dev     # yaml-cpp: rule files
  libcli11-dev        # CLI11: the `zhucun` command line
  libgtest-dev libgmock-dev  # GoogleTest: C++ tests
  libbenchmark-dev    # Google Benchmark: bench/
  nlohmann-json3-dev  # reading the CEL conformance cases in tests/
  pybind11-dev python3-dev python3-pytest  # Python bindings (for /usr/bin/python3)
  python3-venv python3-pip python3-setuptools python3-wheel  # pip install . (offline,
                      # --no-build-isolation: setuptools and wheel are the build backend)
  python3-numpy python3-pandas  # the package's dependencies (found, not downloaded)
  python3-matplotlib python3-nbclient python3-nbformat python3-ipykernel  # the notebook test
  python3-jsonschema python3-yaml  # the pack files against schemas/ (tests/schema)
  python3-dask python3-distributed  # zhucun.dask: the check on a Dask cluster (tests/python/test_dask.py)
  clang-14 libclang-rt-14-dev  # libFuzzer (-fsanitize=fuzzer): fuzz/, scripts/fuzz.sh
  libcpp-httplib-dev  # cpp-httplib: the HTTP service example (examples/service)
  wrk                 # HTTP load generator: examples/service/load.sh (not in the tests)
  chromium fonts-noto-cjk  # headless browser and CJK fonts: the HTML report's browser
                      # test (tests/report/browser_test.py); the page itself needs neither
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "setup: dpkg-query not found; this script supports Debian/Ubuntu only." >&2
  echo "setup: install the equivalents of: ${packages[*]}" >&2
  echo "setup: then rerun with ZHUCUN_SKIP_SETUP=1" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  as_root=(env)
elif command -v sudo >/dev/null 2>&1; then
  # -n when there is no terminal to ask for a password on: fail, never hang.
  if [[ -t 0 ]]; then as_root=(sudo env); else as_root=(sudo -n env); fi
else
  echo "setup: not root and sudo not found; as root, run:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

"${as_root[@]}" DEBIAN_FRONTEND=noninteractive apt-get update
"${as_root[@]}" DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
