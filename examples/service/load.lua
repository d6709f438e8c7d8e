-- wrk script of examples/service/load.sh: POSTs one prepared body to /check
-- (BODY_FILE, with CONTENT_TYPE) on every request, counts the answers that
-- are not 200, and prints one line `RESULT requests/s p99_ms non200 total
-- socket_errors` for load.sh to collect.

local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = os.getenv("CONTENT_TYPE")

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
  answered = 0
end

function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 then
    non200 = non200 + 1
  end
end

function done(summary, latency, requests)
  local bad, total = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non200")
    total = total + t:get("answered")
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format("RESULT %.1f %.2f %d %d %d\n",
                         summary.requests / (summary.duration / 1e6),
                         latency:percentile(99) / 1000, bad, total, socket_errors))
end
