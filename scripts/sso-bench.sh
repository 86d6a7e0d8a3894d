#!/usr/bin/env bash
# Single sign-on figures (docs/benchmarks.md): P2 with an identity
# provider's token (an idle poll carrying a verified JWT, against a bare
# axum hello-world, with the demo's static token beside it in the same
# run), and the first request of a new token against a cached one.
#   scripts/sso-bench.sh
# Needs Node.js and `npm ci --prefix tests/oidc`; installs wrk when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ -d tests/oidc/node_modules ] || npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error
cargo build --release --quiet --bin regiedesk --example hello
bin=target/release/regiedesk
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}

dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$dir"' EXIT
sleep 100000 | node tests/oidc/provider.mjs --port 7880 --access-ttl 3600 >"$dir/idp.out" 2>/dev/null &
until grep -q issuer "$dir/idp.out" 2>/dev/null; do sleep 0.2; done
issuer=http://127.0.0.1:7880
cat >"$dir/regiedesk.toml" <<TOML
[auth.oidc]
issuer = "$issuer"
audience = "urn:regiedesk:api"
TOML
RUST_LOG=warn $bin --config "$dir/regiedesk.toml" serve --demo --bind 127.0.0.1:7878 \
  --database-url "sqlite://$dir/demo.db" >/dev/null &
target/release/examples/hello 127.0.0.1:7979 &
until curl -sf http://127.0.0.1:7878/healthz >/dev/null; do sleep 0.2; done
until curl -sf http://127.0.0.1:7979/ >/dev/null; do sleep 0.2; done

mapfile -t tokens < <(python3 scripts/sso_client.py token "$issuer" pr-jeugd wachtwoord-pr-jeugd 246810)
jwt=${tokens[0]}
refresh=${tokens[1]}

# The desk's state after its first sync: the cursor and the ETag.
sync_state() {
  local auth=$1 cursor="" headers
  while :; do
    headers=$(curl -s -D - -o "$dir/sync.json" -H "authorization: Bearer $auth" \
      "http://127.0.0.1:7878/api/v1/sync?limit=5000&since=$cursor")
    cursor=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cursor"])' "$dir/sync.json")
    etag=$(printf '%s' "$headers" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
    [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["has_more"])' "$dir/sync.json")" = "True" ] || break
  done
  echo "$cursor $etag"
}
read -r cursor etag < <(sync_state "$jwt")
status=$(curl -s -o /dev/null -w '%{http_code}' -H "authorization: Bearer $jwt" \
  -H "if-none-match: $etag" "http://127.0.0.1:7878/api/v1/sync?since=$cursor")
[ "$status" = 304 ] || { echo "the idle poll answered $status, not 304" >&2; exit 1; }

rate() { wrk -t2 -c"$connections" -d"$duration" "$@" | awk '/Requests\/sec/ {print $2}'; }
hello=$(rate http://127.0.0.1:7979/)
sso=$(rate -H "authorization: Bearer $jwt" -H "if-none-match: $etag" \
  "http://127.0.0.1:7878/api/v1/sync?since=$cursor")
static=$(rate -H 'authorization: Bearer demo-pr-jeugd' -H "if-none-match: $etag" \
  "http://127.0.0.1:7878/api/v1/sync?since=$cursor")
me=$(rate -H "authorization: Bearer $jwt" http://127.0.0.1:7878/api/v1/me)
printf 'hello-world        %10.0f req/s\n' "$hello"
for pair in "sync-304-jwt:$sso" "sync-304-static:$static" "me-jwt:$me"; do
  name=${pair%%:*}; value=${pair#*:}
  printf '%-18s %10.0f req/s  ratio %.2f\n' "$name" "$value" "$(echo "$value / $hello" | bc -l)"
done
python3 scripts/sso_client.py first-requests "$issuer" http://127.0.0.1:7878 "$refresh" "${TOKENS:-200}"
