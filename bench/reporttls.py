#!/usr/bin/env python3
"""The table of bench/tls.sh: HTTPS against plain HTTP through the gateway, with keep-alive and without.

Reads hey's per-request CSV files RAW/<gateway>-<mode>.<round>.csv; req/s per round is the 200 answers over the
round's seconds, a ratio is the median over rounds of the paired ratio, percentiles are nearest-rank over all
samples of a set-up."""
import csv
import statistics
import sys


def load(path, seconds):
    ok, errors, latencies = 0, 0, []
    with open(path) as f:
        for row in csv.DictReader(f):
            if row.get("status-code") == "200":
                ok += 1
                latencies.append(float(row["response-time"]) * 1000)
            else:
                errors += 1
    return ok / seconds, errors, latencies


def percentile(values, p):
    values = sorted(values)
    return values[max(0, -(-len(values) * p // 100) - 1)] if values else float("nan")


def main():
    raw, rounds, seconds, connections = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    print("| set-up | req/s | p50 ms | p99 ms | req/s vs plain | p50 vs plain | p99 vs plain | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for mode, label in (("keepalive", "keep-alive"), ("newconn", "a new connection per request")):
        data = {}
        for gateway in ("plain", "tls"):
            runs = [load(f"{raw}/{gateway}-{mode}.{r}.csv", seconds) for r in range(rounds)]
            data[gateway] = {"rps": [run[0] for run in runs], "errors": sum(run[1] for run in runs),
                             "latency": [v for run in runs for v in run[2]]}
        plain = data["plain"]
        for gateway, name in (("plain", "plain HTTP"), ("tls", "HTTPS")):
            d = data[gateway]
            ratio = statistics.median(a / b for a, b in zip(d["rps"], plain["rps"]) if b > 0)
            p50, p99 = percentile(d["latency"], 50), percentile(d["latency"], 99)
            print(f"| {name}, {label} | {statistics.mean(d['rps']):.0f} | {p50:.2f} | {p99:.2f} | {ratio:.2f} | "
                  f"{p50 / percentile(plain['latency'], 50):.2f} | {p99 / percentile(plain['latency'], 99):.2f} | "
                  f"{d['errors']} |")
    print()
    print(f"{rounds} rounds of {seconds} s per set-up, `hey -c {connections}`, small non-streamed chat completions "
          "(passthrough to the mock).")


if __name__ == "__main__":
    main()
