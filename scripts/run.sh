#!/usr/bin/env bash
# The main job, on a fresh Debian machine: installs what is missing
# (scripts/setup.sh), builds the release preset, generates the bundled
# Qiannan-scale sample dataset (bench/gen: 12 counties, 1,319 villages,
# ~5,000 core postings, three years of events, a few percent of violations of
# every rule; deterministic), and checks it with the Qiannan pack, printing
# the summary.
#
#   scripts/run.sh                       # zhucun check on the sample
#   scripts/run.sh eval -e '1 + 2'       # any other zhucun command line
#
# Exit status: 0 when the check ran (whether or not it found errors: finding
# them is the job), zhucun's own status for any other command line, 2 on
# bad rules or input.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

configure_and_build release zhucun_cli zhucun-gen
zhucun=$BUILD_ROOT/release/cli/zhucun
if (($# > 0)); then
  step "run"
  echo "zhucun $*"
  exec "$zhucun" "$@"
fi

sample=$BUILD_ROOT/sample-qiannan-2024-06-30
step "generate the sample dataset ($sample)"
"$BUILD_ROOT/release/bench/gen/zhucun-gen" --out "$sample" --scale 1 --as-of 2024-06-30
step "check"
echo "zhucun check --rules rules/qiannan --data $sample --as-of 2024-06-30"
set +e
"$zhucun" check --rules "$ZHUCUN_ROOT/rules/qiannan" --data "$sample" --as-of 2024-06-30
status=$?
set -e
# 1 means "findings of severity error": the expected outcome on this sample.
if ((status > 1)); then exit "$status"; fi
