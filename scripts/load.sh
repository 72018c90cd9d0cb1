#!/usr/bin/env bash
# The load and fault runs of issue 14 (benchmarks, not tests; loopback only, every run bounded
# by LOAD_SECONDS). 200 customers (LOAD_CUSTOMERS) and 10 agents work the portal for 60 s
# (scripts/load/load.py: a pause of 0.5-1.5 s between a person's actions); then
# scripts/load/verify.py checks the database against every write the users saw acknowledged
# or refused, and the server's peak memory is read from /proc.
#
#   scripts/load.sh                      SQLite (or PostgreSQL with DATABASE_URL=postgres://…)
#   scripts/load.sh --kill               kill -9 of the server half-way, restarted at once
#   scripts/load.sh --pg-restart         PostgreSQL restarted half-way (pg_ctlcluster)
#   scripts/load.sh --instances N        N instances on one PostgreSQL behind HAProxy
#                                        (round-robin, health check /readyz), with a rolling
#                                        restart half-way
#
# DATABASE_URL names a PostgreSQL database that is dropped and made again (default for the
# PostgreSQL runs: postgres://postgres@127.0.0.1:5432/portal_load). LOAD_BUILD=0 skips the
# release build.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
cd "$ROOT"

MODE=plain
INSTANCES=1
case "${1:-}" in
  "") ;;
  --kill) MODE=kill ;;
  --pg-restart) MODE=pg-restart ;;
  --instances) MODE=instances; INSTANCES="${2:-2}" ;;
  *) sed -n '2,17p' "$0" >&2; exit 2 ;;
esac
DURATION="${LOAD_SECONDS:-60}"
CUSTOMERS="${LOAD_CUSTOMERS:-200}"
PORT="${LOAD_PORT:-3300}"
LB_PORT=$((PORT + 99))

ensure_load_python
[ "$MODE" = instances ] && ensure_haproxy
if [ "${LOAD_BUILD:-1}" != 0 ]; then
  say "release build"
  cargo leptos build --release >/dev/null 2>&1
fi

DATA="$(mktemp -d)"
source "$ROOT/scripts/bench_lib.sh"
bench_env warn
export LOAD_PASSWORD="$PW"
# Connections from HAProxy carry the client in X-Forwarded-For.
export PORTAL_TRUSTED_PROXIES=127.0.0.1

if [ "$MODE" = pg-restart ] || [ "$MODE" = instances ]; then
  DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_load}"
fi
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  ensure_postgres
  db_name="PostgreSQL"
  base="${DATABASE_URL%/*}"; name="${DATABASE_URL##*/}"
  psql "$base/postgres" -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" -qc "CREATE DATABASE \"$name\"" >/dev/null
  export DATABASE_URL
  DB="$DATABASE_URL"
else
  db_name="SQLite"
  unset DATABASE_URL
  DB="sqlite://$DATA/portal.db"
fi

declare -a pids
haproxy_pid=""
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  [ -n "$haproxy_pid" ] && kill "$haproxy_pid" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT

# start_instance I: instance I (0-based) on PORT+I, waits until it is ready.
start_instance() {
  local i="$1" port=$((PORT + $1))
  PORTAL_BIND="127.0.0.1:$port" "$ROOT/target/release/server" >>"$DATA/server-$i.log" 2>&1 &
  pids[$i]=$!
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "instance $i did not become ready" >&2; cat "$DATA/server-$i.log" >&2; exit 1
}

# Peak resident memory of instance I so far, in MB.
peak_mb() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/${pids[$1]}/status" 2>/dev/null || echo "?"; }

say "$db_name: demo data, $CUSTOMERS load customers and 10 agents"
start_instance 0
"$ROOT/target/release/server" seed --customers "$CUSTOMERS" >/dev/null
"$ROOT/target/release/server" seed --load-users "$CUSTOMERS"
for i in $(seq 1 $((INSTANCES - 1))); do start_instance "$i"; done

bases=()
if [ "$MODE" = instances ]; then
  {
    echo "global"
    echo "  maxconn 4096"
    echo "defaults"
    echo "  mode http"
    echo "  timeout connect 2s"
    echo "  timeout client 60s"
    echo "  timeout server 60s"
    # Below the portal's header timeout (PORTAL_HEADER_TIMEOUT_SECS, 10 s), which also ends
    # idle kept-alive connections.
    echo "  timeout http-keep-alive 5s"
    echo "  option http-server-close"
    echo "  option forwardfor"
    echo "  retries 3"
    echo "  option redispatch"
    echo "frontend portal"
    echo "  bind 127.0.0.1:$LB_PORT"
    echo "  default_backend portals"
    echo "backend portals"
    echo "  balance roundrobin"
    echo "  option httpchk GET /readyz"
    echo "  http-check expect status 200"
    echo "  default-server inter 500ms fall 1 rise 2"
    for i in $(seq 0 $((INSTANCES - 1))); do echo "  server p$i 127.0.0.1:$((PORT + i)) check"; done
  } >"$DATA/haproxy.cfg"
  haproxy -f "$DATA/haproxy.cfg" -db >"$DATA/haproxy.log" 2>&1 &
  haproxy_pid=$!
  sleep 2
  bases+=(--base "http://127.0.0.1:$LB_PORT")

  say "sessions across instances"
  email=$(psql "$DB" -Atc "SELECT email FROM portal_accounts WHERE email LIKE 'load%' ORDER BY email LIMIT 1")
  jar="$DATA/cross-jar"
  curl -s -o /dev/null -c "$jar" -b "$jar" -H 'accept: text/html' -X POST "http://127.0.0.1:$PORT/api/auth/sign-in" \
    --data-urlencode "email=$email" --data-urlencode "password=$PW"
  on() { curl -s -b "$jar" -c "$jar" -H 'accept: application/json' -X POST "http://127.0.0.1:$((PORT + $1))/api/$2"; }
  on 1 customer/dashboard | grep -q '"first_name"' && echo "ok   signed in on instance 0, signed in on instance 1" \
    || { echo "FAIL signed in on instance 0 but not on instance 1"; exit 1; }
  on 1 auth/sign-out >/dev/null
  [ "$(on 0 customer/dashboard)" = "null" ] && echo "ok   signed out on instance 1, signed out on instance 0" \
    || { echo "FAIL signed out on instance 1 but still signed in on instance 0"; exit 1; }
