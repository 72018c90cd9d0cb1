#!/usr/bin/env bash
# Messaging numbers (issue 12; a benchmark, not a test): the customer's message list, one of
# their threads and the CIC inbox, p99 on the demo data set and again after adding 10,000
# customers and 1,000,000 messages in 100,000 threads among them (target: within 2x); a 10 MB attachment and five of them: the upload's time and
# the server's RSS while it arrives (streamed to disk, never held in memory). Release build,
# loopback only, every load run bounded (wrk -d). Run by scripts/bench.sh; on its own:
# scripts/bench_messages.sh (BENCH_MESSAGES, BENCH_SECONDS, DATABASE_URL for PostgreSQL).
set -euo pipefail
source "$(dirname "$0")/tools.sh"
cd "$ROOT"
ensure_wrk
PORT="${BENCH_PORT:-3210}"
DATA="$(mktemp -d)"
DURATION="${BENCH_SECONDS:-10}"
MESSAGES="${BENCH_MESSAGES:-1000000}"
[ -x target/release/server ] || { say "release build"; cargo leptos build --release >/dev/null; }

source "$ROOT/scripts/bench_lib.sh"
bench_env warn
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$DATA"' EXIT
start() { "$ROOT/target/release/server" & pid=$!; wait_ready; }
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

start
register_bench_customer
staff_sign_in
# The bench customer writes five threads; the agent answers the newest (a thread with a reply).
for i in 1 2 3 4 5; do
  json "$COOKIE" customer/start-thread --data-urlencode "subject=Vraag $i" --data-urlencode category=invoice \
    --data-urlencode contract= --data-urlencode "body=Klopt factuur $i? Met vriendelijke groeten." >/dev/null
done
thread=$(json "$COOKIE" customer/messages | python3 -c 'import json,sys; print(json.load(sys.stdin)["threads"][0]["id"])')
shown=$(json "$STAFF_COOKIE" cic/thread --data-urlencode "id=$thread")
json "$STAFF_COOKIE" cic/thread-act --data-urlencode "id=$thread" \
  --data-urlencode "version=$(echo "$shown" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')" \
  --data-urlencode "seen=$(echo "$shown" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seen"])')" \
  --data-urlencode action=reply --data-urlencode "body=Ja, die klopt." >/dev/null

page_p99() { wrk -t1 -c4 -d"${DURATION}s" --latency -H "Cookie: $1" -H 'accept: text/html' "$B$2" | p99; }
measure() {
  local list one inbox
  list=$(page_p99 "$COOKIE" /messages)
  one=$(page_p99 "$COOKIE" "/messages/$thread")
  inbox=$(page_p99 "$STAFF_COOKIE" /cic/inbox)
  echo "$1: message list /messages p99 $list, a thread /messages/$thread p99 $one, CIC inbox /cic/inbox p99 $inbox"
}
measure "messages, demo data set"

# Uploads: a 10 MB PDF, then five; the server's RSS sampled every 50 ms while they arrive.
pdf="$DATA/upload.pdf"
printf '%%PDF-1.4\n' > "$pdf"
head -c $(( 10 * 1024 * 1024 - 9 )) /dev/urandom >> "$pdf"
rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
upload() {
  local files=() before ms status
  for _ in $(seq 1 "$1"); do files+=(-F "attachments=@$pdf;type=application/pdf"); done
  before=$(rss)
  ( while kill -0 "$pid" 2>/dev/null; do rss; sleep 0.05; done ) > "$DATA/rss" & local sampler=$!
  local t0; t0=$(date +%s%N)
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" -H 'accept: application/json' \
    -F "subject=Upload $1" -F category=other -F contract= -F "body=Zie bijlage." "${files[@]}" \
    "$B/api/customer/start-thread")
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
  [ "$status" = 201 ] || { echo "upload answered $status" >&2; exit 1; }
  echo "upload of $1 x 10 MB attachment(s): stored in $ms ms (answer $status); server RSS $before KB before, peak $(sort -n "$DATA/rss" | tail -1) KB while it arrived"
}
upload 1
upload 5
stop

CUSTOMERS="${BENCH_MESSAGE_CUSTOMERS:-10000}"
say "adding $CUSTOMERS customers and $MESSAGES messages (threads of ten, spread over them)"
t0=$(date +%s)
PORTAL_LOG=error "$ROOT/target/release/server" seed --customers "$CUSTOMERS" >/dev/null
PORTAL_LOG=error "$ROOT/target/release/server" seed --messages "$MESSAGES"
echo "seeded $CUSTOMERS customers and $MESSAGES messages in $(( $(date +%s) - t0 )) s"
start
measure "messages, with $MESSAGES more"
stop
