#!/usr/bin/env bash
# ESP crypto per packet, ours against OpenSSL's own 'openssl speed', measured side by side in one run.
#
#   bench/openssl-speed.sh [--openssl-seconds N] [--no-cbc] [--no-floor] [-- JMH options]
#   ./dmvpn crypto-compare [same options]
#
# In this order, on the same machine, in one go:
#   1. openssl speed -aead -evp aes-128-gcm (encrypt and -decrypt) at 64, 576, 1400 and 1500 bytes,
#      and, for the CBC transform, -evp aes-256-cbc (encrypt and -decrypt) and -hmac sha256 at 64
#      and 1400 bytes; wall-clock time (-elapsed), like JMH.
#   2. JMH EspCryptoBenchmark, AES_GCM_128: every provider, size and memory, with -prof gc.
#   3. JMH EspCryptoBenchmark, AES_256_CBC_HMAC_SHA256 at 64 and 1400 bytes, JDK, OPENSSL and, when
#      the crypto module has it, IPSEC_MB (Bouncy Castle, several times slower, is left out to keep
#      the run short); skipped by --no-cbc. The ipsec-mb provider is left out of both JMH passes
#      when this machine has no libIPSec_MB (Debian package libipsec-mb1).
#   1b. With each openssl speed run, bench/openssl-evp-loop.c (built here with cc -lcrypto when a C
#      compiler and the OpenSSL headers are present, else skipped): the same libcrypto calls as the
#      crypto module's OpenSSL engines, keyed once per SA, over ESP's ciphertext length. This is the
#      like-for-like native reference: 'openssl speed -aead' of OpenSSL 3.0.19 re-keys the context
#      and sets the IV length for every operation, work an SA does once.
#   1c. With the same runs, bench/ipsec-mb-loop.c (built here with cc -lIPSec_MB when a C compiler
#      and intel-ipsec-mb's header are present, else skipped): the intel-ipsec-mb calls of the crypto
#      module's ipsec-mb engine, the like-for-like native reference of that provider. AES-128-GCM at
#      the GCM sizes with 1 SA, and with 20,000 SAs (keys picked at random per packet) without and
#      with prefetching the SA's key data 8 packets ahead; AES-256-CBC + HMAC-SHA-256 at the CBC
#      sizes with 1 SA.
#   3b. Where the ipsec-mb provider is in the JMH passes: JMH HubForwardingBenchmark.cryptoFloor, the
#      hub's crypto floor with 10,000 spokes (frames copied in, SA state touched, ESP decrypt with
#      the sender's SA and encrypt with the receiver's, 20,000 SAs), provider ipsec-mb, sizes 64,
#      576, 1400 and IMIX (inner packet; the ESP payload is GRE with key, 8 bytes more), -prof gc;
#      the report sets it against the ipsec-mb loop's decrypt + encrypt with 20,000 SAs, prefetch 8,
#      of steps 1c and 4, which bracket it. Skipped by --no-floor.
#   4. The openssl speed and loop runs of step 1 again, so drift of a shared machine shows.
# Then bench/crypto-compare-report.py prints the comparison table and writes
# results/crypto-<UTC time>.md (command, commit, machine, load, tables, verbatim JMH and openssl
# output). JMH JSON goes to results/jmh/ as './dmvpn bench' names it; full console logs to
# results/tmp/ (not committed). About 12 minutes with the defaults on 2 cores (and the JMH passes
# of the ipsec-mb provider when it is there, and about a minute more for step 3b).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ARGS="$*"
OPENSSL_SECONDS=2
CBC=1
FLOOR=1
JMH_OPTS=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
GCM_SIZES=(64 576 1400 1500)
CBC_SIZES=(64 1400)
# The ipsec-mb loop's many-SA runs: how many SAs, and the prefetch distance of the second run.
IMB_SAS=20000
IMB_PREFETCH=8

