#!/usr/bin/env bash
# Records ./dmvpn ratio (PairedRatioRun: the hub path against the crypto floor in interleaved
# slices in one JVM) in results/hub-ratio-<UTC time>.md: the exact command, its exit status, the
# summary and the console verbatim, the commit, the machine and the load before, after and during
# it (bench/load-sampler.sh).
# Usage: bench/record-ratio.sh "one-paragraph description" [./dmvpn ratio arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/record-common.sh
[ $# -ge 1 ] || { echo "usage: bench/record-ratio.sh DESCRIPTION [ratio arguments...]" >&2; exit 2; }
description=$1; shift
if pgrep -f 'benchmarks.jar' >/dev/null; then
  echo "record-ratio: another benchmark run is active; two runs on this machine spoil each other." >&2; exit 2
fi
./dmvpn build >&2
start=$(date -u +%Y%m%dT%H%M%SZ)
summary=$(mktemp); console=$(mktemp); samples=$(mktemp)
before=$(uptime)
bench/load-sampler.sh "$samples" 30 & sampler=$!
status=0
./dmvpn ratio "$@" > "$summary" 2> "$console" || status=$?
kill "$sampler" 2>/dev/null || true
after=$(uptime)
out="results/hub-ratio-$start.md"
{
  echo "# hub-ratio (run $start)"
  echo
  echo "$description"
  echo
  echo "Written by \`bench/record-ratio.sh\` from the run's own output; no figure typed in."
  echo
  echo "## Command"
  echo
  echo '```'
  echo "./dmvpn ratio$([ $# -eq 0 ] || printf ' %q' "$@")"
  echo '```'
  echo
  echo "at commit $(commit_state), exit status $status."
  echo
  machine_section "$before" "$after"
  echo
  load_section "$samples" 30
  echo
  summary_and_console "$summary" "$console"
} > "$out"
rm -f "$summary" "$console" "$samples"
echo "record-ratio: wrote $out (exit status $status)"
exit $status
