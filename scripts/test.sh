#!/usr/bin/env bash
# Runs every test: formatting, clippy (server and browser feature sets), unit and integration
# tests on SQLite and PostgreSQL, and the Playwright journeys (with and without JavaScript).
# Installs what is missing first. Ends with one line: "summary: N passed, M failed".
set -uo pipefail
source "$(dirname "$0")/tools.sh"
set +e
cd "$ROOT"
LOG_DIR="$(mktemp -d)"
failed_steps=()

step() {
  local name="$1"; shift
  say "$name"
  if ! "$@"; then
    failed_steps+=("$name")
  fi
}

set -e
ensure_rust_tools
ensure_chromium
ensure_npm_packages
ensure_postgres
ensure_pdftotext
set +e

# Each integration test creates its own PostgreSQL database; drop those of earlier runs.
say "dropping the test databases of earlier runs"
psql -h 127.0.0.1 -U postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'portal_test_%'" 2>/dev/null |
  while read -r db; do psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1; done

step "format (cargo fmt --check)" cargo fmt --all -- --check
step "clippy (server)" cargo clippy --workspace --all-targets --locked -- -D warnings
step "clippy (browser)" cargo clippy -p app --lib --locked --target wasm32-unknown-unknown \
  --no-default-features --features hydrate --target-dir target/front -- -D warnings
say "unit and integration tests (SQLite and PostgreSQL; every test binary, also after a failing one)"
cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$LOG_DIR/cargo-test.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || failed_steps+=("cargo test")
step "build (cargo leptos build)" cargo leptos build
say "end-to-end tests (Playwright, Chromium)"
(cd end2end && npx playwright test) 2>&1 | tee "$LOG_DIR/e2e.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || failed_steps+=("playwright")

rust_passed=$(grep -hoE 'test result: [a-zA-Z]+\. [0-9]+ passed' "$LOG_DIR/cargo-test.log" | awk '{s+=$4} END {print s+0}')
rust_failed=$(grep -hoE '[0-9]+ failed;' "$LOG_DIR/cargo-test.log" | awk '{s+=$1} END {print s+0}')
e2e_passed=$(grep -hoE '^\s*[0-9]+ passed' "$LOG_DIR/e2e.log" | awk '{s+=$1} END {print s+0}')
e2e_failed=$(grep -hoE '^\s*[0-9]+ failed' "$LOG_DIR/e2e.log" | awk '{s+=$1} END {print s+0}')
echo
echo "rust tests: $rust_passed passed, $rust_failed failed; end-to-end: $e2e_passed passed, $e2e_failed failed"
if [ "${#failed_steps[@]}" -gt 0 ]; then
  echo "failed steps: ${failed_steps[*]}"
fi
total_failed=$((rust_failed + e2e_failed))
if [ "${#failed_steps[@]}" -gt 0 ] && [ "$total_failed" -eq 0 ]; then
  total_failed=${#failed_steps[@]}
fi
echo "summary: $((rust_passed + e2e_passed)) passed, $total_failed failed"
[ "${#failed_steps[@]}" -eq 0 ]
