#!/usr/bin/env python3
"""Turns the raw measurements of bench/run.sh into ratios, PASS/FAIL checks, a printed table,
bench/out/results.json and bench/out/results.md.

usage: report.py RAW_DIR OUT_DIR
Exit code: 0 when every set-up that was asked for was measured without request errors (targets may
still FAIL: that is a finding, not a broken run), 1 otherwise.
"""
import glob
import json
import math
import os
import re
import statistics
import sys

sys.dont_write_bytecode = True  # no __pycache__ next to the sources
import reporttiming  # noqa: E402

TARGETS = {
    "throughput_vs_direct": 0.5,
    "throughput_vs_portkey": 20.0,
    "added_p50_us": 50.0,
    "added_p99_us": 250.0,
    "stream_vs_direct": 0.5,
    "peak_rss_mb": 40.0,
}


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def read_meta(raw):
    meta = {}
    try:
        with open(os.path.join(raw, "meta.txt")) as f:
            for line in f:
                key, _, value = line.rstrip("\n").partition("=")
                meta[key] = value
    except OSError:
        pass
    return meta


def errors_of(wrk):
    e = wrk.get("errors") or {}
    return sum(int(v) for v in e.values())


def fmt(v, unit="", digits=0):
    if v is None:
        return "–"
    if isinstance(v, float):
        s = f"{v:,.{digits}f}"
    else:
        s = f"{v:,}"
    return s + unit


def ratio(a, b):
    if a is None or b in (None, 0):
        return None
    return a / b


def round_files(raw, prefix, ext):
    """{round number: path} of RAW/prefix_rN.ext"""
    found = {}
    for path in glob.glob(os.path.join(raw, f"{prefix}_r*.{ext}")):
        m = re.search(r"_r(\d+)\." + re.escape(ext) + "$", path)
        if m:
            found[int(m.group(1))] = path
    return dict(sorted(found.items()))


def merge_wrk(raw, prefix):
    """Pools wrk's rounds: throughput over all of them, and each round's req/s for paired ratios."""
    rounds = {r: load(p) for r, p in round_files(raw, prefix, "json").items()}
    rounds = {r: w for r, w in rounds.items() if w.get("duration_s")}
    if not rounds:
        return {}
    ws = list(rounds.values())
    requests = sum(w["requests"] for w in ws)
    duration = sum(w["duration_s"] for w in ws)
    return {
        "requests": requests,
        "duration_s": duration,
        "rps": requests / duration,
        "rounds_rps": {r: w["rps"] for r, w in rounds.items()},
        "errors": {k: sum(w["errors"][k] for w in ws) for k in ws[0]["errors"]},
        # wrk reports percentiles per run only; the median round's is the fair summary.
        "latency_us": {p: statistics.median(w["latency_us"][p] for w in ws) for p in ("p50", "p90", "p99")}
        | {"max": max(w["latency_us"]["max"] for w in ws)},
    }


