"""The load test's users (run by scripts/load.sh, which starts the portal and seeds them).

Customers sign in once, then, each with a pause of 0.5-1.5 s between actions as a person
would, browse their dashboard, a contract, their invoices and messages, download an invoice
PDF, report a mileage reading, ask for another allowed mileage and send a message (half of
them with a PDF attached). Agents work the request queue (open a request, approve it) and the
inbox (open a thread, reply). Every answer is timed; every write the script sees
acknowledged (or refused) is written to a JSON file that `verify.py` checks against the
database afterwards. Bounded: --duration seconds, then every user stops.
"""

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import random
import re
import struct
import sys
import time

import aiohttp

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = {"accept": "text/html"}
JSON = {"accept": "application/json"}


class Stats:
    def __init__(self):
        self.samples = {}  # action -> [(status, seconds)]
        self.acked = {"threads": [], "readings": [], "requests": [], "approvals": [], "replies": []}
        self.refused = {"readings": [], "requests": 0, "threads": 0, "approvals": 0, "replies": 0}
        self.transport_errors = {}
        self.measuring = False
        self.busy_retries = 0

    def add(self, action, status, seconds):
        if self.measuring:
            self.samples.setdefault(action, []).append((status, seconds))

    def error(self, action, e):
        key = f"{action}: {e if isinstance(e, str) else type(e).__name__}"
        self.transport_errors[key] = self.transport_errors.get(key, 0) + 1


async def timed(stats, action, session, method, url, **kw):
    """One request; returns (status, headers, body text) or None when the connection failed."""
    started = time.monotonic()
    try:
        async with session.request(method, url, allow_redirects=False, **kw) as res:
            body = await res.read()
            stats.add(action, res.status, time.monotonic() - started)
            return res.status, res.headers, body
    except (aiohttp.ClientError, asyncio.TimeoutError) as e:
        stats.add(action, 0, time.monotonic() - started)
        stats.error(action, e)
        return None


