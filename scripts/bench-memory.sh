#!/usr/bin/env bash
# The memory benchmarks of docs/BENCHMARKS.md ("Memory"), in one run.
#
#   scripts/bench-memory.sh [upstream-run.js]
#
# With the path of upstream's CLI (dist/run.js of the npm package
# @spotlightjs/spotlight@4.11.8), upstream gets the same load first, side by
# side. Needs bin/spotlight and bin/spotlight-load (make build, then
# go build -o bin/spotlight-load ./cmd/spotlight-load) and the fixtures in
# ../shared/fixtures (FIXTURES=...).
set -euo pipefail
cd "$(dirname "$0")/.."
F=${FIXTURES:-../shared/fixtures}/envelopes
LOAD=bin/spotlight-load
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SPOTLIGHT_REGISTRY_DIR=$tmp/instances SPOTLIGHT_CONTROL_CENTER_URL=http://127.0.0.1:1

# A 1 MiB envelope: a small event and 1 MiB of random bytes as an attachment
# (a screenshot, say): incompressible, so it is held raw, the worst case.
head -c 1048576 /dev/urandom > "$tmp/blob"
{
	printf '{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc"}\n{"type":"event"}\n{"message":"with a screenshot","level":"error"}\n'
	printf '{"type":"attachment","length":1048576,"filename":"screenshot.png","content_type":"image/png"}\n'
	cat "$tmp/blob"
	printf '\n'
} > "$tmp/envelope_1mib.bin"

echo "== the issue's load: 130 KB browser error, 16 clients, 8 s; RSS 15 s later"
if [ $# -ge 1 ]; then
	port=18971
	node "$1" --port $port > "$tmp/upstream.log" 2>&1 &
	up=$!
	for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/health" > /dev/null && break; sleep 0.1; done
	sleep 2 # let it settle before reading its idle RSS
	echo "-- upstream 4.11.8 (node $(node --version))"
	$LOAD -url "http://127.0.0.1:$port" -pid $up -file "$F/envelope_javascript.txt" -c 16 -d 8s -settle 15s
	kill $up; wait $up 2> /dev/null || true
fi
echo "-- spotlight, default bounds"
$LOAD -spawn bin/spotlight -file "$F/envelope_javascript.txt" -c 16 -d 8s -settle 15s

echo "== peak RSS against --buffer-bytes (16 clients, 10 s)"
for bytes in 64MiB 256MiB; do
	for f in "$F/envelope_php.txt" "$F/envelope_javascript.txt" "$tmp/envelope_1mib.bin"; do
		echo "-- --buffer-bytes $bytes, $(basename "$f")"
		$LOAD -spawn bin/spotlight -file "$f" -c 16 -d 10s -settle 5s -- --buffer-bytes $bytes --buffer-size 1000000
	done
done
