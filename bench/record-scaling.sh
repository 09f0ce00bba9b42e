#!/usr/bin/env bash
# Records ./dmvpn scaling (WorkerScalingRun: two run-to-completion workers against one, a busy
# thread per worker, in interleaved slices in one JVM) in results/worker-scaling-<UTC time>.md:
# the exact command, its exit status, the summary and the console verbatim, the commit, the
# machine and the load before, after and during it (bench/load-sampler.sh).
# Usage: bench/record-scaling.sh "one-paragraph description" [./dmvpn scaling arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/record-common.sh
[ $# -ge 1 ] || { echo "usage: bench/record-scaling.sh DESCRIPTION [scaling arguments...]" >&2; exit 2; }
record_runner record-scaling worker-scaling scaling "$@"
