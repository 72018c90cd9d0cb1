#!/usr/bin/env bash
# Runs the portal with demo data on http://127.0.0.1:3000, installing what is missing first.
# Data (SQLite file, SMS and mail outboxes) goes to ./data; delete that folder to start afresh.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
cd "$ROOT"
ensure_rust_tools
say "building the portal (debug; the first build takes about 5 minutes)"
cargo leptos build
say "starting the portal on http://127.0.0.1:3000 (Ctrl-C stops it)"
export PORTAL_DEMO="${PORTAL_DEMO:-true}"
export PORTAL_SECURE_COOKIES="${PORTAL_SECURE_COOKIES:-false}"
export PORTAL_DATA_DIR="${PORTAL_DATA_DIR:-$ROOT/data}"
export PORTAL_BIND="${PORTAL_BIND:-127.0.0.1:3000}"
export LEPTOS_SITE_ROOT="$ROOT/target/site"
exec "$ROOT/target/debug/server"
