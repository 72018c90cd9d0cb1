#!/usr/bin/env bash
# Instructions a request of every page (issue 13; a benchmark, not a test): the same pages as
# scripts/bench_pages.sh, each requested N times (BENCH_REQUESTS, default 20) after 5 warm-up
# requests by a release server running under valgrind's callgrind, which counts the
# instructions the server executes. Unlike requests/s, the count does not depend on what else
# the machine is doing (the runs on shared 2-core machines moved ±30 % from one minute to the
# next, /terms included, so a share of /terms from one wrk run could not tell 35 % from
# 40 %); it stays within about 1 % between runs of the same build. It counts work, not time:
# lock waits, system calls and cache misses are not in it, and PostgreSQL's own work is not
# either (its processes are not instrumented), so it compares builds on SQLite.
# Prints one table: thousands of instructions a request and the share of /terms' count
# (the inverse of the requests/s share: a page that costs 2.5 times /terms shows 40 %).
set -euo pipefail
source "$(dirname "$0")/tools.sh"
cd "$ROOT"
ensure_valgrind
PORT="${BENCH_PORT:-3225}"
DATA="$(mktemp -d)"
N="${BENCH_REQUESTS:-20}"
SERVER="${BENCH_SERVER:-$ROOT/target/release/server}"
[ -x "$SERVER" ] || { say "release build"; cargo leptos build --release >/dev/null; }

source "$ROOT/scripts/bench_lib.sh"
bench_env error
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$DATA"' EXIT
[[ "${DATABASE_URL:-}" == postgres* ]] && { echo "bench_instructions.sh measures SQLite (unset DATABASE_URL)" >&2; exit 1; }

# The bench customer and agent sign in on a plain server (argon2 under valgrind takes long);
# the instrumented server then starts on the same data with the same session secret, so their
# cookies stay valid.
"$SERVER" & pid=$!
wait_ready
register_bench_customer
staff_sign_in
thread_and_invoice
kill "$pid"; wait "$pid" 2>/dev/null || true
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$DATA/cg.%p" "$SERVER" \
  >/dev/null 2>&1 & pid=$!
for _ in $(seq 1 600); do curl -fs "$B/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "$B/readyz" >/dev/null || { echo "the server did not start under valgrind" >&2; exit 1; }

# Thousands of instructions a request of one page ($1 cookie, $2 path); every answer must be 200.
count() {
  local cookie="$1" path="$2" name dump status
  for _ in 1 2 3 4 5; do
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" -H 'accept: text/html' "$B$path")
    [ "$status" = 200 ] || { echo "$path answered $status" >&2; exit 1; }
  done
  name="p$RANDOM"
  callgrind_control -z "$pid" >/dev/null 2>&1
  callgrind_control -i on "$pid" >/dev/null 2>&1
  for _ in $(seq 1 "$N"); do
    curl -s -o /dev/null -H "Cookie: $cookie" -H 'accept: text/html' "$B$path"
  done
  callgrind_control -i off "$pid" >/dev/null 2>&1
  callgrind_control -d "$name" "$pid" >/dev/null 2>&1
  dump=$(grep -l "^desc: Trigger: .*$name" "$DATA"/cg.* | head -n 1)
  awk -v n="$N" '/^totals:/ {print int($2 / n / 1000); exit}' "$dump"
  rm -f "$dump"
}
terms=$(count "" /terms)
echo
echo "$(date +%F), SQLite, release, callgrind, $N requests per page after 5 warm-up requests"
echo
echo "| page | thousand instructions a request | share of /terms (count of /terms ÷ count of the page) |"
echo "|---|---|---|"
echo "| /healthz (plain axum route) | $(count "" /healthz) | |"
echo "| /terms (no data) | $terms | 100 % |"
row() {
  local k
  k=$(count "$2" "$3")
  echo "| $1 | $k | $(( terms * 100 / k )) % |"
}
each_page row
