#!/usr/bin/env bash
# The reliability properties of tests/reliability.rs, larger than in
# `cargo test`: by default 200 decision races and 200 reassignment races
# of 50 contenders each, 200 cases through the concurrent-writer sync, and
# kill -9 after 2,000 acknowledged writes, on SQLite and on PostgreSQL.
#
#   scripts/reliability.sh                     # the defaults above
#   RACES=20 SCALE=2 scripts/reliability.sh    # smaller
#   STRESS=1 scripts/reliability.sh            # under `stress --cpu 2`
#
# PostgreSQL is required (CI=true makes a missing one fail, not skip).
# The figures are the lines with RELIABILITY; docs/reliability.md
# lists the last ones measured.
set -euo pipefail
cd "$(dirname "$0")/.."

export REGIEDESK_TEST_DATABASE_URL="${REGIEDESK_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
export REGIEDESK_RELIABILITY_SCALE="${SCALE:-10}"
export REGIEDESK_RELIABILITY_RACES="${RACES:-200}"
export CI=true

stress_pid=""
cleanup() {
  if [ -n "$stress_pid" ]; then
    pkill -TERM -P "$stress_pid" 2>/dev/null || true
    kill "$stress_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
if [ -n "${STRESS:-}" ]; then
  stress --cpu 2 --timeout 3600 --quiet 2>/dev/null &
  stress_pid=$!
fi

log="$(mktemp)"
start=$(date +%s)
# One test at a time: the figures are each property's own.
if cargo test --test reliability -- --nocapture --test-threads=1 >"$log" 2>&1; then
  status=0
else
  status=$?
fi
grep -o 'RELIABILITY.*' "$log" || true
grep -E '^test result|FAILED|panicked' "$log" || true
echo "scale ${REGIEDESK_RELIABILITY_SCALE}, ${REGIEDESK_RELIABILITY_RACES} races per kind, ${STRESS:+under stress --cpu 2, }$(( $(date +%s) - start )) s; full log: $log"
exit "$status"
