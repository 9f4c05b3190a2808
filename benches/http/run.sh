#!/usr/bin/env bash
# Load figures of `netspec serve` (benches/BENCHMARKS.md, "The HTTP service"):
# a release build on 127.0.0.1, wrk POSTing the bundled adult critical care
# examples (evaluate.lua) at 1, 16 and 64 connections, DURATION seconds each
# (default 10), on the same cores as the server. Prints wrk's report, the
# server's CPU time per run (from /proc) and its peak RSS (/usr/bin/time -v).
#   bash benches/http/run.sh [QUERY] [RUST_LOG]
# QUERY is added to the route (e.g. `?compact=true`); RUST_LOG (default
# info: one log line per request) filters the server's logs.
# Needs: wrk and time (Debian packages: apt-get install wrk time).
set -euo pipefail
cd "$(dirname "$0")/../.."
query=${1:-}
log=${2:-info}
duration=${DURATION:-10}
cargo build --release --locked -q -p netspec-cli
work=$(mktemp -d)
RUST_LOG=$log /usr/bin/time -v -o "$work/time" \
  target/release/netspec serve --addr 127.0.0.1:0 --no-web > "$work/out" 2> "$work/log" &
timer=$!
for _ in $(seq 1 100); do
  addr=$(sed -n 's|^netspec serve: listening on http://||p' "$work/out")
  [ -n "$addr" ] && break
  sleep 0.1
done
server=$(pgrep -P "$timer")
until curl -sf "http://$addr/readyz" > /dev/null; do sleep 0.1; done
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(uname -sr)"
echo "route: POST /v1/specs/adult_critical_care/evaluate$query, RUST_LOG=$log, ${duration}s per run"
for c in 1 16 64; do
  t=$((c < 2 ? 1 : 2))
  before=$(cpu)
  NETSPEC_PATH="/v1/specs/adult_critical_care/evaluate$query" \
    wrk -t"$t" -c"$c" -d"${duration}s" --latency -s benches/http/evaluate.lua "http://$addr" | tee "$work/wrk-$c"
  after=$(cpu)
  echo "server CPU: $(awk -v a="$before" -v b="$after" -v t="$ticks" -v d="$duration" 'BEGIN {printf "%.2f s of CPU in %d s (%.0f%% of one core)", (b-a)/t, d, 100*(b-a)/t/d}')"
  echo
done
kill -TERM "$server"
wait "$timer" || true
grep -E 'Maximum resident set size|User time|System time|Elapsed' "$work/time"
grep -c '"message":"request"' "$work/log" | sed 's/^/request log lines: /'
rm -rf "$work"
