"""Delivery against Slack's real limits and through crashes, on the production server:

- **burst**: N filings in S seconds (30 in 6 s) against the Slack stand-in enforcing Slack's
  rate limits (its own process, ``--rate-limits``): the share of calls Slack answered 429,
  and the time from the first filing to the last reviewer post vs the least the limits allow
  (the reviewer channel takes 1 post a second after a burst of 3: (N − 3) s); rows dead.
- **lost clicks**: N approvals clicked at once, the server SIGKILLed as soon as every click
  was acknowledged, then restarted: approvals that never happened (goal 0).
- **duplicates**: N filings while every ``chat.postMessage`` takes effect at once but answers
  only after 30 s, the server SIGKILLed with those calls in flight, then restarted: receipts,
  check results and reviewer cards posted more than once (goal 0)."""

from __future__ import annotations

import sqlite3
import threading
import time

from bench import data, procs, slack_load
from bench.fig_filing import LEAD, _bodies

TOKEN = "xoxb-bench"
POST_RATE, POST_BURST = 1.0, 3  # chat.postMessage per channel: Slack's limit (the stand-in's)


def _reviewer_posts(standin, since: int, found: dict[str, float]) -> int:
    total, calls = standin.calls(since=since, method="chat.postMessage")
    for c in calls:
        if c["channel"] == procs.REVIEW and c["ok"] and not c["thread_ts"]:
            m = LEAD.search(c["text"])
            if m and m.group(0) not in found:
                found[m.group(0)] = c["at"]
    return total


def burst(ctx) -> dict:
    from bench.standin import StandIn

    s = ctx.sizes
    n, seconds = s.burst_filings, s.burst_seconds
    url, _ = ctx.flow_db("burst.db")
    with StandIn(s.slack_latency, rate_limits=True) as standin:
        prod = procs.start_production(url, standin.url, ctx.work / "burst-server.log", **ctx.server_env)
        try:
            bodies, leads = _bodies(0, n)
            mark = standin.total()
            sent = slack_load.open_loop("127.0.0.1", prod.port, procs.SECRET, bodies, rate=n / seconds, senders=8)
            first = min(r.started for r in sent)
            found: dict[str, float] = {}
            since = mark
            minimum = max(0, n - POST_BURST) / POST_RATE
            deadline = time.monotonic() + minimum * 3 + 60
            while len(found) < n and time.monotonic() < deadline:
                since = _reviewer_posts(standin, since, found)
                if len(found) < n:
                    time.sleep(0.2)
            drained = prod.wait_outbox_empty(120)
            health = prod.health().get("outbox", {})
            stats = standin.stats()
        finally:
            prod.stop()
    drain = (max(found.values()) - first) if len(found) == n else None
    everything = stats.get("*", {"calls": 0, "rate_limited": 0})
    row = {
        "filings": n, "seconds": seconds, "reviewer_posts": len(found), "lost": n - len(found),
        "drain_s": round(drain, 2) if drain is not None else None, "minimum_s": minimum,
        "ratio": round(drain / minimum, 3) if drain is not None and minimum else None,
        "calls": everything["calls"], "rate_limited": everything["rate_limited"],
        "share_429": round(everything["rate_limited"] / everything["calls"], 4) if everything["calls"] else 0.0,
        "by_method": {m: v for m, v in stats.items() if m != "*"},
        "dead": health.get("dead"), "outbox_drained": drained,
        "submission_errors": sum(1 for r in sent if r.status != 200),
    }
    print(f"    burst {n} filings in {seconds:g}s: last reviewer post after {row['drain_s']} s "
          f"(minimum {minimum:g} s), 429 on {row['rate_limited']} of {row['calls']} calls "
          f"({row['share_429']:.1%}), dead {row['dead']}", flush=True)
    return row


# -- crashes --------------------------------------------------------------------------------

def _fake():
    from bot.sandbox.slack_api import FakeSlack

    return FakeSlack(token=TOKEN).start()


