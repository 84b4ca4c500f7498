-- wrk script: POST /v1/chat/completions with a realistic chat request, closed loop.
-- Environment: BENCH_MODEL (default gpt-4o-mini); BENCH_STREAM=1 asks for a streamed answer with usage
-- (stream.lua sets it). Auth and peer headers come from wrk's -H options.
-- At the end it prints one line "WRK_JSON {...}" that run.sh reads.

local model = os.getenv("BENCH_MODEL") or "gpt-4o-mini"
local stream = BENCH_STREAM or os.getenv("BENCH_STREAM") == "1"

local body = '{"model":"' .. model .. '","messages":['
  .. '{"role":"system","content":"You are a helpful assistant. Answer briefly and precisely."},'
  .. '{"role":"user","content":"What is the capital of France? Answer in two sentences and mention one landmark."}'
  .. '],"temperature":0.2,"max_tokens":128'
if stream then
  body = body .. ',"stream":true,"stream_options":{"include_usage":true}'
end
body = body .. '}'

wrk.method = "POST"
wrk.path = "/v1/chat/completions"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_s":%.6f,"rps":%.1f,"bytes":%d,'
    .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
    .. '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, secs, summary.requests / secs, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
