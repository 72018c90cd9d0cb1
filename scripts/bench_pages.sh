#!/usr/bin/env bash
# Page throughput (issue 13; a benchmark, not a test): requests/s and p99 of every customer
# page and the CIC's main pages at 32 connections, with the server's (and PostgreSQL's) CPU
# time per request, beside the plain axum route /healthz and the data-less /terms page of the
# same run, printed as one table so that the next run can be compared line by line. Targets:
# every signed-in page at least 40 % of /terms, /terms at least 25 % of /healthz, p99 under
# 15 ms on SQLite and under 25 ms on PostgreSQL. /terms is measured again at the end: how much the
# machine's speed moved during the run.
# Release build, demo data, loopback only, every load run bounded (wrk -d). Run by
# scripts/bench.sh; on its own: scripts/bench_pages.sh (BENCH_SECONDS; DATABASE_URL for
# PostgreSQL: a database that may be emptied).
set -euo pipefail
source "$(dirname "$0")/tools.sh"
cd "$ROOT"
ensure_wrk
PORT="${BENCH_PORT:-3220}"
DATA="$(mktemp -d)"
DURATION="${BENCH_SECONDS:-10}"
[ -x target/release/server ] || { say "release build"; cargo leptos build --release >/dev/null; }

source "$ROOT/scripts/bench_lib.sh"
bench_env error
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi; rm -rf "$DATA"' EXIT
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  db="PostgreSQL"
  # A fresh database: the demo data and the bench customer's registration start from empty.
  # The URL may end in options (postgres://user@localhost/name?host=/var/run/postgresql for
  # the server's Unix socket): the database's name is what precedes them.
  options=""; url="$DATABASE_URL"
  if [[ "$url" == *\?* ]]; then options="?${url#*\?}"; url="${url%%\?*}"; fi
  base="${url%/*}"; name="${url##*/}"
  psql "$base/postgres$options" -qc "DROP DATABASE IF EXISTS \"$name\"" -qc "CREATE DATABASE \"$name\"" >/dev/null
  if [[ "$options" == *host=/* ]]; then db="PostgreSQL (Unix socket)"; fi
else
  db="SQLite"
fi
"$ROOT/target/release/server" & pid=$!
wait_ready

register_bench_customer
staff_sign_in
thread_and_invoice

# CPU time (clock ticks) the server has used so far, and all of PostgreSQL's processes (on
# SQLite the database's work is the server's). CPU per request depends less than requests/s on how
# wrk and the server share this machine's cores, so it compares builds and machines better.
TICK=$(getconf CLK_TCK)
ticks_of() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null; }
db_ticks() {
  local total=0 p t
  if [[ "$db" == PostgreSQL* ]]; then
    for p in $(pgrep -u postgres 2>/dev/null); do
      t=$(ticks_of "$p") || t=0
      total=$(( total + ${t:-0} ))
    done
  fi
  echo "$total"
}

# One line per page: req/s, p99 (ms), the server's and the database's CPU per request (µs). A
# page that does not answer 200 stops the bench (a redirect to the sign-in would measure the
# wrong page).
load() {
  local cookie="$1" path="$2" status out s0 d0 s1 d1 requests dbcpu="—"
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" -H 'accept: text/html' "$B$path")
  [ "$status" = 200 ] || { echo "$path answered $status" >&2; exit 1; }
  s0=$(ticks_of "$pid"); d0=$(db_ticks)
  out=$(wrk -t2 -c32 -d"${DURATION}s" --latency -H "Cookie: $cookie" -H 'accept: text/html' "$B$path")
  s1=$(ticks_of "$pid"); d1=$(db_ticks)
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  [ "${requests:-0}" -gt 0 ] || { echo "$path: wrk finished no request" >&2; exit 1; }
  [[ "$db" == PostgreSQL* ]] && dbcpu=$(( (d1 - d0) * 1000000 / TICK / requests ))
  echo "$(echo "$out" | awk '/Requests\/sec/ {print int($2)}') $(echo "$out" | p99 | awk '
    /us$/ {sub(/us/, ""); printf "%.2f", $1 / 1000; next}
    /ms$/ {sub(/ms/, ""); printf "%.2f", $1; next}
    /s$/  {sub(/s/, "");  printf "%.2f", $1 * 1000}') $(( (s1 - s0) * 1000000 / TICK / requests )) $dbcpu"
}
plain=$(load "" /healthz | awk '{print $1}')
read -r terms terms_p99 terms_cpu terms_db < <(load "" /terms)
echo
echo "$(date +%F), $db, release, wrk 2 threads x 32 connections, ${DURATION} s per page"
echo
echo "| page | req/s | p99 ms | share of /terms | share of /healthz | server CPU µs/request | database CPU µs/request |"
echo "|---|---|---|---|---|---|---|"
echo "| /healthz (plain axum route) | $plain | | | 100 % | | |"
echo "| /terms (no data) | $terms | $terms_p99 | 100 % | $(( terms * 100 / plain )) % | $terms_cpu | $terms_db |"
row() {
  local label="$1" cookie="$2" path="$3" rps p cpu dbcpu
  read -r rps p cpu dbcpu < <(load "$cookie" "$path")
  echo "| $label | $rps | $p | $(( rps * 100 / terms )) % | $(( rps * 100 / plain )) % | $cpu | $dbcpu |"
}
each_page row
# /terms once more: a machine whose speed changed during the run (a shared one does, by ±30 %
# within minutes) shows here, and the shares above are then no better than that change.
read -r again again_p99 again_cpu _ < <(load "" /terms)
echo "| /terms again, at the end of the run | $again | $again_p99 | $(( again * 100 / terms )) % of the first | | $again_cpu | |"
