#!/usr/bin/env python3
"""HubThreadedBenchmark from one JMH JSON file: frames/s per size and threading, the ratios two
workers / one worker and pipelined / one worker from the same run, and bytes allocated per frame.
Every figure is read from the JSON; nothing is typed in.

Usage: bench/threaded-report.py results/jmh/jmh-<time>.json
"""
import json
import math
import os
import sys

SIZES = ["64", "576", "1400", "IMIX"]


def number(value):
    """JMH writes NaN (an error from fewer than two iterations) as the string "NaN"."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def fmt_rate(score, error):
    text = f"{score:,.0f}"
    if number(error) is not None:
        text += f" ± {number(error):,.0f}"
    return text


def main():
    if len(sys.argv) != 2:
        print("usage: bench/threaded-report.py JMH_JSON", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        runs = json.load(f)
    table = {}
    for run in runs:
        if not run["benchmark"].endswith("HubThreadedBenchmark.forward"):
            continue
        params = run["params"]
        primary = run["primaryMetric"]
        secondary = run.get("secondaryMetrics", {})
        alloc = secondary.get("gc.alloc.rate.norm", {}).get("score")
        table.setdefault((params["size"], params.get("idle", "")), {})[params["threading"]] = (
            primary["score"], primary.get("scoreError"), alloc)
    if not table:
        print("threaded-report: no HubThreadedBenchmark.forward results in " + sys.argv[1], file=sys.stderr)
        return 1

    def order(key):
        size, idle = key
        return (SIZES.index(size) if size in SIZES else len(SIZES), size, idle)

    print("| size | idle | RTC_1 frames/s | RTC_2 frames/s | RTC_2 / RTC_1 | PIPELINED frames/s | PIPELINED / RTC_1 "
          "| B/frame RTC_1 | B/frame RTC_2 | B/frame PIPELINED |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key in sorted(table, key=order):
        row = table[key]
        one = row.get("RTC_1")
        cells = [key[0], key[1]]
        for mode in ("RTC_1", "RTC_2", "PIPELINED"):
            result = row.get(mode)
            cells.append(fmt_rate(result[0], result[1]) if result else "-")
            if mode != "RTC_1":
                cells.append(f"{result[0] / one[0]:.2f}" if result and one else "-")
        for mode in ("RTC_1", "RTC_2", "PIPELINED"):
            result = row.get(mode)
            cells.append(f"{result[2]:.3f}" if result and result[2] is not None else "-")
        print("| " + " | ".join(cells) + " |")
    print()
    print(f"Threads: RTC_1 runs a source/drain thread and one worker (2 threads), RTC_2 and PIPELINED a source/drain "
          f"thread and two workers (3 threads); this machine has {os.cpu_count()} processors"
          + (", so the two-worker rows share cores and their ratio to RTC_1 is not a scaling result."
             if os.cpu_count() < 3 else "."))
    print("B/frame is JMH's gc.alloc.rate.norm (-prof gc): bytes allocated by every thread of the JVM per frame sent.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
