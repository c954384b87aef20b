-- wrk script for benchmarks/run.py: counts responses that are not 2xx in every thread and
-- prints one machine-readable line with the figures when the run is done.
-- Extra request headers (Cookie, Authorization) come from wrk's -H option.
--
-- The other scripts in this folder load this one first (dofile) and add a request() of their
-- own. A script that sets expected_status also counts the 2xx answers with another status
-- (for a create: 200, a replay of an earlier submission, instead of 201) as "unexpected".
-- Every thread gets a distinct thread_index (1, 2, …) before its init() runs.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_index", #threads)
end

function init(args)
  not_2xx = 0
  unexpected = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    not_2xx = not_2xx + 1
  elseif expected_status and status ~= expected_status then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local rejected, surprising = 0, 0
  for _, thread in ipairs(threads) do
    rejected = rejected + thread:get("not_2xx")
    surprising = surprising + thread:get("unexpected")
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d "
      .. "not_2xx=%d unexpected=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    rejected, surprising, e.connect, e.read, e.write, e.timeout
  ))
end
