#!/usr/bin/env bash
# The browser targets of issue 13, measured (a benchmark, not a test): Lighthouse 12 (mobile,
# simulated slow 4G, the default) on every customer and staff page, signed-in pages with a
# signed-in cookie, against the release build with demo data. Prints one table: performance
# and accessibility scores, largest contentful paint, total blocking time, layout shift, and
# the wasm + JS the page loaded (bytes over the wire, compressed). Targets: performance >= 95,
# accessibility 100, LCP <= 2.5 s, TBT <= 150 ms, CLS <= 0.05, wasm + JS <= 120 KB.
# Usage: scripts/lighthouse.sh [path ...] (default: every page below).
set -euo pipefail
source "$(dirname "$0")/tools.sh"
cd "$ROOT"
ensure_rust_tools
ensure_wasm_opt
ensure_chromium
PORT="${BENCH_PORT:-3230}"
DATA="$(mktemp -d)"
LH="$ROOT/scripts/lighthouse"
if [ ! -x "$LH/node_modules/.bin/lighthouse" ]; then
  say "installing Lighthouse (npm)"
  (cd "$LH" && npm ci --no-audit --no-fund >/dev/null)
fi
# Always: target/site holds whichever build ran last, and a debug build's wasm is several times
# larger (the release build is incremental and quick when nothing changed).
say "release build"
cargo leptos build --release >/dev/null

source "$ROOT/scripts/bench_lib.sh"
bench_env error
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$DATA"' EXIT
"$ROOT/target/release/server" & pid=$!
wait_ready
register_bench_customer
staff_sign_in
thread_and_invoice

# "who path" pairs: v = visitor, c = the bench customer, s = the demo agent.
if [ "$#" -gt 0 ]; then
  pages=(); for p in "$@"; do pages+=("${WHO:-c} $p"); done
else
  pages=("v /" "v /login" "v /register" "v /terms" "v /cic/login"
    "c /dashboard" "c /contracts/LC-2023-0001" "c /invoices" "c /invoices/$INVOICE" "c /documents"
    "c /requests" "c /messages" "c /messages/$THREAD" "c /messages/new" "c /profile/contact" "c /profile/security"
    "s /cic" "s /cic/queue" "s /cic/inbox" "s /cic/customers" "s /cic/customers/100001")
fi

echo
echo "$(date +%F), Lighthouse 12.8.2, mobile (simulated slow 4G), release build, demo data"
echo
echo "| page | performance | accessibility | LCP s | TBT ms | CLS | wasm + JS KB |"
echo "|---|---|---|---|---|---|---|"
for entry in "${pages[@]}"; do
  who="${entry%% *}"; path="${entry#* }"
  case "$who" in
    c) cookie="$COOKIE" ;;
    s) cookie="$STAFF_COOKIE" ;;
    *) cookie="" ;;
  esac
  python3 -c 'import json,sys; print(json.dumps({"Cookie": sys.argv[1]} if sys.argv[1] else {}))' "$cookie" > "$DATA/headers.json"
  "$LH/node_modules/.bin/lighthouse" "$B$path" --quiet --output=json --output-path="$DATA/lh.json" \
    --only-categories=performance,accessibility --extra-headers="$DATA/headers.json" \
    --chrome-path="${CHROMIUM_PATH:-/usr/bin/chromium}" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" >/dev/null 2>"$DATA/lh.err" \
    || { echo "| $path | lighthouse failed: $(tail -n 1 "$DATA/lh.err") |"; continue; }
  python3 - "$path" "$DATA/lh.json" <<'EOF'
import json, sys
path, report = sys.argv[1], json.load(open(sys.argv[2]))
if report.get("finalDisplayedUrl", "").split("?")[0].rstrip("/") != report.get("requestedUrl", "").split("?")[0].rstrip("/"):
    print(f"| {path} | redirected to {report.get('finalDisplayedUrl')} |")
    sys.exit(0)
cat, audits = report["categories"], report["audits"]
score = lambda c: round((cat[c]["score"] or 0) * 100)
num = lambda a: audits[a].get("numericValue") or 0
code = sum(r.get("transferSize", 0) for r in audits["network-requests"]["details"]["items"]
           if r["url"].split("?")[0].endswith((".wasm", ".js")))
print(f"| {path} | {score('performance')} | {score('accessibility')} | {num('largest-contentful-paint') / 1000:.2f}"
      f" | {num('total-blocking-time'):.0f} | {num('cumulative-layout-shift'):.3f} | {code / 1024:.0f} |")
EOF
done