def totp(key, at=None):
    k = base64.b32decode(key)
    h = hmac.new(k, struct.pack(">Q", int(at or time.time()) // 30), hashlib.sha1).digest()
    o = h[-1] & 15
    return "%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


async def sign_in(stats, session, base, url, form, busy_wait=5):
    """Signs in, waiting as asked while the server is busy checking passwords (503)."""
    for _ in range(60):
        got = await timed(stats, "sign in", session, "POST", base + url, data=form, headers=HTML)
        if got and got[0] == 503:
            await asyncio.sleep(float(got[1].get("retry-after", busy_wait)) * random.uniform(0.5, 1.5))
            continue
        return got
    return None


class Customer:
    def __init__(self, base, email, password, stats, notice, rng):
        self.base, self.email, self.password, self.stats = base, email, password, stats
        self.notice, self.rng = notice, rng
        self.contracts, self.invoices, self.km, self.today, self.months = [], [], {}, None, {}

    async def setup(self, session):
        # A sign-in while the server checks as many passwords as it may goes back to the form
        # with "busy, try again": the person tries again a moment later.
        dashboard = None
        for attempt in range(40):
            got = await sign_in(self.stats, session, self.base, "/api/auth/sign-in",
                                {"email": self.email, "password": self.password, "next": "/dashboard"})
            if not got or got[0] not in (302, 303):
                self.stats.error("customer sign-in", f"{got and got[0]} {got and got[1].get('location')}")
                return False
            got = await timed(self.stats, "setup", session, "POST", self.base + "/api/customer/dashboard", headers=JSON)
            dashboard = json.loads(got[2]) if got and got[0] == 200 else None
            if dashboard:
                break
            self.stats.busy_retries += 1
            await asyncio.sleep(self.rng.uniform(1, 3))
        if not dashboard:
            self.stats.error("customer dashboard after sign-in", f"{got and got[0]} {got and got[2][:80]}")
            return False
        cards = dashboard["contracts"]
        self.contracts = [c["contract_number"] for c in cards if c.get("running")] or [c["contract_number"] for c in cards]
        for number in self.contracts:
            got = await timed(self.stats, "setup", session, "POST", self.base + "/api/customer/contract",
                              data={"number": number}, headers=JSON)
            if got and got[0] == 200:
                c = json.loads(got[2])
                self.today = c["today"]
                kms = [int(re.sub(r"\D", "", str(r["km"])) or 0) for r in c.get("readings", [])]
                self.km[number] = max(kms, default=0)
            got = await timed(self.stats, "setup", session, "POST", self.base + "/api/customer/allowance-form",
                              data={"number": number}, headers=JSON)
            if got and got[0] == 200:
                form = json.loads(got[2])
                self.months[number] = [m[0] for m in form.get("months", [])]
        got = await timed(self.stats, "setup", session, "POST", self.base + "/api/customer/invoices", headers=JSON)
        if got and got[0] == 200:
            self.invoices = [i["number"] for i in json.loads(got[2])["items"]]
        return bool(self.contracts)

    async def act(self, session):
        r = self.rng
        action = r.choices(
            ["dashboard", "contract", "invoices", "pdf", "messages", "requests", "reading", "allowance", "message"],
            weights=[20, 14, 14, 8, 8, 6, 14, 4, 12])[0]
        b, s = self.base, self.stats
        contract = r.choice(self.contracts)
        if action == "dashboard":
            await timed(s, "page /dashboard", session, "GET", b + "/dashboard", headers=HTML)
        elif action == "contract":
            await timed(s, "page /contracts/{n}", session, "GET", f"{b}/contracts/{contract}", headers=HTML)
        elif action == "invoices":
            await timed(s, "page /invoices", session, "GET", b + "/invoices", headers=HTML)
        elif action == "messages":
            await timed(s, "page /messages", session, "GET", b + "/messages", headers=HTML)
        elif action == "requests":
            await timed(s, "page /requests", session, "GET", b + "/requests", headers=HTML)
        elif action == "pdf" and self.invoices:
            await timed(s, "invoice PDF", session, "GET", f"{b}/invoices/{r.choice(self.invoices)}/pdf")
        elif action == "reading" and self.today:
            km = self.km.get(contract, 0) + r.randint(5, 60)
            got = await timed(s, "write: mileage reading", session, "POST", b + "/api/customer/report-mileage",
                              data={"contract": contract, "km": str(km), "date": self.today, "confirm": "1"},
                              headers=HTML)
            if got and got[0] in (302, 303):
                page = await timed(s, "page /contracts/{n}", session, "GET", f"{b}/contracts/{contract}", headers=HTML)
                if page and page[0] == 200 and self.notice.encode() in page[2]:
                    self.km[contract] = km
                    s.acked["readings"].append([contract, km])
                elif page and page[0] == 200:
                    s.refused["readings"].append([contract, km])
        elif action == "allowance" and self.months.get(contract):
            km = r.randrange(10_000, 60_000, 1_000)
            got = await timed(s, "write: allowance request", session, "POST", b + "/api/customer/allowance-change",
                              data={"contract": contract, "km_per_year": str(km),
                                    "effective": self.months[contract][0]}, headers=HTML)
            if got and got[0] in (302, 303):
                m = re.match(r"^/requests/(\d+)", got[1].get("location", ""))
                if m:
                    s.acked["requests"].append(int(m.group(1)))
                else:
                    s.refused["requests"] += 1
        elif action == "message":
            with_file = r.random() < 0.5
            form = aiohttp.FormData()
            form.add_field("subject", f"Vraag {r.randint(1, 10**6)}")
            form.add_field("category", r.choice(["contract", "invoice", "other"]))
            form.add_field("contract", contract)
            form.add_field("body", "Beste,\nkunt u dit nakijken?\nDank u.")
            if with_file:
                form.add_field("attachments", PDF, filename="bijlage.pdf", content_type="application/pdf")
            got = await timed(s, "write: message", session, "POST", b + "/api/customer/start-thread",
                              data=form, headers=JSON)
            if got and got[0] == 201:
                s.acked["threads"].append([json.loads(got[2])["id"], with_file])
            elif got and 400 <= got[0] < 500:
                s.refused["threads"] += 1


class Agent:
    def __init__(self, base, email, password, key, stats, rng):
        self.base, self.email, self.password, self.key, self.stats, self.rng = base, email, password, key, stats, rng

    async def setup(self, session):
        for attempt in range(40):
            got = await sign_in(self.stats, session, self.base, "/api/cic/sign-in",
                                {"email": self.email, "password": self.password, "code": totp(self.key)})
            if got and got[0] in (302, 303):
                home = await timed(self.stats, "setup", session, "POST", self.base + "/api/cic/home", headers=JSON)
                if home and home[0] == 200 and json.loads(home[2]):
                    return True
            self.stats.busy_retries += 1
            await asyncio.sleep(self.rng.uniform(1, 3))
        self.stats.error("agent sign-in", f"{got and got[0]} {got and got[1].get('location')}")
        return False

    async def act(self, session):
        r, b, s = self.rng, self.base, self.stats
        action = r.choices(["queue", "inbox", "approve", "reply"], weights=[25, 25, 25, 25])[0]
        if action == "queue":
            await timed(s, "page /cic/queue", session, "GET", b + "/cic/queue", headers=HTML)
        elif action == "inbox":
            await timed(s, "page /cic/inbox", session, "GET", b + "/cic/inbox", headers=HTML)
        elif action == "approve":
            got = await timed(s, "agent: queue list", session, "POST", b + "/api/cic/queue", headers=JSON)
            if not got or got[0] != 200:
                return
            items = json.loads(got[2])["items"]
            if not items:
                return
            rid = r.choice(items[:20])["id"]
            got = await timed(s, "page /cic/requests/{id}", session, "GET", f"{b}/cic/requests/{rid}", headers=HTML)
            got = await timed(s, "agent: request", session, "POST", b + "/api/cic/request", data={"id": rid}, headers=JSON)
            if not got or got[0] != 200:
                return
            version = json.loads(got[2])["version"]
            got = await timed(s, "write: approve request", session, "POST", b + "/api/cic/approve-request",
                              data={"id": rid, "version": version, "note": ""}, headers=JSON)
            if got and got[0] == 200:
                s.acked["approvals"].append(rid)
            elif got and 400 <= got[0] < 500:
                s.refused["approvals"] += 1
        elif action == "reply":
            got = await timed(s, "agent: inbox list", session, "POST", b + "/api/cic/inbox", headers=JSON)
            if not got or got[0] != 200:
                return
            items = json.loads(got[2])["items"]
            if not items:
                return
            tid = r.choice(items[:20])["id"]
            await timed(s, "page /cic/threads/{id}", session, "GET", f"{b}/cic/threads/{tid}", headers=HTML)
            got = await timed(s, "agent: thread", session, "POST", b + "/api/cic/thread", data={"id": tid}, headers=JSON)
            if not got or got[0] != 200:
                return
            t = json.loads(got[2])
            got = await timed(s, "write: agent reply", session, "POST", b + "/api/cic/thread-act",
                              data={"id": tid, "version": t["version"], "seen": t["seen"], "action": "reply",
                                    "body": "Dank u voor uw bericht. Wij kijken het na."}, headers=JSON)
            if got and got[0] == 200:
                s.acked["replies"].append(tid)
            elif got and 400 <= got[0] < 500:
                s.refused["replies"] += 1


async def run_user(user, stats, bases, started, until, ready):
    jar = aiohttp.CookieJar(unsafe=True)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(cookie_jar=jar, timeout=timeout) as session:
        try:
            ok = await user.setup(session)
        except (KeyError, ValueError, TypeError, IndexError) as e:
            stats.error("set-up", e)
            ok = False
        ready.append(ok)
        if not ok:
            return
        while time.monotonic() < started[0]:
            await asyncio.sleep(0.05)
        await asyncio.sleep(user.rng.uniform(0, 1.0))
        while time.monotonic() < until[0]:
            try:
                await user.act(session)
            except (KeyError, ValueError, IndexError) as e:  # an answer not as expected
                stats.error("unexpected answer", e)
            await asyncio.sleep(user.rng.uniform(0.5, 1.5))


def pct(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def report(stats, duration):
    rows = []
    total = 0
    errors = {}
    for action in sorted(stats.samples):
        samples = stats.samples[action]
        total += len(samples)
        times = [t * 1000 for _, t in samples]
        e5 = sum(1 for st, _ in samples if st >= 500)
        e4 = sum(1 for st, _ in samples if 400 <= st < 500)
        e0 = sum(1 for st, _ in samples if st == 0)
        for st, _ in samples:
            if st >= 400 or st == 0:
                errors[st] = errors.get(st, 0) + 1
        rows.append((action, len(samples), len(samples) / duration, pct(times, 50), pct(times, 99), e4, e5 + e0))
    print(f"| action | requests | req/s | p50 ms | p99 ms | 4xx | 5xx or failed |")
    print(f"|---|---|---|---|---|---|---|")
    for a, n, rps, p50, p99, e4, e5 in rows:
        print(f"| {a} | {n} | {rps:.1f} | {p50:.1f} | {p99:.1f} | {e4} | {e5} |")
    print(f"\ntotal: {total} requests in {duration:.0f} s = {total / duration:.1f} req/s; "
          f"statuses >= 400: {json.dumps({str(k): v for k, v in sorted(errors.items())})}")
    if stats.transport_errors:
        print(f"connection errors: {json.dumps(stats.transport_errors)}")
    return rows


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", action="append", required=True, help="portal address (several: users spread over them)")
    p.add_argument("--users", required=True, help="file with one customer e-mail address a line")
    p.add_argument("--agents", type=int, default=10)
    p.add_argument("--password", required=True)
    p.add_argument("--agent-key", required=True)
    p.add_argument("--duration", type=float, default=60)
    p.add_argument("--notice", required=True, help="the text of the 'reading saved' notice")
    p.add_argument("--out", required=True, help="JSON file for the acknowledged and refused writes")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    emails = [line.strip() for line in open(a.users) if line.strip()]
    # Epoch seconds before any write (the portal stamps rows with the same system time, in
    # whole seconds): verify.py counts what was stored from here on. The next whole second, so
    # that rows the seeding wrote in this second are not counted.
    began_at = int(time.time()) + 1
    time.sleep(max(0.0, began_at - time.time()))
    stats = Stats()
    rng = random.Random(a.seed)
    users = []
    for i, email in enumerate(emails):
        users.append(Customer(a.base[i % len(a.base)], email, a.password, stats, a.notice, random.Random(rng.random())))
    for n in range(1, a.agents + 1):
        users.append(Agent(a.base[n % len(a.base)], f"load-agent-{n}@example.test", a.password, a.agent_key, stats,
                           random.Random(rng.random())))
    started, until, ready = [float("inf")], [float("inf")], []
    tasks = [asyncio.create_task(run_user(u, stats, a.base, started, until, ready)) for u in users]
    setup_began = time.monotonic()
    while len(ready) < len(users):
        if time.monotonic() - setup_began > 300:
            print("setup did not finish within 300 s", file=sys.stderr)
            break
        await asyncio.sleep(0.1)
    signed_in = sum(1 for r in ready if r)
    print(f"signed in: {signed_in} of {len(users)} users in {time.monotonic() - setup_began:.1f} s", flush=True)
    print(f"sign-ins tried again after a 'busy' answer: {stats.busy_retries}", flush=True)
    if stats.transport_errors:
        print(f"set-up problems: {json.dumps(stats.transport_errors)}", flush=True)
    sign_ins = stats.samples.pop("sign in", [])
    stats.measuring = True
    started[0] = time.monotonic()
    until[0] = started[0] + a.duration
    print(f"load: {a.duration:.0f} s", flush=True)
    await asyncio.gather(*tasks)
    stats.measuring = False
    duration = time.monotonic() - started[0]
    report(stats, duration)
    out = {"acked": stats.acked, "refused": stats.refused, "signed_in": signed_in, "users": len(users),
           "began_at": began_at, "transport_errors": stats.transport_errors,
           "samples": {k: [[st, t] for st, t in v] for k, v in stats.samples.items()}, "duration": duration}
    json.dump(out, open(a.out, "w"))
    print(f"acknowledged writes: " + ", ".join(f"{k} {len(v)}" for k, v in stats.acked.items()))
    print(f"refused writes: readings {len(stats.refused['readings'])}, " +
          ", ".join(f"{k} {v}" for k, v in stats.refused.items() if k != "readings"))
    return 0 if signed_in == len(users) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
