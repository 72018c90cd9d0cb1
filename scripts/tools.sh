#!/usr/bin/env bash
# Installs what the portal's commands need and is missing, at pinned versions; skips what is
# there. Sourced by scripts/run.sh, scripts/test.sh and scripts/bench.sh.
# A first install on a fresh 2-core machine takes about half an hour (cargo-leptos ~20 min,
# wasm-bindgen ~5 min; wasm-opt ~11 min more for release benchmarks only).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.10"
WASM_OPT_VERSION="0.116.1"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then
    say "apt-get update"
    apt-get update -qq
    APT_UPDATED=1
  fi
  say "installing $* (apt)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_rust_tools() {
  if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
    say "installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(cargo-leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes on 2 cores, once)"
    cargo install --locked cargo-leptos --version "$CARGO_LEPTOS_VERSION"
  fi
  local wb
  wb="$(wasm_bindgen_version)"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb" ]; then
    say "installing wasm-bindgen-cli $wb (about 5 minutes, once)"
    cargo install wasm-bindgen-cli --version "$wb"
  fi
}

# Only release builds run wasm-opt; Debian's binaryen is too old and breaks the wasm.
ensure_wasm_opt() {
  if ! wasm-opt --version 2>/dev/null | grep -q 'version 116'; then
    say "installing wasm-opt $WASM_OPT_VERSION (about 11 minutes, once)"
    cargo install --locked wasm-opt --version "$WASM_OPT_VERSION"
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then
    apt_install chromium
  fi
}

ensure_npm_packages() {
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] || [ ! -d "$ROOT/end2end/node_modules/@axe-core/playwright" ]; then
    say "installing the end-to-end test packages (npm)"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
}

# The integration tests use PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth).
ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    return
  fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt_install postgresql
  fi
  say "starting PostgreSQL"
  local version
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && return
    sleep 1
  done
  echo "PostgreSQL did not start on 127.0.0.1:5432" >&2
  exit 1
}

# The integration tests read generated PDFs back with pdftotext.
ensure_pdftotext() {
  command -v pdftotext >/dev/null 2>&1 || apt_install poppler-utils
}

ensure_wrk() {
  command -v wrk >/dev/null 2>&1 || apt_install wrk
}

# Instruction counts per request (scripts/bench_instructions.sh): valgrind's callgrind.
ensure_valgrind() {
  command -v callgrind_control >/dev/null 2>&1 || apt_install valgrind
}

# The load test's users (scripts/load.sh): Python with aiohttp, in its own virtual environment.
LOAD_PY="$ROOT/scripts/load/.venv/bin/python"
ensure_load_python() {
  if [ ! -x "$LOAD_PY" ] || ! "$LOAD_PY" -c 'import aiohttp' 2>/dev/null; then
    say "installing aiohttp for the load test (PyPI)"
    python3 -m venv "$ROOT/scripts/load/.venv"
    "$LOAD_PY" -m pip install -q -r "$ROOT/scripts/load/requirements.txt"
  fi
}

# The load balancer of the several-instances run (scripts/load.sh --instances N).
ensure_haproxy() {
  command -v haproxy >/dev/null 2>&1 || apt_install haproxy
}
