#!/usr/bin/env python3
"""The table of bench/tls.sh: HTTPS against plain HTTP through the gateway, with keep-alive and without.

Reads wrk's WRK_JSON summaries RAW/<gateway>-<mode>.<round>.json. A set-up's req/s is pooled over the rounds; a
ratio to plain is the median over rounds of the paired ratio (the two ran back to back in that round); latency
p50 and p99 are wrk's, the median over rounds (wrk adds "corrected" samples for slow responses, so its p99 leans
high, alike for both)."""
import json
import statistics
import sys


def main():
    raw, rounds, seconds, connections = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    print("| set-up | req/s | p50 ms | p99 ms | req/s vs plain | p50 vs plain | p99 vs plain | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for mode, label in (("keepalive", "keep-alive"), ("newconn", "a new connection per request")):
        runs = {gateway: [json.load(open(f"{raw}/{gateway}-{mode}.{r}.json")) for r in range(rounds)]
                for gateway in ("plain", "tls")}
        plain = runs["plain"]
        for gateway, name in (("plain", "plain HTTP"), ("tls", "HTTPS")):
            these = runs[gateway]
            rps = sum(run.get("requests", 0) for run in these) / sum(run.get("duration_s", 0) or 1 for run in these)
            ratio = statistics.median(a.get("rps", 0) / b["rps"] for a, b in zip(these, plain) if b.get("rps"))
            p50 = statistics.median(run.get("latency_us", {}).get("p50", 0) for run in these) / 1000
            p99 = statistics.median(run.get("latency_us", {}).get("p99", 0) for run in these) / 1000
            p50_ratio = statistics.median(a["latency_us"]["p50"] / b["latency_us"]["p50"] for a, b in zip(these, plain))
            p99_ratio = statistics.median(a["latency_us"]["p99"] / b["latency_us"]["p99"] for a, b in zip(these, plain))
            errors = sum(sum(run.get("errors", {}).values()) for run in these)
            print(f"| {name}, {label} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {ratio:.2f} | {p50_ratio:.2f} | "
                  f"{p99_ratio:.2f} | {errors} |")
    print()
    print(f"{rounds} rounds of {seconds} s per set-up, `wrk -t1 -c{connections}` with `post.lua` (a small non-streamed "
          "chat completion, passthrough to the mock); ratios are medians over rounds of the paired figures.")


if __name__ == "__main__":
    main()
