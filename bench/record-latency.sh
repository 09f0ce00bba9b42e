#!/usr/bin/env bash
# Runs './dmvpn latency' and writes results/NAME-<UTC time>.md: the exact command, commit, machine,
# load before and after, the busiest processes when it started, the run's markdown summary and its
# console output, both verbatim. The run itself writes results/NAME-<time>.hlog (HdrHistogram log)
# and results/NAME-<time>-summary.md.
# Usage: bench/record-latency.sh NAME "one-paragraph description" [./dmvpn latency options...]
set -euo pipefail
cd "$(dirname "$0")/.."
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
busiest=$(ps -eo pcpu,etime,comm --sort=-pcpu | head -n 6)
before=$(uptime)
status=0
./dmvpn latency "$@" --out "$prefix" > "$summary" 2> "$console" || status=$?
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
  echo "./dmvpn latency$quoted"
  echo '```'
  echo
  echo "at commit \`$(git rev-parse --short HEAD)\` ($(git status --porcelain --untracked-files=no | wc -l | tr -d ' ') tracked files changed), exit status $status; HdrHistogram log: \`$prefix.hlog\`."
  echo
  echo "## Machine"
  echo
  echo '```'
  echo '$ nproc'; nproc
  echo "\$ lscpu | grep 'Model name'"; lscpu | grep 'Model name'
  echo '$ java -version'; "$(./dmvpn java 2>/dev/null | head -n 1)/bin/java" -version 2>&1
  echo '```'
  echo
  echo "\`uptime\` before: \`$before\`; after: \`$after\`."
  echo
  echo "Busiest processes when the run started (\`ps -eo pcpu,etime,comm --sort=-pcpu\`):"
  echo
  echo '```'
  echo "$busiest"
  echo '```'
  echo
  echo "## Summary printed by the run (verbatim)"
  echo
  cat "$summary"
  echo
  echo "## Console (verbatim)"
  echo
  echo '```'
  cat "$console"
  echo '```'
} > "$out"
rm -f "$summary" "$console"
echo "record-latency: wrote $out (exit status $status)"
exit $status
