#!/usr/bin/env bash
# The cost of the Control Center following N instances that each receive
# RATE envelopes/s (docs/BENCHMARKS.md, "Control Center: following instances").
# Starts a Control Center and N `spotlight run sleep` instances on a private
# registry, loads every instance with cmd/spotlight-load for DURATION, and
# prints the Control Center's CPU time and RSS, and how many envelopes its
# merged copy received. Usage:
#   scripts/bench-follow.sh [N=10] [RATE=100] [DURATION=30s] [ENVELOPE=../shared/fixtures/envelopes/envelope_php.txt]
set -euo pipefail
N=${1:-10} RATE=${2:-100} DURATION=${3:-30s}
ENVELOPE=${4:-../shared/fixtures/envelopes/envelope_php.txt}
BIN=${BIN:-bin/spotlight} LOAD=${LOAD:-bin/spotlight-load}
work=$(mktemp -d)
export SPOTLIGHT_REGISTRY_DIR=$work/instances
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap 'kill "${pids[@]}" 2>/dev/null; cp -r "$work" "$KEEP"' EXIT

cc_port=$(port)
export SPOTLIGHT_CONTROL_CENTER_URL=http://localhost:$cc_port
"$BIN" -p "$cc_port" >"$work/cc.log" 2>&1 & cc=$!; pids+=("$cc")
ports=()
for i in $(seq "$N"); do
  p=$(port); ports+=("$p")
  "$BIN" run -p "$p" sleep 3600 >/dev/null 2>&1 & pids+=("$!")
done
for p in "${ports[@]}" "$cc_port"; do
  for _ in $(seq 100); do curl -fs "localhost:$p/health" >/dev/null && break; sleep 0.1; done
done
# Wait until the Control Center lists (and so follows) every instance.
for _ in $(seq 100); do
  [ "$(curl -fs "localhost:$cc_port/api/instances" | grep -o '"status":"healthy"' | wc -l)" -ge "$N" ] && break; sleep 0.1
done
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
tck=$(getconf CLK_TCK)
# Count what reaches the merged copy: one reader of its stream.
curl -sN "localhost:$cc_port/stream?instance=all" >"$work/merged.sse" & pids+=("$!")
sleep 1
before=$(cpu "$cc"); rss0=$(awk '/VmRSS/{print $2}' "/proc/$cc/status")
loads=()
for p in "${ports[@]}"; do
  "$LOAD" -url "http://localhost:$p" -file "$ENVELOPE" -c 1 -rate "$RATE" -d "$DURATION" >"$work/load-$p.txt" 2>&1 & loads+=("$!")
done
wait "${loads[@]}"
sleep 2 # let the followers drain
after=$(cpu "$cc")
rss=$(awk '/VmRSS/{print $2}' "/proc/$cc/status"); hwm=$(awk '/VmHWM/{print $2}' "/proc/$cc/status")
sent=$(cat "$work"/load-*.txt | awk '/^requests:/{s+=$2} END{print s+0}')
got=$(grep -c '^event: application/x-sentry-envelope' "$work/merged.sse" || true)
counts=$(curl -fs "localhost:$cc_port/api/counts?instance=all" || echo unavailable)
secs=$(awk -v d="$DURATION" 'BEGIN{sub(/s$/,"",d); print d}')
awk -v b="$before" -v a="$after" -v t="$tck" -v s="$secs" -v n="$N" -v r="$RATE" -v g="$got" -v sn="$sent" -v r0="$rss0" -v r1="$rss" -v h="$hwm" 'BEGIN{
  cpu=(a-b)/t
  printf "instances=%d rate=%d/s each duration=%ss\n", n, r, s
  printf "control center CPU: %.2f s = %.1f%% of one core; %.0f us per followed envelope\n", cpu, 100*cpu/s, (g>0 ? 1e6*cpu/g : 0)
  printf "control center RSS: %.1f MiB before, %.1f MiB after, peak %.1f MiB\n", r0/1024, r1/1024, h/1024
  printf "envelopes sent to the instances: %d, in the merged stream: %d\n", sn, g
}'
echo "event model of the merged copy (at most the last 1,000 envelopes): $counts"
head -3 "$work/load-${ports[0]}.txt"
