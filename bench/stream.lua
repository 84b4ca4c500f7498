-- wrk script: like post.lua, but each request asks for an SSE stream with usage
-- ("stream":true, stream_options.include_usage). wrk counts a request when the chunked body ends.
BENCH_STREAM = true
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "post.lua")
