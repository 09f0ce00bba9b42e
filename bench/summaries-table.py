#!/usr/bin/env python3
"""Prints a markdown table of main-job runs (ScaleRun's summary.json), one row per run, in the
order given: run stamp, commit, command, load before, and the figures that vary run to run.
Every cell is copied from a summary.json; nothing is computed but the formatting.

Usage: bench/summaries-table.py RESULTS_FOLDER_OR_SUMMARY_JSON...
"""
import json
import os
import sys


def load(path):
    if os.path.isdir(path):
        path = os.path.join(path, "summary.json")
    with open(path) as f:
        return json.load(f)


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    print("| run | commit | command | load before | storm NHS CPU ms (NHRP / IKE) | sent through hub | sent direct | "
          "in-hub p50 / p99 us | end-to-end p50 / p99 us | worker busy | generator waits for ring room |")
    print("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for path in paths:
        s = load(path)
        storm, t, h, e = s["registrationStorm"], s["throughput"], s["latencyInHub"], s["latencyEndToEnd"]
        print(f"| {s['run']} | {s['commit']} | `{s['command']}` | {s['machine']['loadAverageBefore']} | "
              f"{storm['nhsCpuMilliseconds']:.1f} ({storm['nhsNhrpMilliseconds']:.1f} / {storm['nhsSimulatedIkeMilliseconds']:.1f}) | "
              f"{t['sentThroughHub']} | {t['sentDirectSpokeToSpoke']} | {h['p50Microseconds']} / {h['p99Microseconds']} | "
              f"{e['p50Microseconds']} / {e['p99Microseconds']} | {t['hubWorkerBusyFraction']:.3f} | {t['generatorWaitsForRingRoom']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
