#!/usr/bin/env bash
# Packs what issue 5's multi-core goals need onto a machine with no JDK and no Maven (the `device`
# tool's 16-core machine, or any Linux x86-64 host): a jlinked JDK 25 runtime, the benchmarks jar,
# this machine's libcrypto.so.3 and libIPSec_MB.so.1 (the default crypto provider's library) and a script that runs the scaling and latency measurements and
# writes everything it prints, with the machine it ran on, under one folder.
#
#   bench/device-bundle.sh                build target/device/ (about 60 MB: the carry limit is 64 MiB)
#   bash target/device/run.sh OUTDIR      on the other machine, from the repository root
#   DEVICE_QUICK=1 bash target/device/run.sh OUTDIR
#                                         seconds-long settings, to check the bundle works (no figure to keep)
#
# What run.sh measures (each command is printed with its output):
#   1. HubThreadedBenchmark at 64 bytes and IMIX, one worker, two workers and pipelined, busy-spinning
#      threads (a processor each), JMH with
#      -prof gc: the 2-workers/1-worker ratio (goal at least 1.7).
#   2. ./dmvpn latency's HubLatencyRun, one worker and two, at 50, 70 and 90% of the measured
#      maximum (goal p99.9 at most 50 us and p99.99 at most 200 us at 70%), 20 s per load; the
#      one-worker run with --with-floor (each load also through a thread that only spins the hub's
#      time per frame, side by side), which says how much of the goal that machine leaves to the hub.
#   3. ./dmvpn scaling's WorkerScalingRun at 64 bytes and IMIX: two workers against one with a busy
#      thread per worker and no source thread, interleaved in one JVM.
# A run's output is not a record by itself: bench/import-device.py OUTDIR "description" turns it
# into results/device-<start>.md (commit, machine, every command and its output verbatim) with the
# latency logs and the JMH JSON beside it. Nothing in the build or the tests uses this script.
set -euo pipefail
cd "$(dirname "$0")/.."
./dmvpn build >&2
jdk=$(./dmvpn java 2>/dev/null | head -n 1)
out=target/device
rm -rf "$out"
mkdir -p "$out"
# The modules the benchmarks use (jdeps lists java.desktop, java.sql and java.naming too, for code
# paths of libraries the runs never take; without them the runtime is 20 MB smaller).
"$jdk/bin/jlink" --add-modules java.base,jdk.jfr,jdk.management,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --compress zip-9 --output "$out/jdk"
cp bench/target/benchmarks.jar "$out/"
libcrypto=$(ldconfig -p | awk '/libcrypto\.so\.3 .*x86-64/ {print $NF; exit}')
[ -n "$libcrypto" ] || { echo "device-bundle: no libcrypto.so.3 here (Debian package libssl3)" >&2; exit 2; }
mkdir -p "$out/lib"
cp "$libcrypto" "$out/lib/libcrypto.so.3"
# The default crypto provider's library (Intel's multi-buffer crypto); without it the runs would
# fall back to OpenSSL and measure another hub than this machine's.
libipsecmb=$(ldconfig -p | awk '/libIPSec_MB\.so\.1 .*x86-64/ {print $NF; exit}')
[ -n "$libipsecmb" ] || { echo "device-bundle: no libIPSec_MB.so.1 here (Debian package libipsec-mb1; ./dmvpn build installs it as root)" >&2; exit 2; }
# 12.8 MB as it is, 2 MB gzipped (mostly tables of zeros): run.sh unpacks it, keeping the bundle under the carry limit.
gzip -9 -c "$libipsecmb" > "$out/lib/libIPSec_MB.so.1.gz"
echo "$(git rev-parse --short HEAD) ($(git status --porcelain --untracked-files=no | wc -l | tr -d ' ') tracked files changed)" > "$out/COMMIT"
cp jvm.properties "$out/"
cat > "$out/run.sh" <<'EOF'
#!/usr/bin/env bash
# Written by bench/device-bundle.sh. Usage: bash target/device/run.sh OUTDIR (from the repository root).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=${1:?usage: run.sh OUTDIR}
mkdir -p "$dest"
lib=$(mktemp -d)
cp "$here/lib/libcrypto.so.3" "$lib/"
gzip -dc "$here/lib/libIPSec_MB.so.1.gz" > "$lib/libIPSec_MB.so.1"
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
java="$here/jdk/bin/java"
# The project's JVM flags, as the launcher reads them.
read -r -a flags <<< "$(sed -n 's/^dmvpn.jvm.args=//p' "$here/jvm.properties")"
read -r -a bench_flags <<< "$(sed -n 's/^dmvpn.bench.jvm.args=//p' "$here/jvm.properties")"
if [ "${DEVICE_QUICK:-}" = "1" ]; then
  jmh=(-f 1 -wi 1 -w 1s -i 1 -r 1s); latency=(--warmup-seconds 1 --saturation-seconds 1 --lead-in-seconds 1 --seconds 2)
  scaling=(--pairs 2 --slice-ms 50 --warmup-ms 200)
else
  jmh=(-f 1 -wi 3 -w 2s -i 5 -r 2s); latency=(--seconds 20); scaling=()
fi
{
  echo "commit: $(cat "$here/COMMIT")"
  echo "started: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "quick: $([ "${DEVICE_QUICK:-}" = "1" ] && echo yes || echo no)"
  echo '$ nproc'; nproc
  echo "\$ lscpu | grep -E 'Model name|^CPU\\(s\\)|Thread|Core|Socket|NUMA node'"; lscpu | grep -E 'Model name|^CPU\(s\)|Thread|Core|Socket|NUMA node'
  echo '$ uptime'; uptime
  echo '$ java -version'; "$java" -version 2>&1
} > "$dest/machine.txt"
status=0
run() { # name command...
  local name=$1; shift
  { echo "\$ $*"; "$@"; echo "exit status $?"; } > "$dest/$name.txt" 2>&1 || status=1
}
run threaded "$java" "${flags[@]}" -jar "$here/benchmarks.jar" HubThreadedBenchmark -p size=64,IMIX -p idle=busy -prof gc "${jmh[@]}" \
  -rf json -rff "$dest/threaded.json"
for workers in 1 2; do
  # The heap ./dmvpn latency gives the run (its launcher explains the size); one worker with its floor.
  floor=(); [ "$workers" = 1 ] && floor=(--with-floor)
  run "latency-rtc-$workers" "$java" "${flags[@]}" -Xms512m -Xmx512m "${bench_flags[@]}" \
    -cp "$here/benchmarks.jar" net.dmvpnhub.bench.runners.HubLatencyRun --workers "$workers" --idle busy "${floor[@]}" "${latency[@]}" \
    --out "$dest/latency-rtc-$workers"
done
run scaling "$java" "${flags[@]}" -Xms2g -Xmx2g "${bench_flags[@]}" \
  -cp "$here/benchmarks.jar" net.dmvpnhub.bench.runners.WorkerScalingRun --sizes 64,IMIX "${scaling[@]}"
echo "finished: $(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$dest/machine.txt"
exit $status
EOF
chmod +x "$out/run.sh"
du -sh "$out" | awk '{print "device-bundle: " $1 " in '"$out"'"}'
