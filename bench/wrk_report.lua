-- Loaded by bench/throughput.py with `wrk -s`: one line of JSON at the end of
-- a run, so that no human-readable wrk output has to be parsed.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d}, "latency_us": {"mean": %.1f, "max": %d, ' ..
    '"p50": %d, "p75": %d, "p90": %d, "p99": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max, latency:percentile(50),
    latency:percentile(75), latency:percentile(90), latency:percentile(99)))
end
