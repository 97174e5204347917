-- wrk script: POSTs one signed GitHub webhook delivery, the same body every time, with a
-- unique X-GitHub-Delivery GUID per request (the signature covers only the body, so it is
-- computed once, outside). Prints a JSON summary line at the end for scripts/bench.
--
--   BENCH_BODY=payload.json BENCH_SIGNATURE=sha256=… BENCH_EVENT=issues \
--     wrk -t1 -c8 -d10s -s Benchmarks/wrk/webhook.lua http://127.0.0.1:PORT/webhooks/github

local body_path = assert(os.getenv("BENCH_BODY"), "BENCH_BODY is not set")
local signature = assert(os.getenv("BENCH_SIGNATURE"), "BENCH_SIGNATURE is not set")
local event = os.getenv("BENCH_EVENT") or "issues"

local file = assert(io.open(body_path, "rb"))
local body = file:read("*a")
file:close()

local counter = 0
local prefix = nil
local threads = {}

function setup(thread)
  thread:set("thread_number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + (thread_number or 0) * 7919)
  -- A random version-4-shaped UUID prefix per thread; the counter makes each GUID unique.
  prefix = string.format("%08x-%04x-4%03x-%04x-", math.random(0, 0x7fffffff), math.random(0, 0xffff),
    math.random(0, 0xfff), 0x8000 + math.random(0, 0x3fff))
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["User-Agent"] = "GitHub-Hookshot/bench"
  wrk.headers["X-GitHub-Event"] = event
  wrk.headers["X-GitHub-Hook-ID"] = "1"
  wrk.headers["X-Hub-Signature-256"] = signature
end

function request()
  counter = counter + 1
  wrk.headers["X-GitHub-Delivery"] = prefix .. string.format("%012x", counter)
  return wrk.format()
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_s":%.6f,"rps":%.3f,"bytes":%d,"errors_connect":%d,"errors_read":%d,' ..
    '"errors_write":%d,"errors_status":%d,"errors_timeout":%d,"latency_p50_ms":%.3f,"latency_p90_ms":%.3f,' ..
    '"latency_p99_ms":%.3f,"latency_p999_ms":%.3f,"latency_max_ms":%.3f,"latency_mean_ms":%.3f}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, latency.mean / 1000))
end
