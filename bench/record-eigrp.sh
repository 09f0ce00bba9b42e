#!/usr/bin/env bash
# Records ./dmvpn eigrp (EigrpConvergenceRun: Phase 3 with EIGRP, N stub spokes and a summarising
# hub on a simulated clock) in results/eigrp-<UTC time>.md: the exact command, its exit status,
# the summary and the console verbatim, the commit, the machine and the load before, after and
# during it (bench/load-sampler.sh).
# Usage: bench/record-eigrp.sh "one-paragraph description" [./dmvpn eigrp arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/record-common.sh
[ $# -ge 1 ] || { echo "usage: bench/record-eigrp.sh DESCRIPTION [eigrp arguments...]" >&2; exit 2; }
record_runner record-eigrp eigrp eigrp "$@"
