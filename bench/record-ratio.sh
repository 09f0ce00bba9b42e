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
record_runner record-ratio hub-ratio ratio "$@"
