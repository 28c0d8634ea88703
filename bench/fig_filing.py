"""Filing → reviewer post: from sending a modal submission to the reviewer-channel
``chat.postMessage`` naming its lead arriving at the Slack stand-in (100 ms per call), with
submissions scheduled open-loop at a fixed rate. Baseline: one Slack call (100 ms), the
least any bot that posts through Slack's API can take to get a message into the channel."""

from __future__ import annotations

import re
import time

from bench import data, procs, slack_load
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


def run(ctx) -> dict:
    s = ctx.sizes
    standin = ctx.standin()
    url, _path = ctx.flow_db("filing.db")
    prod = procs.start_production(url, standin.url, ctx.work / "filing-server.log", **ctx.server_env)
    profiler = procs.Profiler(prod.pid, ctx.results_dir / "filing-server.svg", ctx.profile)
    rows = []
    first = 0
    try:
        # warm up: a few filings, then let the outbox drain
        bodies, _ = _bodies(first, 3 if ctx.quick else 20)
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
            deadline = sent_done + max(60.0, n / rate)
            while len(found) < n and time.monotonic() < deadline:
                since = _reviewer_posts(standin, since, wanted, found)
                if len(found) < n:
                    time.sleep(0.2)
            posts_done = time.monotonic()
            drained = prod.wait_outbox_empty(300)
            calls = standin.total() - mark
            arrival = [found[lead] - rec.started for lead, rec in zip(leads, sent, strict=True) if lead in found]
            stat = summary(arrival)
            late = max((r.started - r.scheduled for r in sent), default=0.0)
            row = {
                "rate_per_s": rate, "filings": n, "posted": len(found), "lost": n - len(found), **stat,
                "baseline_ms": s.slack_latency * 1000, "ratio_p50": ratio(stat["p50_ms"], s.slack_latency * 1000),
                "ratio_p99": ratio(stat["p99_ms"], s.slack_latency * 1000),
                "submission_ack": summary([r.ack_seconds for r in sent if r.status == 200]),
                "submission_errors": sum(1 for r in sent if r.status != 200 or r.body.strip() not in (b"", b"{}")),
                "max_send_lateness_ms": round(late * 1000, 2),
                "slack_calls_per_filing": round(calls / n, 2),
                "seconds_to_last_post_after_last_send": round(posts_done - sent_done, 2),
                "outbox_drained": drained,
            }
            rows.append(row)
            print(f"    {rate:5.1f}/s  n={n:<4} posted {len(found):<4} p50 {row['p50_ms']:8.1f} ms  "
                  f"p99 {row['p99_ms']:8.1f} ms  ack p99 {row['submission_ack']['p99_ms']:.1f} ms  "
                  f"{row['slack_calls_per_filing']} Slack calls/filing", flush=True)
    finally:
        profile = profiler.stop()
        prod.stop()
    return {"rows": rows, "profile": profile, "log": prod.log_summary(),
            "measured": "send of the view_submission → arrival of the reviewer chat.postMessage at the stand-in"}
