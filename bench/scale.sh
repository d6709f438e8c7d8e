#!/usr/bin/env bash
# The scale benchmark (issue 10): for each scale, the sample data generated
# (zhucun-gen), loaded from CSV with one thread and with every core
# (zhucun load), and checked in full (zhucun check --out), each timed with
# its peak memory (/usr/bin/time); prints a Markdown table for the README,
# headed by the machine it ran on.
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
#   --check-scales  the scales to check in full (default: every scale; the
#                   check of scale 150 takes many minutes)
#   --keep          keep the data afterwards
#
# "1 thread" runs the loader pinned to one core (taskset -c 0): the reader
# uses as many threads as the cores it may run on (CsvOptions::threads = 0),
# so this is the sequential reader. The files are read from the page cache
# (they were just written). Times are wall-clock seconds, memory the peak
# resident set in MB. Other processes on the machine show in the times:
# the load average at the start of each scale is in the last column.

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
echo "Machine: $cpu, $cores cores, $mem RAM; $(uname -sr); $(date -u +%Y-%m-%d)."
echo "Commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (with local changes)'); build: $build."
echo
echo "| scale | rows | CSV MB | generate s (MB) | load 1 thread s (MB) | load $cores threads s (MB) | check s (MB) | load avg |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"

for scale in "${scales[@]}"; do
  data="$work/data-$scale"
  out="$work/out-$scale"
  rm -rf "$data" "$out"
  load_avg=$(cut -d' ' -f1 /proc/loadavg)
  timed "$gen" --out "$data" --scale "$scale"
  gen_s=$T_S; gen_m=$T_M
  rows=$(awk '$1 == "total" { print $2 }' "$work/last.out")
  mb=$(du -sm "$data" | cut -f1)
  best taskset -c 0 "$zhucun" load --rules "$root/rules/qiannan" --data "$data"
  one_s=$T_S; one_m=$T_M
  best "$zhucun" load --rules "$root/rules/qiannan" --data "$data"
  all_s=$T_S; all_m=$T_M
  check="—"
  if [[ " $check_scales " == *" $scale "* ]]; then
    timed "$zhucun" check --rules "$root/rules/qiannan" --data "$data" --as-of 2024-06-30 --out "$out"
    check="$T_S ($T_M)"
  fi
  printf "| %s | %s | %s | %s (%s) | %s (%s) | %s (%s) | %s | %s |\n" \
    "$scale" "$(printf "%'d" "$rows" 2>/dev/null || echo "$rows")" "$mb" "$gen_s" "$gen_m" \
    "$one_s" "$one_m" "$all_s" "$all_m" "$check" "$load_avg"
  [[ $keep -eq 1 ]] || rm -rf "$data" "$out"
done
