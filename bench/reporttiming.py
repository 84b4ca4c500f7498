"""The relay timing part of bench/report.py: paced streams (N events MS ms apart from the mock), what
time each event reached the client against when the mock sent it (bench/streamtiming.cpp)."""
import glob
import os
import re


def load_rounds(raw, target, load):
    runs = []
    for path in sorted(glob.glob(os.path.join(raw, f"timing_{target}_r*.json"))):
        if re.search(r"_r\d+\.json$", path):
            runs.append(load(path))
    return runs


def merge(raw, target, load):
    """Pools the paced streams of every round: medians and maxima over streams."""
    runs = load_rounds(raw, target, load)
    if not runs:
        return None
    good = [r for r in runs if r.get("streams")]
    if not good:
        return {"streams": 0, "errors": sum(r.get("errors", 1) if r else 1 for r in runs)}

    def med(values):
        values = sorted(values)
        return values[(len(values) - 1) // 2] if values else None

    return {
        "streams": sum(r["streams"] for r in good),
        "errors": sum(r.get("errors", 0) for r in good) + sum(1 for r in runs if not r.get("streams")),
        "events": sum(r["events"] for r in good),
        "first_event_ms_p50": med([r["first_event_ms"]["p50"] for r in good]),
        "first_event_ms_max": max(r["first_event_ms"]["max"] for r in good),
        "first_added_us_p50": med([r["first_added_us"]["p50"] for r in good]),
        "added_us_p50": med([r["added_us"]["p50"] for r in good]),
        "added_us_max": max(r["added_us"]["max"] for r in good),
        "span_ms_p50": med([r["span_ms"]["p50"] for r in good]),
    }


def rows(fmt):
    """Table rows for report.py: (name, fn(figures of a target))."""
    def get(key, unit="", digits=1):
        return lambda f: fmt((f.get("timing") or {}).get(key), unit, digits)
    return [
        ("paced stream: time to first event p50 / max (ms)",
         lambda f: "/".join(fmt((f.get("timing") or {}).get(k), "", 2) for k in ("first_event_ms_p50", "first_event_ms_max"))),
        ("  first event's added delay p50 (µs)", get("first_added_us_p50")),
        ("  added delay per event p50 (µs)", get("added_us_p50")),
        ("  added delay per event max (µs)", get("added_us_max")),
        ("  first to last event p50 (ms)", get("span_ms_p50", "", 1)),
    ]


def check_relayed(check, figures, meta):
    """Translated and passthrough streams must reach the client event by event: the first event long
    before the mock sends the last one."""
    m = re.match(r"^(\d+)x(\d+)$", meta.get("pace", ""))
    if not m:
        return
    events, interval = int(m.group(1)), int(m.group(2))
    last_sent_ms = (events - 1) * interval
    for t, label in (("ours", "passthrough"), ("ours_anthropic", "to Anthropic"), ("ours_google", "to Gemini")):
        timing = (figures.get(t) or {}).get("timing")
        if not timing:
            continue
        check(f"paced stream {label}: first event max (ms)", timing.get("first_event_ms_max"),
              last_sent_ms / 2, True, "ms",
              f"the mock sends the last of {events} events {last_sent_ms} ms after the first; a buffering relay "
              f"would show the first event after that")