else
  bases+=(--base "http://127.0.0.1:$PORT")
fi

"$LOAD_PY" - "$DB" >"$DATA/users.txt" <<'EOF'
import sys, subprocess, sqlite3
db = sys.argv[1]
sql = "SELECT email FROM portal_accounts WHERE email LIKE 'load%@example.test' ORDER BY email"
if db.startswith("sqlite:"):
    rows = [r[0] for r in sqlite3.connect(db.split("://", 1)[1]).execute(sql)]
else:
    rows = subprocess.run(["psql", db, "-Atc", sql], check=True, capture_output=True, text=True).stdout.split()
print("\n".join(rows))
EOF
notice=$("$LOAD_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["notice.mileage_saved"])' locales/nl.json)

say "load: $CUSTOMERS customers and 10 agents for $DURATION s ($MODE)"
"$LOAD_PY" scripts/load/load.py "${bases[@]}" --users "$DATA/users.txt" --password "$PW" \
  --agent-key JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP --duration "$DURATION" --notice "$notice" \
  --out "$DATA/results.json" >"$DATA/load.out" 2>&1 &
load_pid=$!

# The fault half-way through the measured part (after the users' sign-ins).
until grep -q '^load:' "$DATA/load.out" 2>/dev/null; do
  kill -0 "$load_pid" 2>/dev/null || break
  sleep 0.2
done
"$LOAD_PY" scripts/load/cpu.py "$((DURATION - 2))" >"$DATA/cpu.out" 2>&1 &
cpu_pid=$!
sleep "$((DURATION / 2))"
case "$MODE" in
  kill)
    say "kill -9 of the server, restarted at once"
    kill -9 "${pids[0]}"
    wait "${pids[0]}" 2>/dev/null || true
    down=$(date +%s.%N)
    start_instance 0
    echo "back after $(awk "BEGIN {printf \"%.2f\", $(date +%s.%N) - $down}") s"
    ;;
  pg-restart)
    say "PostgreSQL restart"
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    began=$(date +%s.%N)
    pg_ctlcluster --skip-systemctl-redirect "$version" main restart
    restarted=$(date +%s.%N)
    until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.05; done
    ready=$(date +%s.%N)
    echo "PostgreSQL restart took $(awk "BEGIN {printf \"%.2f\", $restarted - $began}") s; the portal was ready again $(awk "BEGIN {printf \"%.2f\", $ready - $restarted}") s after it"
    ;;
  instances)
    say "rolling restart, one instance at a time"
    for i in $(seq 0 $((INSTANCES - 1))); do
      echo "instance $i: peak ${pids[$i]:+$(peak_mb "$i")} MB before its restart"
      kill -TERM "${pids[$i]}"
      wait "${pids[$i]}" 2>/dev/null || true
      start_instance "$i"
      sleep 1.5 # HAProxy's health check sees it up (rise 2 × 500 ms)
    done
    ;;
esac
load_status=0
wait "$load_pid" || load_status=$?
cat "$DATA/load.out"
wait "$cpu_pid" 2>/dev/null || true
cat "$DATA/cpu.out"
[ "$load_status" = 0 ] || { echo "the load test's users could not all sign in" >&2; tail -n 20 "$DATA/server-0.log" >&2; exit 1; }
for i in $(seq 0 $((INSTANCES - 1))); do echo "instance $i: peak RSS $(peak_mb "$i") MB"; done

say "after the run: settling the outbox"
# A message claimed by a killed server is taken over when its lease (60 s) runs out.
for _ in $(seq 1 120); do
  waiting=$("$LOAD_PY" scripts/load/verify.py --db "$DB" --results "$DATA/results.json" 2>/dev/null | grep -c 'FAIL outbox' || true)
  [ "$waiting" = 0 ] && break
  sleep 1
done
for i in $(seq 0 $((INSTANCES - 1))); do kill -TERM "${pids[$i]}" 2>/dev/null || true; wait "${pids[$i]}" 2>/dev/null || true; pids[$i]=""; done

if [[ "$DB" == postgres* ]]; then
  echo "periodic jobs (name | runs | instances that ran it):"
  psql "$DB" -Atc "SELECT name, COUNT(*), COUNT(DISTINCT holder) FROM job_runs GROUP BY name ORDER BY name" | sed 's/^/  /'
  echo "  overlapping runs of one job: $(psql "$DB" -Atc "SELECT COUNT(*) FROM job_runs a JOIN job_runs b
    ON a.name = b.name AND b.id > a.id AND b.started_at < COALESCE(a.finished_at, a.started_at)")"
fi
say "checking the database against what the users saw"
"$LOAD_PY" scripts/load/verify.py --db "$DB" --results "$DATA/results.json" --outbox "$DATA/outbox"
