#!/usr/bin/env bash
# Records issue 6's registration-storm benchmarks in one file, results/storm-bench-<UTC time>.md:
#   1. ./dmvpn storm                               10,000-spoke storms while the hub forwards (StormRun)
#   2. ./dmvpn storm --inject-weight 4             the same with the previous default injection weight
#   3. ./dmvpn storm --inject-weight 64            the same with the NHS's packets weighed like received frames
#   4. ./dmvpn storm --storm-spokes 100000 ...     the 100,000-spoke stress case
#   5. ./dmvpn bench NhsChurnBenchmark -prof gc    steady churn, registrations/s and B/op (JMH)
# with each exact command, its exit status and its output verbatim, the commit, the machine, the
# JVM flags (each run prints its own; JMH's "# VM options" line is kept) and the load before,
# after and during (bench/load-sampler.sh).
# Usage: bench/record-storm.sh "one-paragraph description"
# STORM_QUICK=1 runs short settings and writes under results/tmp/ (checks the recorder; not a record;
# its JMH JSON still lands in results/jmh/, as every './dmvpn bench' run's does: delete it).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/record-common.sh
[ $# -eq 1 ] || { echo "usage: bench/record-storm.sh DESCRIPTION" >&2; exit 2; }
description=$1
if pgrep -f 'benchmarks.jar' >/dev/null; then
  echo "record-storm: another benchmark run is active; two runs on this machine spoil each other." >&2; exit 2
fi
./dmvpn build >&2
start=$(date -u +%Y%m%dT%H%M%SZ)
if [ "${STORM_QUICK:-}" = "1" ]; then
  dir=results/tmp
  storm10=(--rounds 1 --warmup-rounds 1 --steady-ms 300)
  storm10w4=(--rounds 1 --warmup-rounds 1 --steady-ms 300 --inject-weight 4)
  storm10w=(--rounds 1 --warmup-rounds 1 --steady-ms 300 --inject-weight 64)
  storm100=(--storm-spokes 100000 --rounds 1 --warmup-rounds 0 --steady-ms 300)
  churn=(NhsChurnBenchmark -prof gc -wi 1 -w 1 -i 2 -r 1)
else
  dir=results
  storm10=()
  storm10w4=(--inject-weight 4)
  storm10w=(--inject-weight 64)
  storm100=(--storm-spokes 100000 --rounds 3 --warmup-rounds 2)
  churn=(NhsChurnBenchmark -prof gc)
fi
mkdir -p "$dir"
out="$dir/storm-bench-$start.md"
before=$(uptime)
samples=$(mktemp)
bench/load-sampler.sh "$samples" 30 & sampler=$!
quoted() { [ $# -eq 0 ] || printf ' %q' "$@"; }
logs=()
statuses=()
run() { # command words...: runs it, keeps stdout and stderr apart
  local o e s=0
  o=$(mktemp); e=$(mktemp)
  echo "record-storm: $*" >&2
  "$@" > "$o" 2> "$e" || s=$?
  logs+=("$o" "$e"); statuses+=("$s")
}
run ./dmvpn storm "${storm10[@]}"
run ./dmvpn storm "${storm10w4[@]}"
run ./dmvpn storm "${storm10w[@]}"
run ./dmvpn storm "${storm100[@]}"
run ./dmvpn bench "${churn[@]}"
kill "$sampler" 2>/dev/null || true
after=$(uptime)
status=0
for s in "${statuses[@]}"; do [ "$s" -eq 0 ] || status=1; done
{
  echo "# storm-bench (run $start)"
  echo
  echo "$description"
  echo
  echo "Written by \`bench/record-storm.sh\` from the runs' own output; no figure typed in."
  echo
  echo "## Commands"
  echo
  echo '```'
  echo "./dmvpn storm$(quoted "${storm10[@]}")"
  echo "./dmvpn storm$(quoted "${storm10w4[@]}")"
  echo "./dmvpn storm$(quoted "${storm10w[@]}")"
  echo "./dmvpn storm$(quoted "${storm100[@]}")"
  echo "./dmvpn bench$(quoted "${churn[@]}")"
  echo '```'
  echo
  echo "at commit $(commit_state); exit statuses ${statuses[*]}. \`./dmvpn storm\` runs with the launcher's flags plus \`-Xms4g -Xmx4g -XX:+AlwaysPreTouch -XX:+UseG1GC\` (each summary lists the JVM's flags); the JMH fork's flags are in its \`# VM options\` line."
  echo
  machine_section "$before" "$after"
  echo
  echo "Load during the runs, every 30 s: the three processes that used the most CPU over one second (\`bench/load-sampler.sh\`, from \`top\`):"
  echo
  echo '```'
  cat "$samples"
  echo '```'
  for i in 0 1 2 3; do
    case $i in 0) words=("${storm10[@]}") ;; 1) words=("${storm10w4[@]}") ;; 2) words=("${storm10w[@]}") ;; *) words=("${storm100[@]}") ;; esac
    echo
    echo "## \`./dmvpn storm$(quoted "${words[@]}")\` (exit status ${statuses[$i]})"
    echo
    echo "### Summary printed by the run (verbatim)"
    echo
    cat "${logs[$((2 * i))]}"
    echo
    echo "### Console (verbatim)"
    echo
    echo '```'
    cat "${logs[$((2 * i + 1))]}"
    echo '```'
  done
  jmh=${logs[8]}
  echo
  echo "## \`./dmvpn bench$(quoted "${churn[@]}")\` (exit status ${statuses[4]})"
  echo
  echo "JSON: \`$(grep -oE 'results/jmh/[^ ]+\.json' "$jmh" | tail -n 1 || true)\`; fork flags:"
  echo
  echo '```'
  grep -E '^# VM options' "$jmh" | sort -u || true
  grep -E '^# NhsChurnBenchmark' "$jmh" || true
  echo '```'
  echo
  echo "### JMH summary (verbatim)"
  echo
  echo '```'
  sed -n '/^Benchmark  /,$p' "$jmh"
  echo '```'
  if [ "${statuses[4]}" -ne 0 ]; then
    echo; echo "### The JMH run failed; its last lines"; echo; echo '```'; tail -n 40 "$jmh"; tail -n 20 "${logs[9]}"; echo '```'
  fi
} > "$out"
rm -f "${logs[@]}" "$samples"
echo "record-storm: wrote $out (exit status $status)"
exit $status
