#!/usr/bin/env bash
# Fuzzes every endpoint of docs/API.md for FUZZ_SECONDS (default 60; at most 200,000
# requests) with generated bodies against a release build with the demo data, as a visitor, a
# customer and an agent (scripts/load/fuzz.py), and reports the statuses, any answer of 500
# or more and the server's memory over the run. Exit code 1 on a 500 or a crash. SQLite, or
# PostgreSQL with DATABASE_URL (a database that is dropped and made again). LOAD_BUILD=0
# skips the release build. The parsers' own fuzzing is `cargo test -p domain --test parsers_fuzz`.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
cd "$ROOT"
ensure_load_python
if [ "${LOAD_BUILD:-1}" != 0 ]; then
  say "release build"
  cargo leptos build --release >/dev/null 2>&1
fi
PORT="${FUZZ_PORT:-3280}"
DATA="$(mktemp -d)"
source "$ROOT/scripts/bench_lib.sh"
bench_env error
export LOAD_PASSWORD="$PW"
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  base="${DATABASE_URL%/*}"; name="${DATABASE_URL##*/}"
  psql "$base/postgres" -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" -qc "CREATE DATABASE \"$name\"" >/dev/null
fi
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$DATA"' EXIT
"$ROOT/target/release/server" >"$DATA/server.log" 2>&1 & pid=$!
wait_ready
"$ROOT/target/release/server" seed --customers 1 >/dev/null
"$ROOT/target/release/server" seed --load-users 1 >/dev/null
email="load5000000@example.test" # the first generated customer
say "fuzzing for ${FUZZ_SECONDS:-60} s"
status=0
"$LOAD_PY" scripts/load/fuzz.py --base "$B" --pid "$pid" --doc docs/API.md --email "$email" --password "$PW" \
  --agent-key JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP --seconds "${FUZZ_SECONDS:-60}" || status=$?
if ! kill -0 "$pid" 2>/dev/null; then
  echo "the server died"; tail -n 30 "$DATA/server.log"; exit 1
fi
panics=$(grep -c "panicked" "$DATA/server.log" || true)
echo "panics in the server log: $panics"
[ "$panics" = 0 ] || status=1
exit "$status"
