# Shared by the benchmark scripts (sourced): waiting for the server, signing in the bench
# customer through the registration forms and an agent through the staff sign-in, and wrk's
# p99. Expects PORT and DATA; sets B, JAR, COOKIE, SJAR and STAFF_COOKIE.
B="http://127.0.0.1:$PORT"; JAR="$DATA/cookies"; SJAR="$DATA/staff-cookies"
PW="een lange zin als wachtwoord"

wait_ready() {
  for _ in $(seq 1 500); do
    curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return 0
    sleep 0.01
  done
  return 1
}

p99() { awk '/^ +99%/ {print $2}'; }

form() { curl -s -o /dev/null -b "$JAR" -c "$JAR" -H 'accept: text/html' -X POST "$B/api/$1" "${@:2}"; }
# The code in the Nth SMS of the outbox ($1), waiting for the outbox worker to send it.
code() {
  for _ in $(seq 1 50); do
    if [ "$(wc -l <"$DATA/outbox/sms.jsonl" 2>/dev/null || echo 0)" -ge "$1" ]; then
      sed -n "${1}p" "$DATA/outbox/sms.jsonl" | python3 -c 'import json,re,sys; print(re.search(r"\b\d{6}\b", json.load(sys.stdin)["body"]).group())'
      return 0
    fi
    sleep 0.1
  done
  return 1
}
mailed_code() {
  for _ in $(seq 1 50); do
    f=$(ls -t "$DATA/outbox/mail/" 2>/dev/null | head -n 1)
    if [ -n "$f" ]; then
      python3 -c 'import re,sys; t=open(sys.argv[1], newline="").read().split("\r\n\r\n",1)[1]; print(re.search(r"\b\d{6}\b", t).group())' "$DATA/outbox/mail/$f" && return 0
    fi
    sleep 0.1
  done
  return 1
}

# Registers demo customer 100001 (bench@example.be) through the forms, as a browser without
# JavaScript, and keeps its session cookie in COOKIE.
register_bench_customer() {
  form register/start --data-urlencode customer_number=100001
  form register/code --data-urlencode "code=$(code 1)"
  form register/details --data-urlencode first_name=Bench --data-urlencode last_name=Mark \
    --data-urlencode email=bench@example.be --data-urlencode "password=$PW" --data-urlencode "password_confirmation=$PW"
  form register/email-code --data-urlencode "code=$(mailed_code)"
  form register/contract --data-urlencode contract_number=LC-2023-0001
  form register/contract-code --data-urlencode "code=$(code 2)"
  form register/terms --data-urlencode decision=accept
  COOKIE=$(awk '$6 == "portal_session" {print "portal_session=" $7}' "$JAR")
  [ -n "$COOKIE" ] || { echo "bench registration failed" >&2; exit 1; }
}

# Signs in the demo agent (TOTP from its demo key) and keeps the cookie in STAFF_COOKIE.
staff_sign_in() {
  rm -f "$SJAR"
  local code
  code=$(python3 -c 'import base64,hashlib,hmac,struct,sys,time
k=base64.b32decode(sys.argv[1]); h=hmac.new(k, struct.pack(">Q", int(time.time())//30), hashlib.sha1).digest()
o=h[-1]&15; print("%06d" % ((struct.unpack(">I", h[o:o+4])[0] & 0x7fffffff) % 1000000))' JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP)
  curl -s -o /dev/null -b "$SJAR" -c "$SJAR" -H 'accept: text/html' -X POST "$B/api/cic/sign-in" \
    --data-urlencode email=agent@lumenlease.example --data-urlencode password=demo-agent-password \
    --data-urlencode "code=$code"
  STAFF_COOKIE=$(awk '$6 == "portal_session" {print "portal_session=" $7}' "$SJAR")
  curl -s -H "Cookie: $STAFF_COOKIE" -H 'accept: application/json' -X POST "$B/api/cic/queue" \
    | grep -q '"items"' || { echo "bench staff sign-in failed" >&2; exit 1; }
}

# The server's settings for a benchmark run on PORT with its data in DATA: demo data, a fixed
# session secret (a signed-in browser stays signed in across restarts), plain-HTTP cookies, the
# per-IP sign-in limit lifted (the load comes from one address), log level $1 (default warn).
bench_env() {
  PORTAL_SESSION_SECRET="$(head -c 48 /dev/urandom | base64 | tr -d '\n')"
  export PORTAL_SESSION_SECRET PORTAL_BIND="127.0.0.1:$PORT" PORTAL_DATA_DIR="$DATA" PORTAL_DEMO=true \
    PORTAL_SECURE_COOKIES=false PORTAL_LOG="${1:-warn}" LEPTOS_SITE_ROOT="$ROOT/target/site" \
    PORTAL_AUTH_RATE_PER_MINUTE=60000
}

# A server function called as an API client with cookie $1: json COOKIE FUNCTION [curl args].
json() { curl -s -H "Cookie: $1" -H 'accept: application/json' -X POST "$B/api/$2" "${@:3}"; }

# The bench customer writes one message; sets THREAD (its id) and INVOICE (the customer's
# newest invoice number), for pages that show one of each.
thread_and_invoice() {
  json "$COOKIE" customer/start-thread --data-urlencode "subject=Vraag" --data-urlencode category=invoice \
    --data-urlencode contract= --data-urlencode "body=Klopt mijn laatste factuur?" >/dev/null
  THREAD=$(json "$COOKIE" customer/messages | python3 -c 'import json,sys; print(json.load(sys.stdin)["threads"][0]["id"])')
  INVOICE=$(json "$COOKIE" customer/invoices | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["number"])')
}

# Every page the page benchmarks measure (bench_pages.sh, bench_instructions.sh), after
# register_bench_customer, staff_sign_in and thread_and_invoice: calls "$1 LABEL COOKIE PATH".
each_page() {
  "$1" "/ landing" "" /
  "$1" "/login" "" /login
  "$1" "/dashboard" "$COOKIE" /dashboard
  "$1" "/contracts/LC-2023-0001" "$COOKIE" /contracts/LC-2023-0001
  "$1" "/invoices" "$COOKIE" /invoices
  "$1" "/invoices/{number}" "$COOKIE" "/invoices/$INVOICE"
  "$1" "/documents" "$COOKIE" /documents
  "$1" "/requests" "$COOKIE" /requests
  "$1" "/messages" "$COOKIE" /messages
  "$1" "/messages/{thread}" "$COOKIE" "/messages/$THREAD"
  "$1" "/profile/security" "$COOKIE" /profile/security
  "$1" "/profile/contact" "$COOKIE" /profile/contact
  "$1" "/contracts/{number}/plate" "$COOKIE" /contracts/LC-2023-0001/plate
  "$1" "/contracts/{number}/allowance" "$COOKIE" /contracts/LC-2023-0001/allowance
  "$1" "/messages/new" "$COOKIE" /messages/new
  "$1" "/cic (staff, audited)" "$STAFF_COOKIE" /cic
  "$1" "/cic/queue (staff, audited)" "$STAFF_COOKIE" /cic/queue
  "$1" "/cic/inbox (staff, audited)" "$STAFF_COOKIE" /cic/inbox
  "$1" "/cic/threads/{thread} (staff, audited)" "$STAFF_COOKIE" "/cic/threads/$THREAD"
  "$1" "/cic/customers?q=Jan (staff, audited)" "$STAFF_COOKIE" "/cic/customers?q=Jan"
  "$1" "/cic/customers/{number} (staff, audited)" "$STAFF_COOKIE" /cic/customers/100001
  "$1" "/cic/replies (staff)" "$STAFF_COOKIE" /cic/replies
}
