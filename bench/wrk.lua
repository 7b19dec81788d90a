-- Requests for wrk: GET paths or POST bodies, one per line of BENCH_INPUT, drawn at random;
-- prints one JSON line that bench/load.py reads.
local lines = {}
for line in io.lines(os.getenv("BENCH_INPUT")) do lines[#lines + 1] = line end
local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
-- each wrk thread has its own Lua state: give each its own seed, or they would all send the
-- same sequence of requests
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end
init = function(args)
  math.randomseed(os.time() * 1000 + (thread_id or 0))
end

request = function()
  local line = lines[math.random(#lines)]
  if method == "POST" then
    return wrk.format("POST", path, {["Content-Type"] = "application/json"}, line)
  end
  return wrk.format("GET", line)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"socket_errors":%d,"non_2xx":%d,' ..
    '"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
