#!/usr/bin/env bash
# Appends to FILE, every SECONDS seconds until killed, the load average and the processes that used
# the most CPU over the last second (top's second frame), so a recorded run shows what else ran.
# Usage: bench/load-sampler.sh FILE SECONDS
set -u
file=$1; every=$2
while true; do
  top -b -n 2 -d 1 -w 160 2>/dev/null | awk '/^top -/ {n++} n == 2' | awk 'NR == 1 || (NR >= 7 && NR <= 10)' |
    cut -c1-110 >> "$file"
  echo >> "$file"
  sleep "$every"
done
