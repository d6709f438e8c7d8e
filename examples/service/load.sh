#!/usr/bin/env bash
# Load test of examples/service (README.md here): starts the release build
# of zhucun_service on loopback on a copy of rules/qiannan and runs wrk
# (`wrk -t2 -c8 -d10s --latency`, load.lua) POSTing to /check:
#   one-team  examples/service/one_team.json (JSON rows: 1 team, 3 members)
#   example   the shared example dataset, ../shared/spec/example/data
#             (17 CSV files, 22k rows, 1.2 MB, multipart)
#   sample    the bundled sample, `zhucun-gen --scale 1 --as-of 2024-06-30`
#             (18 CSV files, 481k rows, 18 MB, multipart; 2 connections)
#   reloads   one-team again (RELOAD_DURATION, default 30s) while 100
#             POST /reload run one after another from the second second on
#             (each must answer 200 with a new version, all before the run ends)
# and prints requests/s, p99 latency and failed requests (non-200 answers
# and socket errors, as wrk counts them) for each. Not part of the tests.
#
# usage: examples/service/load.sh [BUILD_DIR]     (default build/release)
# environment: DURATION (default 10s), CONNECTIONS (8; SAMPLE_CONNECTIONS,
#   default 2, for the 18 MB sample, each of whose checks takes the two cores
#   for about half a second), WRK_THREADS (2),
#   SERVICE_THREADS (the check pool, default 2), ZHUCUN_SHARED_DIR.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build/release}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-8}
sample_connections=${SAMPLE_CONNECTIONS:-2}
reload_duration=${RELOAD_DURATION:-30s}
wrk_threads=${WRK_THREADS:-2}
service_threads=${SERVICE_THREADS:-2}
shared=${ZHUCUN_SHARED_DIR:-$root/../shared}

command -v wrk >/dev/null || { echo "load.sh: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
echo "building zhucun_service and zhucun-gen in $build ..."
cmake --build "$build" --target zhucun_service zhucun-gen >/dev/null

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"; wait "$server_pid" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The bodies.
cp -r "$root/rules/qiannan" "$work/pack"
"$build/bench/gen/zhucun-gen" --out "$work/sample" --scale 1 --as-of 2024-06-30 >/dev/null
multipart() {  # DIR OUT: one part per DIR/*.csv, and as_of
  /usr/bin/python3 - "$1" "$2" <<'EOF'
import os, sys
folder, out = sys.argv[1], sys.argv[2]
boundary = "zhucun-load-boundary-7d1f"
with open(out, "wb") as f:
    f.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"as_of\"\r\n\r\n2024-06-30\r\n".encode())
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".csv"):
            continue
        f.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name[:-4]}\"; "
                f"filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n".encode())
        with open(os.path.join(folder, name), "rb") as c:
            f.write(c.read())
        f.write(b"\r\n")
    f.write(f"--{boundary}--\r\n".encode())
EOF
}
multipart "$shared/spec/example/data" "$work/example.body"
multipart "$work/sample" "$work/sample.body"
form="multipart/form-data; boundary=zhucun-load-boundary-7d1f"

# The server.
"$build/examples/service/zhucun_service" --port 0 --rules "$work/pack" \
  --threads "$service_threads" --watch-ms 1000 >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 600); do
  grep -q '^listening on ' "$work/server.out" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/^listening on //p' "$work/server.out")
[ -n "$url" ] || { echo "load.sh: the server did not start" >&2; cat "$work/server.err" >&2; exit 1; }

echo "zhucun_service at $url: $(nproc) cores, check pool of $service_threads threads;" \
     "wrk -t$wrk_threads -c$connections (sample: -c$sample_connections) -d$duration --latency --timeout 60s;" \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sizes: one-team $(stat -c %s "$here/one_team.json") B, example $(stat -c %s "$work/example.body") B, sample $(stat -c %s "$work/sample.body") B"
results=()
run() {  # NAME BODY CONTENT_TYPE [CONNECTIONS]
  local out
  out=$(BODY_FILE=$2 CONTENT_TYPE=$3 wrk -t"$wrk_threads" -c"${4:-$connections}" -d"$duration" \
          --latency --timeout 60s -s "$here/load.lua" "$url/check")
  echo "$out" | sed -n '/Latency Distribution/,/^ *99%/p;/Requests\/sec/p;/Non-2xx/p;/Socket errors/p' \
    | sed "s/^/  [$1] /"
  local r
  r=$(echo "$out" | sed -n 's/^RESULT //p')
  [ -n "$r" ] || { echo "load.sh: no result from wrk for $1" >&2; echo "$out" >&2; exit 1; }
  results+=("$1 $r")
}

run one-team "$here/one_team.json" application/json
run example "$work/example.body" "$form"
run sample "$work/sample.body" "$form" "$sample_connections"

# 100 reloads during a one-team run.
before=$(curl -s "$url/healthz" | sed -n 's/.*"version":\([0-9]*\).*/\1/p')
reload_failures=0
(
  sleep 1
  # One curl, one connection, 100 POSTs; one status code per line.
  args=()
  for _ in $(seq 100); do args+=(-o /dev/null "$url/reload"); done
  curl -s -X POST -w '%{http_code}\n' "${args[@]}" >"$work/reload.codes"
  grep -vx 200 "$work/reload.codes" >"$work/reload.failed" || rm -f "$work/reload.failed"
  [ "$(wc -l <"$work/reload.codes")" = 100 ] || echo short >>"$work/reload.failed"
  touch "$work/reload.done"
) &
reloader=$!
duration=$reload_duration run reloads "$here/one_team.json" application/json
reloads_in_run=no
[ -f "$work/reload.done" ] && reloads_in_run=yes  # else still reloading after the run
wait "$reloader"
[ -f "$work/reload.failed" ] && reload_failures=$(wc -l <"$work/reload.failed")
after=$(curl -s "$url/healthz" | sed -n 's/.*"version":\([0-9]*\).*/\1/p')

kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=

echo
printf '%-9s %12s %10s %14s %14s\n' run requests/s p99_ms non-200 socket_errors
failed=0
for line in "${results[@]}"; do
  set -- $line
  printf '%-9s %12s %10s %14s %14s\n' "$1" "$2" "$3" "$4/$5" "$6"
  failed=$((failed + $4 + $6))
done
echo "reloads: version $before -> $after ($((after - before)) new versions), $reload_failures of 100 POST /reload not 200, all within the run: $reloads_in_run"
echo "server exit status after SIGTERM: $status"
if [ "$failed" -ne 0 ] || [ "$reload_failures" -ne 0 ] || [ $((after - before)) -lt 100 ] || [ "$status" -ne 0 ] ||
   [ "$reloads_in_run" != yes ]; then
  echo "load.sh: FAILED" >&2
  exit 1
fi
echo "load.sh: no failed request"