def _statuses(db_path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        return dict(conn.execute("SELECT status, COUNT(*) FROM credit_requests GROUP BY status").fetchall())
    finally:
        conn.close()


def _file(prod, first: int, n: int, reason: str | None = None) -> list[str]:
    bodies, leads = [], []
    for i in range(first, first + n):
        k = data.flow_client_of(i)
        bodies.append(slack_load.submission(data.contractor_of(k, 0), f"VK{i:07d}", data.channel_of(k),
                                            {"lead_id": data.flow_lead(i), "reason": reason or "incorrect_contact",
                                             "details": "The person who answered never asked for a quote."}))
        leads.append(data.flow_lead(i))
    sent = slack_load.open_loop("127.0.0.1", prod.port, procs.SECRET, bodies, rate=50.0, senders=4)
    assert all(r.status == 200 for r in sent), [r.status for r in sent]
    return leads


def _wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def lost_clicks(ctx) -> dict:
    n = ctx.sizes.kill_clicks
    url, path = ctx.flow_db("clicks.db")
    fake = _fake()
    try:
        prod = procs.start_production(url, fake.url, ctx.work / "clicks-server.log", SLA_SCHEDULER="off")
        leads = _file(prod, 0, n)
        _wait(lambda: sum(1 for m in fake.messages(procs.REVIEW) if LEAD.search(m["text"])) >= n, 60)
        ids = []
        for m in fake.messages(procs.REVIEW):
            for block in m.get("blocks") or []:
                for el in block.get("elements") or []:
                    if el.get("action_id") == "approve_request":
                        ids.append(el["value"])
        statuses: list[int] = []
        lock = threading.Lock()
        barrier = threading.Barrier(len(ids))

        def click(rid: str) -> None:
            conn = slack_load.Connection("127.0.0.1", prod.port, procs.SECRET)
            conn._connect()
            barrier.wait()
            status, _, _ = conn.send(slack_load.button("U0REV", "approve_request", rid, procs.REVIEW))
            with lock:
                statuses.append(status)

        threads = [threading.Thread(target=click, args=(rid,)) for rid in ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        prod.proc.kill()  # right after the last acknowledgement
        prod.proc.wait(10)
        prod.stop()
        before = _statuses(path).get("approved", 0)
        prod = procs.start_production(url, fake.url, ctx.work / "clicks-restart.log", SLA_SCHEDULER="off")
        try:
            _wait(lambda: _statuses(path).get("approved", 0) >= len(ids), 60)
            prod.wait_outbox_empty(60)
        finally:
            prod.stop()
        approved = _statuses(path).get("approved", 0)
    finally:
        fake.stop()
    row = {"clicks": len(ids), "acked": sum(1 for s in statuses if s == 200), "approved_at_kill": before,
           "approved_after_restart": approved, "lost": len(ids) - approved, "filed": len(leads)}
    print(f"    kill -9 right after {row['acked']} acked approvals: {before} done at the kill, "
          f"{approved} after restart, lost {row['lost']}", flush=True)
    return row


def duplicates(ctx) -> dict:
    n = ctx.sizes.kill_posts
    url, _ = ctx.flow_db("dups.db")
    fake = _fake()
    try:
        prod = procs.start_production(url, fake.url, ctx.work / "dups-server.log", SLA_SCHEDULER="off")
        fake.delay(30, "chat.postMessage", effect="before")  # posted at once, answered 30 s later
        leads = _file(prod, 0, n)
        _wait(lambda: sum(1 for m in fake.messages(procs.REVIEW) if LEAD.search(m["text"])) >= n, 60)
        in_flight = fake.in_flight
        prod.proc.kill()
        prod.proc.wait(10)
        prod.stop()
        fake.clear_failures()
        prod = procs.start_production(url, fake.url, ctx.work / "dups-restart.log", SLA_SCHEDULER="off")
        try:
            drained = prod.wait_outbox_empty(90)
        finally:
            prod.stop()
        counts: dict[tuple, int] = {}  # top-level: (lead, surface); replies: (outbox id,)
        for m in fake.all_messages():
            text = m.get("text") or ""
            found = LEAD.search(text)
            if not found or found.group(0) not in leads or "twice" in text:
                continue
            top = not m.get("thread_ts") or m["thread_ts"] == m["ts"]
            if top:
                key = (found.group(0), "reviewer card" if m["channel"] == procs.REVIEW else "receipt")
            else:
                key = (((m.get("metadata") or {}).get("event_payload") or {}).get("outbox_id"), "thread reply")
            counts[key] = counts.get(key, 0) + 1
        repaired = sum(1 for m in fake.all_messages() if "twice" in (m.get("text") or ""))
    finally:
        fake.stop()
    per = {w: sum(max(0, c - 1) for (lead, kind), c in counts.items() if kind == w)
           for w in ("receipt", "reviewer card", "thread reply")}
    row = {"filings": n, "posts_in_flight_at_kill": in_flight, "duplicates": sum(per.values()), "by_kind": per,
           "repaired_copies": repaired, "outbox_drained": drained,
           "receipts": sum(1 for (lead, w) in counts if w == "receipt"),
           "reviewer_cards": sum(1 for (lead, w) in counts if w == "reviewer card")}
    print(f"    kill -9 with {in_flight} posts in flight: {row['duplicates']} duplicate post(s) after restart "
          f"({row['receipts']} receipts, {row['reviewer_cards']} reviewer cards for {n} filings; "
          f"{repaired} stale copies repaired)", flush=True)
    return row


def run(ctx) -> dict:
    parts = {"burst": burst, "lost_clicks": lost_clicks, "duplicates": duplicates}
    if not ctx.quick:
        return {name: part(ctx) for name, part in parts.items()}
    # --quick (CI) checks the code and the outcomes, not the timings: the three runs (each with its
    # own database, Slack stand-in and servers) go side by side, most of their time is waiting
    from concurrent.futures import ThreadPoolExecutor

    ctx.flow_db("burst.db")  # builds the databases' template once, before the threads
    with ThreadPoolExecutor(len(parts)) as pool:
        futures = {name: pool.submit(part, ctx) for name, part in parts.items()}
        return {name: future.result() for name, future in futures.items()}
