-- wrk script of the service benchmark (python -m omsclient.tests.bench
-- service). Usage: wrk ... -s tools/bench/wrk.lua URL [-- METHOD]
-- Sends METHOD (GET by default; POST sends no body, as the original
-- OpenMultiStack clients do) and prints one JSON line of results.

local method = "GET"

function init(args)
   if args[1] then
      method = args[1]
   end
end

function request()
   return wrk.format(method)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, ' ..
      '"status": %d, "timeout": %d}, ' ..
      '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, ' ..
      '"mean": %.1f}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, latency.mean))
end
