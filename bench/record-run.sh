#!/usr/bin/env bash
# Runs the JMH benchmarks through the launcher and writes results/NAME-<UTC time>.md: the exact
# command, commit, machine, load before, after and during it (bench/load-sampler.sh), and the JMH
# summary copied verbatim.
# Usage: bench/record-run.sh NAME "one-paragraph description" [./dmvpn bench arguments...]
# With RECORD_REPORT=SCRIPT, SCRIPT is run on the run's JSON and what it prints is added as a
# section (a table derived from the JSON, such as bench/threaded-report.py's ratios).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/record-common.sh
[ $# -ge 2 ] || { echo "usage: bench/record-run.sh NAME DESCRIPTION [bench arguments...]" >&2; exit 2; }
name=$1; description=$2; shift 2
if pgrep -f 'benchmarks.jar' >/dev/null; then
  echo "record-run: another JMH run is active; two runs on this machine spoil each other." >&2; exit 2
fi
start=$(date -u +%Y%m%dT%H%M%SZ)
log=$(mktemp)
before=$(uptime)
samples=$(mktemp)
bench/load-sampler.sh "$samples" 30 & sampler=$!
status=0
./dmvpn bench "$@" > "$log" 2>&1 || status=$?
kill "$sampler" 2>/dev/null || true
after=$(uptime)
out="results/$name-$start.md"
quoted=$(printf ' %q' "$@")
{
  echo "# $name (run $start)"
  echo
  echo "$description"
  echo
  echo "Written by \`bench/record-run.sh\` from the run's own output; no figure typed in."
  echo
  echo "## Command"
  echo
  echo '```'
  echo "./dmvpn bench$quoted"
  echo '```'
  echo
  echo "at commit $(commit_state), exit status $status; JSON: \`$(grep -oE 'results/jmh/[^ ]+\.json' "$log" | tail -n 1 || true)\`."
  echo
  machine_section "$before" "$after"
  echo
  load_section "$samples" 30 "the JMH JVMs, host and fork, are among them"
  setup=$(grep -E '^# [A-Z0-9]' "$log" | grep -vE '^# (JMH|VM|Blackhole|Warmup|Measurement|Timeout|Threads|Benchmark|Run|Fork|Parameters)' | sort -u || true)
  if [ -n "$setup" ]; then
    echo; echo "## Printed by the benchmarks' setup"; echo; echo '```'; echo "$setup"; echo '```'
  fi
  echo
  echo "## JMH summary (verbatim)"
  echo
  echo '```'
  sed -n '/^Benchmark  /,$p' "$log"
  echo '```'
  json=$(grep -oE 'results/jmh/[^ ]+\.json' "$log" | tail -n 1 || true)
  if [ -n "${RECORD_REPORT:-}" ] && [ -n "$json" ] && [ -f "$json" ]; then
    echo; echo "## Derived from the JSON by \`$RECORD_REPORT $json\`"; echo
    "$RECORD_REPORT" "$json" || echo "(the report script failed: exit status $?)"
  fi
  if [ "$status" -ne 0 ]; then
    echo; echo "## The run failed; its last lines"; echo; echo '```'; tail -n 40 "$log"; echo '```'
  fi
} > "$out"
rm -f "$log" "$samples"
echo "record-run: wrote $out (exit status $status)"
exit $status
