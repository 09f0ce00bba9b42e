#!/usr/bin/env bash
# Runs './dmvpn latency' and writes results/NAME-<UTC time>.md: the exact command, commit, machine,
# load before and after and during it (bench/load-sampler.sh), the run's markdown summary and its
# console output, both verbatim. The run itself writes results/NAME-<time>.hlog (HdrHistogram log)
# and results/NAME-<time>-summary.md.
# Usage: bench/record-latency.sh NAME "one-paragraph description" [./dmvpn latency options...]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/record-common.sh
[ $# -ge 2 ] || { echo "usage: bench/record-latency.sh NAME DESCRIPTION [latency options...]" >&2; exit 2; }
name=$1; description=$2; shift 2
if pgrep -f 'benchmarks.jar' >/dev/null; then
  echo "record-latency: another benchmark run is active; two runs on this machine spoil each other." >&2; exit 2
fi
./dmvpn build >&2
start=$(date -u +%Y%m%dT%H%M%SZ)
prefix="results/$name-$start"
summary=$(mktemp)
console=$(mktemp)
samples=$(mktemp)
before=$(uptime)
bench/load-sampler.sh "$samples" 20 & sampler=$!
status=0
# The launcher execs the JVM, so this PID is the run's JVM in the load samples.
./dmvpn latency "$@" --out "$prefix" > "$summary" 2> "$console" & run=$!
wait "$run" || status=$?
kill "$sampler" 2>/dev/null || true
after=$(uptime)
out="$prefix.md"
quoted=$(printf ' %q' "$@" --out "$prefix")
{
  echo "# $name (run $start)"
  echo
  echo "$description"
  echo
  echo "Written by \`bench/record-latency.sh\` from the run's own output; no figure typed in."
  echo
  echo "## Command"
  echo
  echo '```'
  echo "${DMVPN_LATENCY_HEAP:+DMVPN_LATENCY_HEAP=$(printf '%q' "$DMVPN_LATENCY_HEAP") }./dmvpn latency$quoted"
  echo '```'
  echo
  echo "at commit $(commit_state), exit status $status; HdrHistogram log: \`$prefix.hlog\`."
  echo
  machine_section "$before" "$after"
  echo
  load_section "$samples" 20 "the run's own JVM is PID $run"
  echo
  summary_and_console "$summary" "$console"
} > "$out"
rm -f "$summary" "$console" "$samples"
echo "record-latency: wrote $out (exit status $status)"
exit $status
