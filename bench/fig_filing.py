"""Filing → reviewer post: from sending a modal submission to the reviewer-channel
``chat.postMessage`` naming its lead arriving at the Slack stand-in (100 ms per call), with
submissions scheduled open-loop at a fixed rate.

The reviewer channel is paced at Slack's limit for ``chat.postMessage``: about 1 message a
second per channel after a burst of 3 (the bot keeps 95 % of it). Any rate above 1 filing a
second queues the cards at that pace, so the send → post latency grows with the row's length
whatever the bot does. What each row judges instead is the delay *beyond the pace*: each post's
arrival minus the later of its filing's send and the first moment the channel's token bucket
(replayed from the posts the channel actually got) allowed it; and no post lost. The send → post
latency is kept (``p50_ms`` ...), and ``unpaced`` is that latency for the posts the pace did not
hold back (what a reviewer waits when the channel is not backed up). Baseline: one Slack call
(100 ms), the least any bot that posts through Slack's API can take."""

from __future__ import annotations

import math
import re
import time

from bench import data, pace, procs, slack_load
from bench.stats import ratio, summary

REASONS = (
    ("incorrect_contact", "Wrong person: the homeowner says they never asked for a quote."),
    ("invalid_number", "Number is disconnected, we called three times."),
    ("duplicate_lead", "We got this same homeowner last week."),
    ("out_of_service_area", "This address is far outside our service area."),
    ("testing_solicitation", "A marketing agency pitching us their services."),
)
LEAD = re.compile(r"BL-\d{7}")


