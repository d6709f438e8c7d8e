#!/usr/bin/env bash
# The main job, on a fresh Debian machine: installs what is missing
# (scripts/setup.sh), configures and builds the release preset, and runs the
# `zhucun` command. Until the policy pack exists, the job evaluates the
# bundled expressions in examples/expressions.cel and prints each result.
#
#   scripts/run.sh                 # zhucun eval examples/expressions.cel
#   scripts/run.sh eval -e '1 + 2' # any other zhucun command line
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

configure_and_build release zhucun_cli
step "run"
if (($# == 0)); then
  set -- eval "$ZHUCUN_ROOT/examples/expressions.cel"
fi
echo "zhucun $*"
exec "$BUILD_ROOT/release/cli/zhucun" "$@"
