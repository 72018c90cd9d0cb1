#!/usr/bin/env bash
# A full disk under a running portal (issue 14; a fault run, not a test): the data folder
# (SQLite database, uploaded files, outbox) is a 64 MB tmpfs that is filled up while a customer
# works. Writes — a message with an attachment, a mileage reading — must be refused with the
# translated "temporarily unavailable" answer (503), pages must still be served, nothing may be
# half-stored, and once there is room again the same writes must work. Needs root (mount).
# LOAD_BUILD=0 skips the release build.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
cd "$ROOT"
if [ "${LOAD_BUILD:-1}" != 0 ]; then
  say "release build"
  cargo leptos build --release >/dev/null 2>&1
fi
PORT="${FULL_DISK_PORT:-3290}"
LOG="/tmp/full-disk-$$.log"
ANSWER="/tmp/full-disk-$$.html"
DATA="$(mktemp -d)"
mount -t tmpfs -o size=64m tmpfs "$DATA" || { echo "mounting a tmpfs needs root" >&2; exit 2; }
source "$ROOT/scripts/bench_lib.sh"
bench_env warn
unset DATABASE_URL
export LOAD_PASSWORD="$PW"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  umount "$DATA" 2>/dev/null || true
  rmdir "$DATA" 2>/dev/null || true
}
trap cleanup EXIT
"$ROOT/target/release/server" >"$LOG" 2>&1 & pid=$!
wait_ready
"$ROOT/target/release/server" seed --customers 1 >/dev/null
"$ROOT/target/release/server" seed --load-users 1 >/dev/null
curl -s -o /dev/null -b "$JAR" -c "$JAR" -H 'accept: text/html' -X POST "$B/api/auth/sign-in" \
  --data-urlencode email=load5000000@example.test --data-urlencode "password=$PW"
COOKIE=$(awk '$6 == "portal_session" {print "portal_session=" $7}' "$JAR")
contract=$(json "$COOKIE" customer/dashboard | python3 -c 'import json,sys; print(json.load(sys.stdin)["contracts"][0]["contract_number"])')
today=$(json "$COOKIE" customer/contract --data-urlencode "number=$contract" | python3 -c 'import json,sys; print(json.load(sys.stdin)["today"])')
head -c 1048576 /dev/urandom >"/tmp/attachment-$$.pdf"
printf '%%PDF-1.4\n' | dd of="/tmp/attachment-$$.pdf" conv=notrunc status=none

failures=0
check() { if [ "$2" = "$3" ]; then echo "ok   $1 ($3)"; else echo "FAIL $1: expected $2, got $3"; failures=$((failures + 1)); fi; }
message() { # status of a message with the 1 MB attachment, as a browser
  curl -s -o "$ANSWER" -w '%{http_code}' -H "Cookie: $COOKIE" -H 'accept: text/html' -H 'accept-language: en' \
    -F subject=Offerte -F category=contract -F "contract=$contract" -F body=Bijlage -F "attachments=@/tmp/attachment-$$.pdf;type=application/pdf" \
    -X POST "$B/api/customer/start-thread"
}
reading() { # status of a mileage reading, as an API client
  json "$COOKIE" customer/report-mileage -o /dev/null -w '%{http_code}' --data-urlencode "contract=$contract" \
    --data-urlencode "km=$1" --data-urlencode "date=$today" --data-urlencode confirm=1
}
threads() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute("SELECT COUNT(*) FROM message_threads").fetchone()[0])' "$DATA/portal.db"; }
readings() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute("SELECT COUNT(*) FROM mileage_readings WHERE source = '"'"'customer'"'"'").fetchone()[0])' "$DATA/portal.db"; }

say "a full disk"
dd if=/dev/zero of="$DATA/filler" bs=1M status=none 2>/dev/null || true
echo "free: $(df --output=avail -B1 "$DATA" | tail -n 1) bytes"
check "a message with an attachment is refused" 503 "$(message)"
grep -q "temporarily unavailable" "$ANSWER" && echo "ok   … with the translated page" \
  || { echo "FAIL no translated page: $(head -c 300 "$ANSWER")"; failures=$((failures + 1)); }
# The database's own pages may still have room for a small write: fill it until it fails.
status=200
for km in $(seq 50000 1000 120000); do
  status=$(reading "$km")
  [ "$status" = 200 ] || break
done
check "a mileage reading on a full database is refused" 503 "$status"
check "pages are still served" 200 "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" -H 'accept: text/html' "$B/dashboard")"
check "the server is up" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$B/healthz")"
check "no message stored" 0 "$(threads)"
stored_before=$(readings)

say "room again"
rm -f "$DATA/filler"
check "the message goes through" 303 "$(message)"
check "a mileage reading goes through" 200 "$(reading 130000)"
check "the message is stored" 1 "$(threads)"
check "the reading is stored" "$((stored_before + 1))" "$(readings)"
check "SQLite integrity_check" ok "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$DATA/portal.db")"
if grep -q "panicked" "$LOG"; then echo "FAIL the server panicked"; failures=$((failures + 1)); fi
rm -f "/tmp/attachment-$$.pdf" "$LOG" "$ANSWER"
echo
[ "$failures" = 0 ] && echo "every check passed" || { echo "$failures check(s) failed"; exit 1; }
