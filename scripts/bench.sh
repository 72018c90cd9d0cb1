#!/usr/bin/env bash
# Measures the numbers the README reports (a benchmark, not a test): start-up to ready on an
# existing database, the compressed size of the release wasm + JS, and landing-page requests/s
# as a fraction of a plain axum route (/healthz) in the same run. Release build; loopback only;
# every load run is bounded (wrk -d).
set -euo pipefail
source "$(dirname "$0")/tools.sh"
cd "$ROOT"
ensure_rust_tools
ensure_wasm_opt
ensure_wrk
PORT="${BENCH_PORT:-3200}"
DATA="$(mktemp -d)"
DURATION="${BENCH_SECONDS:-10}"

say "release build"
cargo leptos build --release >/dev/null

export PORTAL_BIND="127.0.0.1:$PORT" PORTAL_DATA_DIR="$DATA" PORTAL_DEMO=true \
  PORTAL_SECURE_COOKIES=false PORTAL_LOG=warn LEPTOS_SITE_ROOT="$ROOT/target/site"

wait_ready() {
  for _ in $(seq 1 500); do
    curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return 0
    sleep 0.01
  done
  return 1
}

# First start creates and seeds the database; the measured starts reuse it.
"$ROOT/target/release/server" & pid=$!; wait_ready; kill "$pid"; wait "$pid" 2>/dev/null || true
best=999999
for _ in 1 2 3; do
  start=$(date +%s%N)
  "$ROOT/target/release/server" & pid=$!
  wait_ready
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  [ "$ms" -lt "$best" ] && best=$ms
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
echo "start-up to ready (existing SQLite database, best of 3): ${best} ms"

wasm=$(gzip -9 -c target/site/pkg/portal.wasm | wc -c)
js=$(gzip -9 -c target/site/pkg/portal.js | wc -c)
css=$(gzip -9 -c target/site/pkg/portal.css | wc -c)
echo "release wasm + JS, gzip -9: $(( (wasm + js) / 1024 )) KB (wasm $((wasm / 1024)) KB, JS $((js / 1024)) KB; CSS $((css / 1024)) KB)"

"$ROOT/target/release/server" & pid=$!
wait_ready
rps() { wrk -t2 -c32 -d"${DURATION}s" "$1" | awk '/Requests\/sec/ {print int($2)}'; }
plain=$(rps "http://127.0.0.1:$PORT/healthz")
landing=$(rps "http://127.0.0.1:$PORT/")
kill "$pid"; wait "$pid" 2>/dev/null || true
echo "plain axum route /healthz: $plain req/s; landing page /: $landing req/s ($(( landing * 100 / plain )) % of plain)"
rm -rf "$DATA"