die() { echo "openssl-speed: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --openssl-seconds) [ $# -ge 2 ] || die "--openssl-seconds needs a number."; OPENSSL_SECONDS=$2; shift 2 ;;
    --no-cbc) CBC=0; shift ;;
    --no-floor) FLOOR=0; shift ;;
    --) shift; [ $# -gt 0 ] && JMH_OPTS=("$@"); break ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown option '$1' (see --help)." ;;
  esac
done
[[ "$OPENSSL_SECONDS" =~ ^[1-9][0-9]*$ ]] || die "--openssl-seconds must be a positive whole number, not '$OPENSSL_SECONDS'."
command -v openssl >/dev/null 2>&1 || die "openssl not found: install the Debian package openssl."
command -v python3 >/dev/null 2>&1 || die "python3 not found (it writes the report): install the Debian package python3."
openssl speed -help 2>&1 | grep -q -- '-aead' || die "this openssl's speed has no -aead (OpenSSL 3.0 or newer is needed): $(openssl version)."

# The native loop, when this machine can build it.
LOOP="$ROOT/bench/target/openssl-evp-loop"
mkdir -p "$ROOT/bench/target"
if ! { command -v cc >/dev/null 2>&1 &&
       cc -O2 -o "$LOOP" "$ROOT/bench/openssl-evp-loop.c" -lcrypto 2>"$ROOT/bench/target/openssl-evp-loop.err"; }; then
  echo "openssl-speed: cannot build bench/openssl-evp-loop.c (needs cc and the OpenSSL headers: Debian packages gcc and libssl-dev); its reference is left out." >&2
  LOOP=""
fi
IMB_LOOP="$ROOT/bench/target/ipsec-mb-loop"
if ! { command -v cc >/dev/null 2>&1 && [ -f /usr/include/intel-ipsec-mb.h ] &&
       cc -O2 -o "$IMB_LOOP" "$ROOT/bench/ipsec-mb-loop.c" -lIPSec_MB 2>"$ROOT/bench/target/ipsec-mb-loop.err"; }; then
  echo "openssl-speed: cannot build bench/ipsec-mb-loop.c (needs cc and intel-ipsec-mb: Debian packages gcc and libipsec-mb-dev); its reference is left out." >&2
  IMB_LOOP=""
fi

# The JMH providers: every CryptoProvider (EspCryptoBenchmark's default), less IPSEC_MB where this
# machine has no libIPSec_MB to load; the CBC pass JDK, OPENSSL and IPSEC_MB where there. The
# crypto floor pass (3b) only where the ipsec-mb provider is in them (IMB_JMH=1).
CBC_PROVIDERS=JDK,OPENSSL
GCM_PROVIDER_OPTS=()
IMB_JMH=0
if grep -Eq '^[[:space:]]*IPSEC_MB[[:space:]]*\(' "$ROOT/crypto/src/main/java/net/dmvpnhub/crypto/CryptoProvider.java" 2>/dev/null; then
  # As the launcher's ipsec_mb_present; a library named by DMVPN_IPSEC_MB_LIBRARY is taken as there.
  if [ -n "${DMVPN_IPSEC_MB_LIBRARY:-}" ] ||
     { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep 'libIPSec_MB\.so\.1 ' >/dev/null; then
    CBC_PROVIDERS=JDK,OPENSSL,IPSEC_MB
    IMB_JMH=1
  else
    echo "openssl-speed: libIPSec_MB.so.1 not found (Debian package libipsec-mb1): the JMH passes leave the ipsec-mb provider out." >&2
    GCM_PROVIDER_OPTS=(-p "provider=$(sed -n 's/^[[:space:]]*\([A-Z_]*\)[[:space:]]*(".*$/\1/p' \
      "$ROOT/crypto/src/main/java/net/dmvpnhub/crypto/CryptoProvider.java" | grep -vx IPSEC_MB | paste -sd, -)")
  fi
fi

# ESP's ciphertext length for a payload: payload, padding to the transform's alignment, pad length, next header.
esp_bytes() { # alignment payload
  echo $(( ($2 + 2 + $1 - 1) / $1 * $1 ))
}

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
WORK="$ROOT/results/tmp/crypto-$STAMP"
REPORT="$ROOT/results/crypto-$STAMP.md"
mkdir -p "$WORK" "$ROOT/results/jmh"
# The launcher's crypto-compare says how it was called; run directly, this script's own name.
COMMAND=${DMVPN_INVOKED:-"bench/openssl-speed.sh${ARGS:+ $ARGS}"}

{
  echo "command: $COMMAND"
  echo "jmh_options: ${JMH_OPTS[*]}"
  echo "openssl_seconds: $OPENSSL_SECONDS"
  echo "commit: $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "branch: $(cd "$ROOT" && git rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)"
  echo "dirty: $(cd "$ROOT" && git status --porcelain --untracked-files=no 2>/dev/null | wc -l) tracked files changed"
  echo "started: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "uptime_before: $(uptime)"
} > "$WORK/run.txt"
{
  echo "\$ nproc"; nproc
  echo "\$ lscpu | grep 'Model name'"; lscpu | grep 'Model name' || true
  echo "\$ java -version"; "$ROOT/dmvpn" java 2>&1 | tail -n +2
  echo "\$ openssl version"; openssl version
  if [ -n "$LOOP" ] || [ -n "$IMB_LOOP" ]; then echo "\$ cc --version | head -n 1"; cc --version | head -n 1; fi
  if [ -n "$IMB_LOOP" ]; then
    echo "\$ ipsec-mb-loop gcm-encrypt 64 0.1 (its stderr: the library's version and the architecture init_mb_mgr_auto picked)"
    "$IMB_LOOP" gcm-encrypt 64 0.1 2>&1 >/dev/null || true
  fi
} > "$WORK/machine.txt"

# The ipsec-mb loop, once, its +M line to a pass file after a '# imb-KIND DIR PAYLOAD SAS PREFETCH:' line.
imb_run() { # out kind dir payload bytes sas prefetch
  echo "# imb-$2 $3 $4 $6 $7: ipsec-mb-loop $2-$3 $5 $OPENSSL_SECONDS $6 $7" >> "$1"
  "$IMB_LOOP" "$2-$3" "$5" "$OPENSSL_SECONDS" "$6" "$7" >> "$1" 2>"$WORK/ipsec-mb-loop.err" ||
    die "bench/ipsec-mb-loop $2-$3 $5 $OPENSSL_SECONDS $6 $7 failed: $(cat "$WORK/ipsec-mb-loop.err")"
}

# openssl speed, one size at a time; its machine-readable lines (+R:count:name:seconds) on stderr.
openssl_pass() { # pass-name
  local out="$WORK/openssl-$1.txt" n
  : > "$out"
  for n in "${GCM_SIZES[@]}"; do
    for dir in encrypt decrypt; do
      local flag=(); [ "$dir" = decrypt ] && flag=(-decrypt)
      echo "# gcm $dir $n: openssl speed -mr -elapsed ${flag[*]} -aead -evp aes-128-gcm -bytes $n -seconds $OPENSSL_SECONDS" >> "$out"
      openssl speed -mr -elapsed "${flag[@]}" -aead -evp aes-128-gcm -bytes "$n" -seconds "$OPENSSL_SECONDS" 2>&1 | grep -E '^\+(R|F):' >> "$out"
      if [ -n "$LOOP" ]; then
        echo "# loop-gcm $dir $n: openssl-evp-loop gcm-$dir $(esp_bytes 4 "$n") $OPENSSL_SECONDS" >> "$out"
        "$LOOP" "gcm-$dir" "$(esp_bytes 4 "$n")" "$OPENSSL_SECONDS" >> "$out"
      fi
      if [ -n "$IMB_LOOP" ]; then
        imb_run "$out" gcm "$dir" "$n" "$(esp_bytes 4 "$n")" 1 0
        # As EspCryptoBenchmark.decrypt: the packet copied into a slot, then decrypted there.
        if [ "$dir" = decrypt ]; then imb_run "$out" gcm decrypt-copied "$n" "$(esp_bytes 4 "$n")" 1 0; fi
        imb_run "$out" gcm "$dir" "$n" "$(esp_bytes 4 "$n")" "$IMB_SAS" 0
        imb_run "$out" gcm "$dir" "$n" "$(esp_bytes 4 "$n")" "$IMB_SAS" "$IMB_PREFETCH"
      fi
    done
  done
  if [ "$CBC" = 1 ]; then
    for n in "${CBC_SIZES[@]}"; do
      for dir in encrypt decrypt; do
        local flag=(); [ "$dir" = decrypt ] && flag=(-decrypt)
        echo "# cbc $dir $n: openssl speed -mr -elapsed ${flag[*]} -evp aes-256-cbc -bytes $n -seconds $OPENSSL_SECONDS" >> "$out"
        openssl speed -mr -elapsed "${flag[@]}" -evp aes-256-cbc -bytes "$n" -seconds "$OPENSSL_SECONDS" 2>&1 | grep -E '^\+(R|F):' >> "$out"
        if [ -n "$LOOP" ]; then
          echo "# loop-cbc $dir $n: openssl-evp-loop cbc-$dir $(esp_bytes 16 "$n") $OPENSSL_SECONDS" >> "$out"
          "$LOOP" "cbc-$dir" "$(esp_bytes 16 "$n")" "$OPENSSL_SECONDS" >> "$out"
        fi
        if [ -n "$IMB_LOOP" ]; then
          imb_run "$out" cbc "$dir" "$n" "$(esp_bytes 16 "$n")" 1 0
        fi
      done
      echo "# hmac any $n: openssl speed -mr -elapsed -hmac sha256 -bytes $n -seconds $OPENSSL_SECONDS" >> "$out"
      openssl speed -mr -elapsed -hmac sha256 -bytes "$n" -seconds "$OPENSSL_SECONDS" 2>&1 | grep -E '^\+(R|F):' >> "$out"
    done
  fi
  echo "openssl-speed: openssl speed${LOOP:+, EVP loop}${IMB_LOOP:+, ipsec-mb loop} pass '$1' done" >&2
}

jmh_pass() { # name, then JMH arguments
  local name=$1; shift
  local log="$WORK/jmh-$name.log"
  echo "openssl-speed: JMH pass '$name': ./dmvpn bench $*" >&2
  "$ROOT/dmvpn" bench "$@" 2>&1 | tee "$log" | grep -E --line-buffered '^(# Benchmark:|# Parameters:|Benchmark |EspCrypto|HubForwarding|dmvpn:)|rror|xception' >&2
  [ "${PIPESTATUS[0]}" = 0 ] || die "JMH pass '$name' failed: see ${log#$ROOT/}"
  local json
  json=$(sed -n 's/^dmvpn: JMH results in //p' "$log" | tail -n 1)
  [ -n "$json" ] && [ -f "$ROOT/$json" ] || die "JMH pass '$name' wrote no JSON: see ${log#$ROOT/}"
  echo "$name $json ./dmvpn bench $*" >> "$WORK/jmh-runs.txt"
}

: > "$WORK/jmh-runs.txt"
openssl_pass before
jmh_pass gcm EspCryptoBenchmark "${GCM_PROVIDER_OPTS[@]}" -prof gc "${JMH_OPTS[@]}"
if [ "$CBC" = 1 ]; then
  jmh_pass cbc EspCryptoBenchmark -p transform=AES_256_CBC_HMAC_SHA256 -p size=64,1400 -p provider="$CBC_PROVIDERS" \
    -prof gc "${JMH_OPTS[@]}"
fi
# The hub's crypto floor, between the native passes that bracket it; the report compares it with the
# ipsec-mb loop's decrypt + encrypt with $IMB_SAS SAs and prefetch $IMB_PREFETCH.
if [ "$FLOOR" = 1 ] && [ "$IMB_JMH" = 1 ]; then
  jmh_pass floor HubForwardingBenchmark.cryptoFloor -p provider=ipsec-mb -p size=64,576,1400,IMIX -prof gc "${JMH_OPTS[@]}"
elif [ "$FLOOR" = 1 ]; then
  echo "openssl-speed: the ipsec-mb provider is not in the JMH passes: the crypto floor pass (HubForwardingBenchmark.cryptoFloor) is left out." >&2
fi
openssl_pass after
{
  echo "finished: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "uptime_after: $(uptime)"
} >> "$WORK/run.txt"

python3 "$ROOT/bench/crypto-compare-report.py" "$ROOT" "$WORK" "$REPORT"
echo "openssl-speed: report in ${REPORT#$ROOT/}" >&2
