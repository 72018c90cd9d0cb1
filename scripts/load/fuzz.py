"""Fuzzes every endpoint of docs/API.md with generated bodies for a bounded time (run by
scripts/fuzz.sh): random endpoints, as a visitor, a customer or an agent, with random field
names and values (empty, huge, unicode, NUL, numbers that overflow), repeated and missing
fields, random bytes, JSON and multipart that do not parse, wrong content types and methods.
Prints the statuses, every answer of 500 or more, and the server's memory over the run.
"""

import argparse
import asyncio
import base64
import hashlib
import hmac
import random
import re
import struct
import sys
import time

import aiohttp

CHARS = "aZ09 -_./@+%&=?#\0\n\r\t'\"<>\\é€😀\u202e\ufeff"


def endpoints(doc):
    out = []
    for line in open(doc):
        if not line.startswith("| `"):
            continue
        cells = line.split(" | ")
        args = [a for a in re.findall(r"`([a-z_]+)`", cells[1] if len(cells) > 1 else "")]
        for call in re.findall(r"`((?:GET|POST) [^`]+)`", cells[0]):
            method, path = call.split(" ", 1)
            out.append((method, path.split("?")[0], args))
    return out


def value(r):
    kind = r.random()
    if kind < 0.2:
        return ""
    if kind < 0.4:
        return str(r.choice([-1, 0, 1, 2**31, 2**63, 10**30, "1e309", "NaN", "0x10", "1.5", "00001"]))
    if kind < 0.5:
        return r.choice(CHARS) * r.randint(1000, 70_000)
    return "".join(r.choice(CHARS) for _ in range(r.randint(1, 40)))


def body(r, args):
    names = list(args) + ["x", "", "id[]", "a b"]
    pairs = [(r.choice(names) if r.random() < 0.2 else a, value(r)) for a in args if r.random() < 0.85]
    pairs += [(r.choice(names), value(r)) for _ in range(r.randint(0, 3))]
    kind = r.random()
    if kind < 0.6:
        from urllib.parse import urlencode
        return "application/x-www-form-urlencoded", urlencode(pairs).encode()
    if kind < 0.7:
        return "application/json", ("{" + ",".join(f'"{k}": "{v[:50]}"' for k, v in pairs))[: r.randint(0, 200)].encode(
            "utf-8", "replace")
    if kind < 0.85:
        b = "B" * r.randint(0, 3)
        parts = b"".join(f"--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v[:100]}\r\n".encode("utf-8", "replace")
                         for k, v in pairs)
        return f"multipart/form-data; boundary={b}", parts[: r.randint(0, len(parts) + 1)]
    return r.choice([None, "text/plain", "application/octet-stream", "image/png"]), bytes(
        r.getrandbits(8) for _ in range(r.randint(0, 2000)))


def fill(path, r):
    from urllib.parse import quote
    return re.sub(r"\{[^}]*\}|\*", lambda _: quote(value(r)[:200], safe=""), path)


def totp(key):
    k = base64.b32decode(key)
    h = hmac.new(k, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    o = h[-1] & 15
    return "%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--doc", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--agent-key", required=True)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--max-requests", type=int, default=200_000)
    p.add_argument("--seed", type=int, default=14)
    a = p.parse_args()
    eps = endpoints(a.doc)
    sessions = {}
    for who in ["visitor", "customer", "agent"]:
        sessions[who] = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                              timeout=aiohttp.ClientTimeout(total=60))
    html = {"accept": "text/html"}
    await sessions["customer"].post(a.base + "/api/auth/sign-in", data={"email": a.email, "password": a.password},
                                    headers=html, allow_redirects=False)
    await sessions["agent"].post(a.base + "/api/cic/sign-in", data={"email": "load-agent-1@example.test",
                                 "password": a.password, "code": totp(a.agent_key)}, headers=html, allow_redirects=False)
    statuses, failures, sent, cut = {}, [], [0], {}
    rss = [rss_mb(a.pid)]
    until = time.monotonic() + a.seconds

    async def worker(n):
        r = random.Random(a.seed * 1000 + n)
        while time.monotonic() < until and sent[0] < a.max_requests:
            method, path, args = r.choice(eps)
            who = r.choice(["visitor", "customer", "agent"])
            if who != "visitor" and any(s in path for s in ["sign-out", "end-all-sessions", "report-compromised", "sign-in", "two-factor", "change-password", "end-session"]):
                who = "visitor"
            ctype, data = body(r, args)
            headers = {"accept": r.choice(["text/html", "application/json", "*/*"])}
            if ctype:
                headers["content-type"] = ctype
            m = method if r.random() > 0.05 else r.choice(["GET", "POST", "PUT", "DELETE"])
            sent[0] += 1
            try:
                async with sessions[who].request(m, a.base + fill(path, r), data=data if m != "GET" else None,
                                                 headers=headers, allow_redirects=False) as res:
                    statuses[res.status] = statuses.get(res.status, 0) + 1
                    body_text = await res.text(errors="replace")
                    if res.status >= 500 and not (res.status == 503 and "retry-after" in res.headers):
                        failures.append(f"{m} {path} as {who} ({ctype}, {len(data)} bytes): {res.status} {body_text[:120]!r}")
            except (aiohttp.ClientError, asyncio.TimeoutError) as e:
                # The server answered (a body over its limit: 400) and closed the connection
                # before the client finished sending: the client sees a broken pipe.
                key = f"{type(e).__name__}, body of {len(data) // 10_000 * 10} KB or more"
                cut[key] = cut.get(key, 0) + 1

    async def sampler():
        while time.monotonic() < until:
            await asyncio.sleep(1)
            rss.append(rss_mb(a.pid))

    started = time.monotonic()
    await asyncio.gather(sampler(), *(worker(n) for n in range(8)))
    took = time.monotonic() - started
    for s in sessions.values():
        await s.close()
    print(f"{sent[0]} requests to {len(eps)} endpoints in {took:.0f} s ({sent[0] / took:.0f}/s)")
    print("statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    print(f"server memory (RSS): {rss[0]:.0f} MB at the start, {max(rss):.0f} MB at most, {rss[-1]:.0f} MB at the end")
    third = max(1, len(rss) // 3)
    print(f"  first third average {sum(rss[:third]) / third:.0f} MB, last third average {sum(rss[-third:]) / third:.0f} MB")
    print(f"answers of 500 or more (a 503 with Retry-After is the documented 'busy'): {len(failures)}")
    for f in failures[:50]:
        print("  " + f)
    print(f"connections the server closed before the client had sent its body (an early answer): {sum(cut.values())} {cut}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
