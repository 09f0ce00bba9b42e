#!/usr/bin/env python3
"""Turns the folder that target/device/run.sh wrote (bench/device-bundle.sh) into a record under
results/: results/device-<start>.md with the bundle's commit, the machine, every command exactly as
it ran with its exit status and its output verbatim (the latency runs' summaries as markdown, the
threaded benchmark's ratios derived from its JSON by bench/threaded-report.py), the latency runs'
HdrHistogram logs beside it and the JMH JSON under results/jmh/. Nothing is typed in.

Usage: bench/import-device.py OUTDIR "one-paragraph description"
A run made with DEVICE_QUICK=1 (seconds-long settings) is refused. A run cut short (the device
tool's time limit) is imported with the runs it finished, and the record names the ones missing.
RESULTS_DIR (default results) changes where the record goes.
"""
import os
import re
import shutil
import subprocess
import sys

RUNS = [
    ("threaded", "HubThreadedBenchmark (JMH, -prof gc): 1 worker, 2 workers and pipelined, busy-spinning, 64 bytes and IMIX"),
    ("latency-rtc-1", "HubLatencyRun --with-floor: run-to-completion, 1 worker, IMIX, 50/70/90% of the measured maximum, "
                      "each load also through a thread that only spins the hub's time per frame"),
    ("latency-rtc-2", "HubLatencyRun: run-to-completion, 2 workers, IMIX, 50/70/90% of the measured maximum"),
    ("scaling", "WorkerScalingRun: 2 workers against 1, a busy thread per worker and no source thread, 64 bytes and IMIX"),
]


def fail(message):
    print("import-device: " + message, file=sys.stderr)
    sys.exit(2)


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def fence(text):
    """A code block that the text cannot close early."""
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return ticks + "\n" + text.rstrip("\n") + "\n" + ticks + "\n"


def main():
    if len(sys.argv) != 3 or not sys.argv[2].strip():
        fail('usage: bench/import-device.py OUTDIR "one-paragraph description"')
    src, description = sys.argv[1], sys.argv[2].strip()
    machine_file = os.path.join(src, "machine.txt")
    if not os.path.isfile(machine_file):
        fail(f"{machine_file} is missing: OUTDIR must be the folder target/device/run.sh wrote")
    machine = read(machine_file)
    started = re.search(r"^started: (\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z$", machine, re.M)
    commit = re.search(r"^commit: (.+)$", machine, re.M)
    quick = re.search(r"^quick: (\S+)$", machine, re.M)
    if not started or not commit:
        fail(f"{machine_file} has no 'started:' or 'commit:' line")
    if quick is None:
        fail(f"{machine_file} does not say whether it was a DEVICE_QUICK run (a bundle from before that line): "
             "rebuild the bundle with bench/device-bundle.sh")
    if quick.group(1) != "no":
        fail("this was a DEVICE_QUICK=1 run (seconds-long settings to check the bundle): its figures are not kept")
    stamp = "".join(started.groups()[:3]) + "T" + "".join(started.groups()[3:]) + "Z"
    results = os.environ.get("RESULTS_DIR", "results")
    name = f"device-{stamp}"
    out = os.path.join(results, name + ".md")
    if os.path.exists(out):
        fail(f"{out} exists already: a record is never overwritten")
    os.makedirs(os.path.join(results, "jmh"), exist_ok=True)

    parts = [f"# device run {stamp}\n", description + "\n",
             "Imported by `bench/import-device.py` from the files `target/device/run.sh` (written by "
             "`bench/device-bundle.sh`) left on the device machine; no figure typed in. The commands ran "
             "from the bundle's own folder, with its jlinked JDK and `libcrypto.so.3`.\n",
             f"Bundle built at commit `{commit.group(1)}`.\n",
             "## Machine\n", fence(machine)]
    missing = []
    for run, title in RUNS:
        log = os.path.join(src, run + ".txt")
        if not os.path.isfile(log):
            missing.append(run)
            continue
        text = read(log)
        lines = text.splitlines()
        command = lines[0][2:] if lines and lines[0].startswith("$ ") else "(no command line in the log)"
        status = re.search(r"^exit status (\d+)$", text, re.M)
        parts.append(f"## {run}: {title}\n")
        parts.append("Command:\n\n" + fence(command))
        parts.append(f"Exit status: {status.group(1) if status else 'none (the run was cut short)'}.\n")
        if run == "threaded":
            json_src = os.path.join(src, "threaded.json")
            if os.path.isfile(json_src) and os.path.getsize(json_src) > 0:
                json_dst = os.path.join(results, "jmh", f"jmh-{name}.json")
                shutil.copyfile(json_src, json_dst)
                report = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "threaded-report.py"), json_dst],
                                        capture_output=True, text=True)
                parts.append(f"JSON: `{json_dst}`. Derived by `bench/threaded-report.py {json_dst}`:\n")
                parts.append(report.stdout if report.returncode == 0 else fence(report.stdout + report.stderr))
        summary = os.path.join(src, run + "-summary.md")
        if os.path.isfile(summary):
            hlog = os.path.join(src, run + ".hlog")
            if os.path.isfile(hlog):
                hlog_dst = os.path.join(results, f"{name}-{run}.hlog")
                shutil.copyfile(hlog, hlog_dst)
                parts.append(f"HdrHistogram log: `{hlog_dst}`. The run's summary, verbatim:\n")
            else:
                parts.append("The run's summary, verbatim:\n")
            parts.append(read(summary).rstrip("\n") + "\n")
        parts.append("Everything the command printed:\n\n" + fence(text))
    if missing:
        parts.append("## Not run\n")
        parts.append("No output for: " + ", ".join(f"`{m}`" for m in missing) +
                     " (the run was cut short before them, or the bundle did not have them).\n")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(parts))
    print(f"import-device: wrote {out}" + (f" (missing: {', '.join(missing)})" if missing else ""))


if __name__ == "__main__":
    main()
