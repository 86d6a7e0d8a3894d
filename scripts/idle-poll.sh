#!/usr/bin/env bash
# P2 (docs/benchmarks.md): an idle poll (GET /api/v1/sync answered 304)
# against a minimal axum hello-world, in one run, under wrk on loopback.
#   scripts/idle-poll.sh [DATABASE_URL]   (default: a fresh demo on SQLite)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet --bin regiedesk --example hello
bin=target/release/regiedesk
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}

dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$dir"' EXIT
url=${1:-sqlite://$dir/demo.db}
RUST_LOG=warn $bin serve --demo --bind 127.0.0.1:7878 --database-url "$url" ${SERVE_ARGS:-} >/dev/null &
target/release/examples/hello 127.0.0.1:7979 &
until curl -sf http://127.0.0.1:7878/healthz >/dev/null; do sleep 0.2; done
until curl -sf http://127.0.0.1:7979/ >/dev/null; do sleep 0.2; done

# The desk's state after its first sync: the cursor and the ETag.
headers=$(curl -s -D - -o "$dir/sync.json" -H 'authorization: Bearer demo-pr-jeugd' \
  'http://127.0.0.1:7878/api/v1/sync?limit=5000')
cursor=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cursor"])' "$dir/sync.json")
etag=$(printf '%s' "$headers" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
while [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["has_more"])' "$dir/sync.json")" = "True" ]; do
  headers=$(curl -s -D - -o "$dir/sync.json" -H 'authorization: Bearer demo-pr-jeugd' \
    "http://127.0.0.1:7878/api/v1/sync?limit=5000&since=$cursor")
  cursor=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cursor"])' "$dir/sync.json")
  etag=$(printf '%s' "$headers" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
done
status=$(curl -s -o /dev/null -w '%{http_code}' -H 'authorization: Bearer demo-pr-jeugd' \
  -H "if-none-match: $etag" "http://127.0.0.1:7878/api/v1/sync?since=$cursor")
[ "$status" = 304 ] || { echo "the idle poll answered $status, not 304" >&2; exit 1; }

rate() { wrk -t2 -c"$connections" -d"$duration" "$@" | awk '/Requests\/sec/ {print $2}'; }
hello=$(rate http://127.0.0.1:7979/)
sync=$(rate -H 'authorization: Bearer demo-pr-jeugd' -H "if-none-match: $etag" \
  "http://127.0.0.1:7878/api/v1/sync?since=$cursor")
me=$(rate -H 'authorization: Bearer demo-pr-jeugd' http://127.0.0.1:7878/api/v1/me)
health=$(rate http://127.0.0.1:7878/healthz)
printf 'hello-world  %10.0f req/s\n' "$hello"
for pair in "sync-304:$sync" "me:$me" "healthz:$health"; do
  name=${pair%%:*}; value=${pair#*:}
  printf '%-12s %10.0f req/s  ratio %.2f\n' "$name" "$value" "$(echo "$value / $hello" | bc -l)"
done
