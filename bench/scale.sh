#!/usr/bin/env bash
# The scale benchmark (issue 10): for each scale, the sample data generated
# (zhucun-gen), loaded from CSV (zhucun load) and checked in full (zhucun
# check --out --profile), each on one core and on every core, timed with
# its peak memory (/usr/bin/time); the policy pack's load (zhucun validate)
# once. Prints Markdown for the README, headed by the machine it ran on:
# a table of the scales, then each scale's slowest rules.
#
#   bench/scale.sh [--build DIR] [--work DIR] [--repeat N] [--check-scales "S..."]
#                  [--keep] [SCALE...]
#
#   SCALE...        the scales (default: 1 10 150; scale 1 is Qiannan, 481k
#                   rows, 18 MB; 150 is about China, 72M rows, 2.7 GB)
#   --build DIR     where zhucun and zhucun-gen are built (default:
#                   build/release; cli/zhucun and bench/gen/zhucun-gen)
#   --work DIR      where the data and the check's output go (default: a new
#                   folder under ${TMPDIR:-/tmp}); needs ~3 GB per scale 150
#   --repeat N      run each load N times and keep the fastest (default 1)
#   --check-scales  the scales to check in full (default: every scale)
#   --keep          keep the data afterwards
#
# "1 core" runs the command pinned to one core (taskset -c 0): the CSV
# reader uses as many threads as the cores it may run on (CsvOptions::
# threads = 0), so this is the sequential reader; the check also gets
# --threads 1. The files are read from the page cache (they were just
# written). Times are wall-clock seconds, memory the peak resident set in
# MB, rows/s the rows of all files over the load's wall time; "evaluation"
# is the check's own `evaluation: <ms> ms` (its rules, after loading).
# Other processes on the machine show in the times: the load average at
# the start of each scale is in the last column.

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/release"
work=""
repeat=1
check_scales=""
keep=0
scales=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --check-scales) check_scales=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "scale.sh: unknown option $1" >&2; exit 2 ;;
    *) scales+=("$1"); shift ;;
  esac
done
[[ ${#scales[@]} -gt 0 ]] || scales=(1 10 150)
[[ -n "$check_scales" ]] || check_scales="${scales[*]}"

zhucun="$build/cli/zhucun"
gen="$build/bench/gen/zhucun-gen"
for exe in "$zhucun" "$gen"; do
  [[ -x "$exe" ]] || { echo "scale.sh: no $exe (build it first, e.g. cmake --build --preset release)" >&2; exit 2; }
done
[[ -x /usr/bin/time ]] || { echo "scale.sh: needs /usr/bin/time (GNU time)" >&2; exit 2; }
command -v taskset >/dev/null || { echo "scale.sh: needs taskset (util-linux)" >&2; exit 2; }

if [[ -z "$work" ]]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/zhucun-scale-XXXXXX")
else
  mkdir -p "$work"
fi
cleanup() { [[ $keep -eq 1 ]] || rm -rf "$work"; }
trap cleanup EXIT

# Runs a command under /usr/bin/time; sets T_S (wall seconds) and T_M (peak
# RSS in MB), leaves its output in $work/last.out and .err. A failing
# command (other than exit status 1, "findings", of zhucun check) stops the
# benchmark.
timed() {
  local status=0
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/last.out" 2>"$work/last.err" || status=$?
  if [[ $status -ne 0 && $status -ne 1 ]]; then
    echo "scale.sh: failed ($status): $*" >&2
    tail -5 "$work/last.err" >&2
    exit 1
  fi
  # (GNU time writes "Command exited with non-zero status N" first.)
  read -r T_S T_M < <(tail -1 "$work/time" | awk '{ printf "%.2f %.0f\n", $1, $2 / 1024 }')
}

# The fastest of $repeat runs (T_S, T_M).
best() {
  local best_s="" best_m=""
  for ((i = 0; i < repeat; i++)); do
    timed "$@"
    if [[ -z "$best_s" ]] || awk -v a="$T_S" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
      best_s=$T_S; best_m=$T_M
    fi
  done
  T_S=$best_s; T_M=$best_m
}

cores=$(nproc)
cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo unknown)
rules="$root/rules/qiannan"
echo "Machine: $cpu, $cores cores, $mem RAM; $(uname -sr); $(date -u +%Y-%m-%d)."
echo "Commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (with local changes)'); build: $build."
best "$zhucun" validate "$rules"
echo "Policy pack load (zhucun validate rules/qiannan): $T_S s, $T_M MB."
echo
echo "| scale | rows | CSV MB | generate s (MB) | load, 1 core: s, rows/s (MB) | load, $cores cores: s, rows/s (MB) | check, 1 core: s (MB) | check, $cores cores: s (MB) | evaluation, 1 / $cores cores: s | load avg |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"

# "12.3, 1,234,567/s (890)": a load's time, rows/s and memory.
load_cell() {
  local per_s
  per_s=$(awk -v r="$rows" -v s="$T_S" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')
  printf "%s, %s/s (%s)" "$T_S" "$(printf "%'d" "$per_s")" "$T_M"
}

# The evaluation seconds of the last check (its --profile line).
evaluation() {
  awk '/^evaluation: / { printf "%.2f", $2 / 1000 }' "$work/last.out"
}

slowest=()
for scale in "${scales[@]}"; do
  data="$work/data-$scale"
  out="$work/out-$scale"
  rm -rf "$data" "$out"
  load_avg=$(cut -d' ' -f1 /proc/loadavg)
  timed "$gen" --out "$data" --scale "$scale"
  gen_cell="$T_S ($T_M)"
  rows=$(awk '$1 == "total" { print $2 }' "$work/last.out")
  mb=$(du -sm "$data" | cut -f1)
  best taskset -c 0 "$zhucun" load --rules "$rules" --data "$data"
  one=$(load_cell)
  best "$zhucun" load --rules "$rules" --data "$data"
  all=$(load_cell)
  check_one="—" check_all="—" eval_cell="—"
  if [[ " $check_scales " == *" $scale "* ]]; then
    timed taskset -c 0 "$zhucun" check --rules "$rules" --data "$data" --as-of 2024-06-30 \
      --out "$out" --profile --threads 1
    check_one="$T_S ($T_M)"
    eval_one=$(evaluation)
    rm -rf "$out"
    timed "$zhucun" check --rules "$rules" --data "$data" --as-of 2024-06-30 --out "$out" --profile
    check_all="$T_S ($T_M)"
    eval_cell="$eval_one / $(evaluation)"
    # The three slowest rules (ms: CPU time, summed over the threads).
    slowest+=("Scale $scale, slowest rules on $cores cores (ms): $(awk '
      /^  rule / { on = 1; next }
      on && NF >= 2 && n < 3 { printf "%s%s %s", (n ? ", " : ""), $1, $2; n++ }' "$work/last.out").")
  fi
  printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n" \
    "$scale" "$(printf "%'d" "$rows")" "$mb" "$gen_cell" "$one" "$all" \
    "$check_one" "$check_all" "$eval_cell" "$load_avg"
  [[ $keep -eq 1 ]] || rm -rf "$data" "$out"
done
if [[ ${#slowest[@]} -gt 0 ]]; then
  echo
  printf '%s\n' "${slowest[@]}"
fi