def nearest_rank(sorted_values, p):
    if not sorted_values:
        return None
    rank = max(1, min(len(sorted_values), math.ceil(p / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


def merge_seq(raw, t):
    """Pools the raw samples of every latency round and takes percentiles of the whole."""
    runs = [load(p) for p in round_files(raw, f"seq_{t}", "json").values()]
    samples = []
    for path in round_files(raw, f"seq_{t}", "samples").values():
        with open(path) as f:
            samples += [float(line) for line in f if line.strip()]
    if not runs and not samples:
        return {}
    samples.sort()
    latency = None
    if samples:
        latency = {"min": samples[0], "p50": nearest_rank(samples, 50), "p90": nearest_rank(samples, 90),
                   "p99": nearest_rank(samples, 99), "max": samples[-1], "mean": sum(samples) / len(samples)}
    return {"samples": len(samples), "latency_us": latency,
            "errors": sum(r.get("errors", 0) for r in runs) + sum(1 for r in runs if r.get("out_of_time")) +
                      sum(1 for r in runs if not r)}


def paired_ratio(a, b):
    """Median over rounds of a's req/s over b's in the same round: robust to bursts of outside load."""
    if not a or not b:
        return None
    pairs = [a["rounds_rps"][r] / b["rounds_rps"][r] for r in a["rounds_rps"]
             if r in b["rounds_rps"] and b["rounds_rps"][r]]
    return statistics.median(pairs) if pairs else None


def main():
    raw, out = sys.argv[1], sys.argv[2]
    meta = read_meta(raw)
    chunks = int(meta.get("chunks", "16"))
    names = ["direct", "relay", "ours", "ours_anthropic", "ours_google", "portkey"]
    figures, wrk = {}, {}
    for t in names:
        post = merge_wrk(raw, f"wrk_post_{t}")
        stream = merge_wrk(raw, f"wrk_stream_{t}")
        seq = merge_seq(raw, t)
        if not post and not stream and not seq and not reporttiming.merge(raw, t, load):
            continue
        wrk[t] = {"post": post, "stream": stream}
        hwm = meta.get(f"{t}_vmhwm_kb")
        figures[t] = {
            "throughput_rps": post.get("rps"),
            "throughput_requests": post.get("requests"),
            "throughput_rounds_rps": post.get("rounds_rps"),
            "throughput_errors": errors_of(post) if post else None,
            "wrk_latency_us": post.get("latency_us"),
            "stream_rps": stream.get("rps"),
            "stream_rounds_rps": stream.get("rounds_rps"),
            "stream_events_per_s": stream["rps"] * chunks if stream.get("rps") is not None else None,
            "stream_errors": errors_of(stream) if stream else None,
            "wrk_stream_latency_us": stream.get("latency_us"),
            "sequential_latency_us": seq.get("latency_us"),
            "sequential_samples": seq.get("samples"),
            "sequential_errors": seq.get("errors") if seq else None,
            "peak_rss_mb": int(hwm) / 1024 if hwm else None,
            "stream_events_seen": int(meta[f"{t}_stream_events"]) if f"{t}_stream_events" in meta else None,
            "timing": reporttiming.merge(raw, t, load),
        }

    dw = wrk.get("direct", {})
    d = figures.get("direct", {})
    rw = wrk.get("relay")
    for t, f in figures.items():
        f["throughput_vs_direct"] = paired_ratio(wrk[t]["post"], dw.get("post"))
        f["stream_vs_direct"] = paired_ratio(wrk[t]["stream"], dw.get("stream"))
        f["throughput_vs_relay"] = paired_ratio(wrk[t]["post"], rw["post"]) if rw else None
        f["stream_vs_relay"] = paired_ratio(wrk[t]["stream"], rw["stream"]) if rw else None
        sl, dl = f["sequential_latency_us"] or {}, d.get("sequential_latency_us") or {}
        for p in ("p50", "p90", "p99"):
            f[f"added_{p}_us"] = (sl[p] - dl[p]) if p in sl and p in dl and t != "direct" else None
    ow = wrk.get("ours")
    for t, f in figures.items():
        # Translated set-ups against passthrough through the same gateway, round by round.
        f["throughput_vs_passthrough"] = paired_ratio(wrk[t]["post"], ow["post"]) if ow else None
        f["stream_vs_passthrough"] = paired_ratio(wrk[t]["stream"], ow["stream"]) if ow else None
    ours, pk = figures.get("ours"), figures.get("portkey")
    if ours and pk:
        ours["throughput_vs_portkey"] = paired_ratio(wrk["ours"]["post"], wrk["portkey"]["post"])
        ours["stream_vs_portkey"] = paired_ratio(wrk["ours"]["stream"], wrk["portkey"]["stream"])

    checks = []

    def check(name, value, target, le, unit, note=""):
        if value is None:
            passed = None
        else:
            passed = value <= target if le else value >= target
        checks.append({"check": name, "value": value, "target": target,
                       "comparison": "<=" if le else ">=", "unit": unit,
                       "result": "n/a" if passed is None else ("PASS" if passed else "FAIL"), "note": note})

    if ours:
        check("throughput, ours / direct", ours["throughput_vs_direct"], TARGETS["throughput_vs_direct"], False, "x")
        check("throughput, ours / Portkey", ours.get("throughput_vs_portkey"), TARGETS["throughput_vs_portkey"], False, "x",
              "" if pk else "Portkey not measured")
        check("added latency p50", ours["added_p50_us"], TARGETS["added_p50_us"], True, "µs")
        check("added latency p99", ours["added_p99_us"], TARGETS["added_p99_us"], True, "µs")
        check("streaming, ours / direct", ours["stream_vs_direct"], TARGETS["stream_vs_direct"], False, "x")
        check("peak memory (VmHWM)", ours["peak_rss_mb"], TARGETS["peak_rss_mb"], True, "MiB")
        completed = int(meta.get("ours_requests_completed", "0") or 0)
        records = int(meta["ours_records"]) if meta.get("ours_records", "").strip().isdigit() else None
        check("records written / requests completed", ratio(records, completed), 1.0, False, "x",
              f"{records} records for {completed} completed requests "
              f"(wrk's requests cut at the end of a run may add a few records)")
        reporttiming.check_relayed(check, figures, meta)
        errs = sum(x or 0 for t in ("ours", "ours_anthropic", "ours_google") if t in figures
                   for x in (figures[t]["throughput_errors"], figures[t]["stream_errors"], figures[t]["sequential_errors"],
                             (figures[t]["timing"] or {}).get("errors")))
        check("request errors through our gateway", float(errs), 0.0, True, "")
        ours["records_written"] = records
        ours["requests_completed"] = completed

    wanted_missing = [f"{t}: {meta[t + '_skipped']}" for t in names if t + "_skipped" in meta]
    run_errors = []
    for t, f in figures.items():
        for k in ("throughput_errors", "stream_errors", "sequential_errors"):
            if f.get(k):
                run_errors.append(f"{t}: {f[k]} {k.replace('_', ' ')}")
        if (f.get("timing") or {}).get("errors"):
            run_errors.append(f"{t}: {f['timing']['errors']} paced stream errors")

    results = {"meta": meta, "targets": TARGETS, "figures": figures, "checks": checks,
               "skipped": wanted_missing, "errors": run_errors}
    os.makedirs(out, exist_ok=True)

    # ------------------------------------------------------------------ tables
    cols = [t for t in names if t in figures]
    label = {"direct": "direct", "relay": "TCP relay", "ours": "llm-gateway", "ours_anthropic": "llm-gw → Anthropic",
             "ours_google": "llm-gw → Gemini", "portkey": "Portkey"}

    def lat(t, p):
        return (figures[t]["sequential_latency_us"] or {}).get(p)

    rows = [
        ("throughput (req/s)", lambda t: fmt(figures[t]["throughput_rps"])),
        ("  vs direct", lambda t: fmt(figures[t]["throughput_vs_direct"], "x", 3)),
        ("  vs TCP relay", lambda t: fmt(figures[t]["throughput_vs_relay"], "x", 3)),
        ("  vs llm-gateway passthrough", lambda t: fmt(figures[t]["throughput_vs_passthrough"], "x", 3)),
        ("streams/s (16 events each)" if chunks == 16 else f"streams/s ({chunks} events each)",
         lambda t: fmt(figures[t]["stream_rps"])),
        ("  events/s", lambda t: fmt(figures[t]["stream_events_per_s"])),
        ("  vs direct", lambda t: fmt(figures[t]["stream_vs_direct"], "x", 3)),
        ("  vs TCP relay", lambda t: fmt(figures[t]["stream_vs_relay"], "x", 3)),
        ("  vs llm-gateway passthrough", lambda t: fmt(figures[t]["stream_vs_passthrough"], "x", 3)),
        ("sequential latency p50 (µs)", lambda t: fmt(lat(t, "p50"), "", 1)),
        ("sequential latency p90 (µs)", lambda t: fmt(lat(t, "p90"), "", 1)),
        ("sequential latency p99 (µs)", lambda t: fmt(lat(t, "p99"), "", 1)),
        ("sequential latency max (µs)", lambda t: fmt(lat(t, "max"), "", 1)),
        ("  added p50 (µs)", lambda t: fmt(figures[t]["added_p50_us"], "", 1)),
        ("  added p99 (µs)", lambda t: fmt(figures[t]["added_p99_us"], "", 1)),
        ("wrk latency p50/p99 (µs, loaded)",
         lambda t: "/".join(fmt((figures[t]["wrk_latency_us"] or {}).get(p)) for p in ("p50", "p99"))),
        ("peak memory VmHWM (MiB)", lambda t: fmt(figures[t]["peak_rss_mb"], "", 1)),
        ("request errors", lambda t: fmt(sum(figures[t][k] or 0 for k in
                                             ("throughput_errors", "stream_errors", "sequential_errors")))),
    ] + [(name, lambda t, fn=fn: fn(figures[t])) for name, fn in reporttiming.rows(fmt)]
    header = ["figure"] + [label[t] for t in cols]
    table = [header] + [[name] + [fn(t) for t in cols] for name, fn in rows]

    check_table = [["check (llm-gateway)", "measured", "target", "result"]]
    for c in checks:
        v = c["value"]
        shown = "–" if v is None else (f"{v:.3f}{c['unit']}" if c["unit"] == "x" else f"{v:.1f} {c['unit']}".strip())
        tgt = f"{c['comparison']} {c['target']:g}{c['unit'] if c['unit'] == 'x' else ' ' + c['unit']}".strip()
        check_table.append([c["check"], shown, tgt, c["result"] + (f" ({c['note']})" if c["note"] and c["result"] != "PASS" else "")])

    def text_table(t):
        widths = [max(len(r[i]) for r in t) for i in range(len(t[0]))]
        lines = []
        for n, r in enumerate(t):
            lines.append("  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)))
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def md_table(t):
        lines = ["| " + " | ".join(t[0]) + " |", "|" + "|".join(["---"] + ["---:"] * (len(t[0]) - 1)) + "|"]
        # Markdown drops leading spaces; keep the indentation of sub-rows visible.
        lines += ["| " + " | ".join(c.replace("  ", "&nbsp;&nbsp;", 1) if c.startswith("  ") else c for c in r) + " |"
                  for r in t[1:]]
        return "\n".join(lines)

    setup = (f"{meta.get('cores', '?')} cores ({meta.get('cpu', '?')}); wrk {meta.get('wrk_version', '?')} -t1 "
             f"-c{meta.get('connections', '?')} for {meta.get('duration_s', '?')}s per set-up in {meta.get('rounds', '?')} "
             f"alternating rounds, with the mock on core 0, gateway on core 1; "
             f"{meta.get('latency_requests', '?')} sequential requests per latency figure"
             + ("; QUICK run (smoke check, not for figures)" if meta.get("quick") == "1" else ""))
    notes = []
    if meta.get("ours_build_type") and meta["ours_build_type"] not in ("Release", "RelWithDebInfo"):
        notes.append(f"llm-gateway's build type is {meta['ours_build_type']} (not Release): its figures may not be representative.")
    rl = figures.get("relay")
    if rl:
        # The relay does no work beyond copying bytes: where even it misses a target, the target
        # cannot be met in this topology on this machine, whatever the gateway does.
        floor = {"throughput_vs_direct": (rl["throughput_vs_direct"], TARGETS["throughput_vs_direct"], False),
                 "added_p50_us": (rl["added_p50_us"], TARGETS["added_p50_us"], True),
                 "added_p99_us": (rl["added_p99_us"], TARGETS["added_p99_us"], True),
                 "stream_vs_direct": (rl["stream_vs_direct"], TARGETS["stream_vs_direct"], False)}
        for key, (value, target, le) in floor.items():
            if value is not None and (value > target if le else value < target):
                notes.append(f"the TCP relay floor itself misses {key} ({value:.3g} vs {target:g}): "
                             "in this topology no gateway can meet that target")
        results["relay_floor_misses"] = [n for n in notes if "TCP relay floor" in n]
    notes += [f"not measured: {s}" for s in wanted_missing]
    notes += [f"errors: {s}" for s in run_errors]

    print()
    print(f"Set-up: {setup}")
    print()
    print(text_table(table))
    if len(check_table) > 1:
        print()
        print(text_table(check_table))
    for n in notes:
        print(f"NOTE: {n}")
    print(f"\nwritten: {os.path.join(out, 'results.json')}, {os.path.join(out, 'results.md')}")

    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(f"# Gateway benchmark, {meta.get('started_at', '')}\n\n{setup}.\n\n")
        f.write(md_table(table) + "\n\n")
        if len(check_table) > 1:
            f.write(md_table(check_table) + "\n\n")
        for n in notes:
            f.write(f"- {n}\n")
        f.write("\nRatios are computed within this one run: the median over rounds of the two set-ups' req/s in the "
                "same round. Latency figures are raw percentiles of sequential "
                "requests on one keep-alive connection (no synthetic samples); wrk's loaded latencies include "
                "wrk 4's corrected samples.\n")

    results["notes"] = notes
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(results, f, indent=2, ensure_ascii=False)
        f.write("\n")

    return 1 if (wanted_missing or run_errors) else 0


if __name__ == "__main__":
    sys.exit(main())
