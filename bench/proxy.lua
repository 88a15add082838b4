-- wrk script for bench/run.ts (a copy of ../shared/bench/proxy.lua, so both send the same bytes):
-- one fixed request, sent to a proxy (absolute URI)
--
-- Settings come from the environment, not from wrk's `-- args`, because done() runs in
-- wrk's main Lua state, which never sees init(args):
--   BENCH_REQUEST_TARGET  "http://127.0.0.1:PORT/1k" through a proxy, "/1k" direct
--   BENCH_HOST            Host header value, the origin's "127.0.0.1:PORT"
--   BENCH_PROXY_AUTH      full Proxy-Authorization value ("Basic ..."), or empty
--
-- No request() or response() function is defined on purpose: then wrk builds the
-- request once and skips per-response Lua calls, so the load generator stays cheap.

wrk.method = "GET"
wrk.path = os.getenv("BENCH_REQUEST_TARGET") or "/"
wrk.headers["Host"] = os.getenv("BENCH_HOST")
local auth = os.getenv("BENCH_PROXY_AUTH")
if auth and auth ~= "" then
  wrk.headers["Proxy-Authorization"] = auth
end

-- Latencies are in microseconds. wrk 4.1 has already applied its coordinated-omission
-- correction (stats_correct) to `latency` when done() runs; `max` is the raw maximum.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_timeout":%d,"err_status":%d,' ..
    '"lat_mean_us":%.1f,"lat_p50_us":%d,"lat_p90_us":%d,"lat_p99_us":%d,"lat_p999_us":%d,"lat_max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.timeout, e.status,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end
