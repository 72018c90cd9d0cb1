"""Checks the database against what the load test saw (scripts/load.sh runs it after the
portal has stopped or settled): every acknowledged write is stored, nothing refused is,
nothing is half-written, and the outbox sent each message once.

Prints one line per check and exits 1 when any check fails.
"""

import argparse
import json
import os
import subprocess
import sys


def query(db, sql):
    if db.startswith("sqlite:"):
        import sqlite3
        path = db.split("://", 1)[1] if "://" in db else db.split(":", 1)[1]
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return [tuple(r) for r in con.execute(sql).fetchall()]
        finally:
            con.close()
    out = subprocess.run(["psql", db, "-At", "-F", "\t", "-c", sql], check=True, capture_output=True, text=True).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


def ids(values):
    return ",".join(str(int(v)) for v in values) or "NULL"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True)
    p.add_argument("--results", required=True, action="append", help="load.py's JSON (several runs: all of them)")
    p.add_argument("--outbox", help="the portal's outbox folder (file transport): mails sent once")
    a = p.parse_args()
    acked = {"threads": [], "readings": [], "requests": [], "approvals": [], "replies": []}
    refused_readings = []
    refused = {"requests": 0, "threads": 0}
    began_at = None
    # Writes whose answer never came (the connection broke): stored or not, both are right.
    unanswered = {}
    for path in a.results:
        r = json.load(open(path))
        for k in acked:
            acked[k] += r["acked"][k]
        refused_readings += r["refused"]["readings"]
        for k in refused:
            refused[k] += r["refused"][k]
        began_at = min(began_at or r["began_at"], r["began_at"])
        for key, n in r["transport_errors"].items():
            action, _, kind = key.rpartition(": ")
            if kind != "ClientConnectorError":  # never connected: nothing was sent
                unanswered[action] = unanswered.get(action, 0) + n
    failures = []

    def check(name, ok, detail=""):
        print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")
        if not ok:
            failures.append(name)

    # Messages: every acknowledged thread with its message, and its attachment record.
    threads = [t for t, _ in acked["threads"]]
    found = {int(r[0]) for r in query(a.db, f"SELECT t.id FROM message_threads t WHERE t.id IN ({ids(threads)}) "
                                            "AND EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = t.id)")}
    check("acknowledged messages stored", len(found) == len(set(threads)),
          f"{len(found)} of {len(set(threads))}")
    with_file = [t for t, f in acked["threads"] if f]
    attached = {int(r[0]) for r in query(a.db, "SELECT DISTINCT m.thread_id FROM messages m JOIN message_attachments x "
                                               f"ON x.message_id = m.id WHERE m.thread_id IN ({ids(with_file)})")}
    check("their attachments stored", len(attached) == len(set(with_file)), f"{len(attached)} of {len(set(with_file))}")
    missing_files = query(a.db, "SELECT COUNT(*) FROM message_attachments x LEFT JOIN uploaded_files f "
                                "ON f.id = x.file_id WHERE f.id IS NULL")[0][0]
    check("no attachment record without its file", int(missing_files) == 0, str(missing_files))
    empty = query(a.db, "SELECT COUNT(*) FROM message_threads t WHERE NOT EXISTS "
                        "(SELECT 1 FROM messages m WHERE m.thread_id = t.id)")[0][0]
    check("no thread without a message", int(empty) == 0, str(empty))

    # Mileage readings: acknowledged ones stored, refused ones not.
    rows = {(r[0], int(r[1])) for r in query(a.db, "SELECT c.contract_number, r.km FROM mileage_readings r "
                                                   "JOIN contracts c ON c.id = r.contract_id WHERE r.source = 'customer'")}
    stored = sum(1 for c, km in acked["readings"] if (c, km) in rows)
    check("acknowledged mileage readings stored", stored == len(acked["readings"]),
          f"{stored} of {len(acked['readings'])}")
    leaked = sum(1 for c, km in refused_readings if (c, km) in rows)
    check("refused mileage readings not stored", leaked == 0, f"{leaked} of {len(refused_readings)} stored")

    # Change requests: stored with their status row; approvals applied.
    reqs = {int(r[0]) for r in query(a.db, f"SELECT s.id FROM service_requests s WHERE s.id IN ({ids(acked['requests'])}) "
                                           "AND EXISTS (SELECT 1 FROM request_events e WHERE e.request_id = s.id)")}
    check("acknowledged change requests stored with their status row", len(reqs) == len(set(acked["requests"])),
          f"{len(reqs)} of {len(set(acked['requests']))}")
    orphans = query(a.db, "SELECT COUNT(*) FROM service_requests s WHERE NOT EXISTS "
                          "(SELECT 1 FROM request_events e WHERE e.request_id = s.id)")[0][0]
    check("no change request without its status row", int(orphans) == 0, str(orphans))
    # Refused requests (one open request of a kind) and threads are not counted by id: every
    # one stored since the run began must be an acknowledged one (or one whose answer was lost).
    for table, kind, action in (("service_requests", "requests", "write: allowance request"),
                                ("message_threads", "threads", "write: message")):
        made = int(query(a.db, f"SELECT COUNT(*) FROM {table} WHERE created_at >= {int(began_at)}")[0][0])
        allowed = len(set(acked[kind])) if kind == "requests" else len({t for t, _ in acked[kind]})
        lost = unanswered.get(action, 0)
        ok = made <= allowed + lost
        known = set(acked[kind]) if kind == "requests" else {t for t, _ in acked[kind]}
        extra = [] if ok else [r for r in query(a.db, f"SELECT * FROM {table} WHERE created_at >= {int(began_at)}")
                               if int(r[0]) not in known]
        check(f"no refused {kind} stored", ok,
              f"{made} stored during the run, {allowed} acknowledged, {refused[kind]} refused, "
              f"{lost} without an answer" + "".join(f"\n     not acknowledged: {r}" for r in extra))
    done = {int(r[0]) for r in query(a.db, f"SELECT id FROM service_requests WHERE id IN ({ids(acked['approvals'])}) "
                                           "AND status IN ('approved', 'completed')")}
    check("acknowledged approvals applied", len(done) == len(set(acked["approvals"])),
          f"{len(done)} of {len(set(acked['approvals']))}")

    # Agent replies: at least as many staff messages in each thread as acknowledged replies.
    want = {}
    for t in acked["replies"]:
        want[int(t)] = want.get(int(t), 0) + 1
    have = {int(r[0]): int(r[1]) for r in query(a.db, "SELECT thread_id, COUNT(*) FROM messages WHERE author = 'staff' "
                                                      f"AND thread_id IN ({ids(want)}) GROUP BY thread_id")}
    short = sum(1 for t, n in want.items() if have.get(t, 0) < n)
    check("acknowledged agent replies stored", short == 0, f"{sum(want.values())} replies, {short} threads short")

    # The outbox: nothing left pending, each mail sent once (the file transport keeps one file
    # per delivery).
    waiting = query(a.db, "SELECT COUNT(*) FROM outbox_messages WHERE status IN ('pending', 'sending')")[0][0]
    check("outbox delivered everything", int(waiting) == 0, f"{waiting} waiting")
    if a.outbox:
        sent = int(query(a.db, "SELECT COUNT(*) FROM outbox_messages WHERE channel = 'mail' AND status = 'sent'")[0][0])
        folder = os.path.join(a.outbox, "mail")
        files = len([f for f in os.listdir(folder) if f.endswith(".eml")]) if os.path.isdir(folder) else 0
        check("each mail sent once", files == sent, f"{sent} sent rows, {files} mails in the outbox")

    if a.db.startswith("sqlite:"):
        integrity = query(a.db, "PRAGMA integrity_check")[0][0]
        check("SQLite integrity_check", integrity == "ok", integrity)
    print(f"\n{len(failures)} check(s) failed" if failures else "\nevery check passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