def _bodies(first: int, n: int) -> tuple[list[slack_load.Body], list[str]]:
    bodies, leads = [], []
    for i in range(first, first + n):
        k = data.flow_client_of(i)
        reason, details = REASONS[i % len(REASONS)]
        lead = data.flow_lead(i)
        bodies.append(slack_load.submission(data.contractor_of(k, i // 7), f"VF{i:07d}", data.channel_of(k),
                                            {"lead_id": lead, "reason": reason, "details": details}))
        leads.append(lead)
    return bodies, leads


def _reviewer_posts(standin, since: int, wanted: set[str], found: dict[str, float]) -> int:
    total, calls = standin.calls(since=since, method="chat.postMessage")
    for c in calls:
        if c["channel"] == procs.REVIEW and c["ok"] and not c["thread_ts"]:
            m = LEAD.search(c["text"])
            if m and m.group(0) in wanted and m.group(0) not in found:
                found[m.group(0)] = c["at"]
    return total


def _channel_posts(standin, since: int) -> list[float]:
    """Times of every chat.postMessage the reviewer channel got since ``since`` (thread replies
    and scheduler posts draw on the same per-channel budget)."""
    _, calls = standin.calls(since=since, method="chat.postMessage")
    return sorted(c["at"] for c in calls if c["channel"] == procs.REVIEW and c["ok"])


def _beyond_pace(standin, since: int, sends: list[float], arrivals: list[float]
                 ) -> tuple[list[float], list[float], float]:
    """(seconds each card arrived after it could have, send → post of the cards the pace did not
    hold back, the soonest the last card could have gone), pairing the i-th send with the i-th
    card to arrive."""
    posts = _channel_posts(standin, since)
    slot = dict(zip(posts, pace.earliest(posts, *pace.channel_rate()), strict=True))
    beyond, unpaced, soonest = [], [], math.nan
    for send, arrival in zip(sorted(sends), sorted(arrivals), strict=True):
        floor = max(send, slot.get(arrival, arrival))
        beyond.append(max(0.0, arrival - floor))
        soonest = floor
        if floor == send:
            unpaced.append(arrival - send)
    return beyond, unpaced, soonest


def run(ctx) -> dict:
    s = ctx.sizes
    standin = ctx.standin()
    rate_per_s, burst = pace.channel_rate()
    url, _path = ctx.flow_db("filing.db")
    start_mark = standin.total()
    prod = procs.start_production(url, standin.url, ctx.work / "filing-server.log", **ctx.server_env)
    profiler = procs.Profiler(prod.pid, ctx.results_dir / "filing-server.svg", ctx.profile)
    rows = []
    first = 0
    try:
        if not ctx.quick:  # warm up: a few filings, then let the outbox drain
            bodies, _ = _bodies(first, 10)
            slack_load.open_loop("127.0.0.1", prod.port, procs.SECRET, bodies, rate=5.0, senders=4)
            first += len(bodies)
            prod.wait_outbox_empty(60)
        for rate in s.filing_rates:
            n = s.filings
            bodies, leads = _bodies(first, n)
            first += n
            mark = standin.total()
            sent = slack_load.open_loop("127.0.0.1", prod.port, procs.SECRET, bodies, rate=rate,
                                        senders=max(8, min(64, int(rate * 3))))
            sent_done = time.monotonic()
            wanted = set(leads)
            found: dict[str, float] = {}
            since = mark
            deadline = sent_done + n / rate_per_s + 60  # the pace, and a minute more
            while len(found) < n and time.monotonic() < deadline:
                since = _reviewer_posts(standin, since, wanted, found)
                if len(found) < n:
                    time.sleep(0.2)
            posts_done = time.monotonic()
            drained = prod.wait_outbox_empty(300)
            calls = standin.total() - mark
            arrival = [found[lead] - rec.started for lead, rec in zip(leads, sent, strict=True) if lead in found]
            stat = summary(arrival)
            beyond, unpaced, soonest = _beyond_pace(standin, start_mark, [r.started for r in sent],
                                                    list(found.values()))
            paced = summary(beyond)
            late = max((r.started - r.scheduled for r in sent), default=0.0)
            first_send = min(r.started for r in sent)
            row = {
                "rate_per_s": rate, "filings": n, "posted": len(found), "lost": n - len(found), **stat,
                "beyond_pacing": paced, "unpaced": summary(unpaced),
                "baseline_ms": s.slack_latency * 1000, "ratio_p50": ratio(paced["p50_ms"], s.slack_latency * 1000),
                "ratio_p99": ratio(paced["p99_ms"], s.slack_latency * 1000),
                "last_post_s": round(max(found.values(), default=math.nan) - first_send, 2),
                "soonest_last_post_s": round(soonest - first_send, 2),
                "submission_ack": summary([r.ack_seconds for r in sent if r.status == 200]),
                "submission_errors": sum(1 for r in sent if r.status != 200 or r.body.strip() not in (b"", b"{}")),
                "max_send_lateness_ms": round(late * 1000, 2),
                "slack_calls_per_filing": round(calls / n, 2),
                "seconds_to_last_post_after_last_send": round(posts_done - sent_done, 2),
                "outbox_drained": drained,
            }
            rows.append(row)
            print(f"    {rate:5.1f}/s  n={n:<4} posted {len(found):<4} send → post p50 {row['p50_ms']:8.1f} ms  "
                  f"p99 {row['p99_ms']:8.1f} ms; beyond the pace p50 {paced['p50_ms']:.1f} p99 {paced['p99_ms']:.1f} "
                  f"ms; unpaced n={len(unpaced)}  ack p99 {row['submission_ack']['p99_ms']:.1f} ms  "
                  f"{row['slack_calls_per_filing']} Slack calls/filing", flush=True)
    finally:
        profile = profiler.stop()
        prod.stop(grace=5)
    return {"rows": rows, "profile": profile, "log": prod.log_summary(),
            "pace": {"posts_per_s": round(rate_per_s, 3), "burst": burst},
            "measured": "send of the view_submission → arrival of the reviewer chat.postMessage at the stand-in "
                        "(p50_ms ...); beyond_pacing: that arrival minus the later of the send and the moment the "
                        "reviewer channel's pace (Slack's 1 msg/s per channel, burst 3, kept at 95 %) allowed the "
                        "post, replayed from every post the channel got; unpaced: send → post of the cards the pace "
                        "did not hold back"}
