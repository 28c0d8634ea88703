"""Reports against a seeded data set whose answers are worked out by hand.

Policy calendar: America/New_York, US federal holidays. Fri 2026-07-03 is Independence Day
(observed). Every request is filed and decided at 09:00 local, so each time to decision is
a whole number of business days:

  req  client  status     reason            requested  first decision   business days
  a1   C-A     approved                     Mon 06-29  Mon 06-29 auto   0
  a2   C-A     approved                     Mon 06-29  Wed 07-01        2
  a3   C-A     reversed                     Mon 06-29  Mon 06-29 auto   0  (reversed Wed 07-08;
                                                                          the audit events say so)
  a4   C-A     pending                      Mon 06-29  -                (10 at Tue 07-14: overdue)
  b1   C-B     approved                     Tue 06-30  Thu 07-02        2
  b2   C-B     denied     did_not_win_job   Tue 06-30  Tue 06-30 auto   0
  b3   C-B     denied     late_report       Tue 06-30  Tue 06-30 auto   0
  b4   C-B     exception  homeowner_shopping Mon 06-29 Thu 07-02        3
  c1   C-C     approved                     Wed 07-01  Mon 07-06        2  (across the holiday)
  c2   C-C     approved                     Thu 07-02  Thu 07-09        4  (holiday + weekend)
  c3   C-C     approved                     Mon 06-29  Mon 06-29 auto   0
  c4   C-C     approved                     Tue 06-30  Tue 07-07        4
  c5   C-C     approved                     Mon 06-29  Tue 07-07        5  (on the 5-day line)
  d1   C-D     approved                     Tue 06-30  Fri 07-10        7  (on the 7-day line)
  d2   C-D     denied     did_not_win_job   Wed 07-01  Thu 07-02        1
  d3   C-D     pending                      Mon 07-06  -                (6 at Tue 07-14)
  e1   C-E     approved                     Wed 07-01  Wed 07-01 auto   0
  e2   C-E     approved                     Wed 07-01  Tue 07-14        8

Sorted times (16 decided): 0×6, 1, 2×3, 3, 4×2, 5, 7, 8 → median 2.0, p90 (linear, h=13.5) 6.0;
within 5: 14/16; within 7: 15/16; auto 6/16. Delivered since 06-29: A 20, B 20, C 10, D 10, E 3;
credited A 2, B 1, C 5, D 1, E 2 → rates 10%, 5%, 50%, 10%, 66.7%. C-C is flagged (peer median
10%, MAD 0, threshold 20%); C-E is too small to judge (3 leads).
Before 06-29: five more C-A leads, one request (denied, unresponsive, 1 business day), and a
C-D lead received 2026-06-29T03:30Z, which is still Jun 28 in New York.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.entrypoints.cli import main
from bot.slack.render.report import report_blocks, weekly_report
from bot.usecases.desk import Desk
from bot.usecases.reports import (
    ClientLine,
    build_report,
    flag_outliers,
    load_report,
    percentile,
)
from bot.usecases.sla import weekly_digest
from storage.db import Database
from storage.models import Client, CreditRequest, Lead, OutboxMessage, RequestEvent, ScheduledPost
from tests.support.bot import REVIEW, settings_for

TZ = ZoneInfo("America/New_York")
CLIENTS = {"C-A": "Acme Roofing", "C-B": "Bolt Solar", "C-C": "Cobalt Windows & Doors",
           "C-D": "Delta | Gutters", "C-E": "Echo Siding"}
DELIVERED = {"C-A": 20, "C-B": 20, "C-C": 10, "C-D": 10, "C-E": 3}


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


# (name, client, lead index, status, deny_reason, requested, decided, auto)
REQUESTS = [
    ("a1", "C-A", 0, "approved", None, at(6, 29), at(6, 29), True),
    ("a2", "C-A", 1, "approved", None, at(6, 29), at(7, 1), False),
    ("a3", "C-A", 2, "reversed", None, at(6, 29), at(7, 8), False),  # first decision: auto, 06-29
    ("a4", "C-A", 3, "pending", None, at(6, 29), None, False),
    ("b1", "C-B", 0, "approved", None, at(6, 30), at(7, 2), False),
    ("b2", "C-B", 1, "denied", "did_not_win_job", at(6, 30), at(6, 30), True),
    ("b3", "C-B", 2, "denied", "late_report", at(6, 30), at(6, 30), True),
    ("b4", "C-B", 3, "exception", "homeowner_shopping", at(6, 29), at(7, 2), False),
    ("c1", "C-C", 0, "approved", None, at(7, 1), at(7, 6), False),
    ("c2", "C-C", 1, "approved", None, at(7, 2), at(7, 9), False),
    ("c3", "C-C", 2, "approved", None, at(6, 29), at(6, 29), True),
    ("c4", "C-C", 3, "approved", None, at(6, 30), at(7, 7), False),
    ("c5", "C-C", 4, "approved", None, at(6, 29), at(7, 7), False),
    ("d1", "C-D", 0, "approved", None, at(6, 30), at(7, 10), False),
    ("d2", "C-D", 1, "denied", "did_not_win_job", at(7, 1), at(7, 2), False),
    ("d3", "C-D", 2, "pending", None, at(7, 6), None, False),
    ("e1", "C-E", 0, "approved", None, at(7, 1), at(7, 1), True),
    ("e2", "C-E", 1, "approved", None, at(7, 1), at(7, 14), False),
    ("old", "C-A", "OLD-0", "denied", "unresponsive", at(6, 16), at(6, 17), False),
]


def _lead(lead_id: str, client_id: str, received: datetime) -> Lead:
    return Lead(lead_id=lead_id, client_id=client_id, lead_type="standard", category="Roofing",
                category_key="roofing", received_at=received)


def seed(url: str) -> None:
    db = Database(url)
    now = datetime(2026, 7, 20, tzinfo=UTC)
    with db.transaction() as s:
        s.add_all(Client(client_id=c, name=n, updated_at=now) for c, n in CLIENTS.items())
        for client_id, n in DELIVERED.items():
            s.add_all(_lead(f"{client_id}-{i}", client_id, at(6, 29, 8) + timedelta(days=i % 14))
                      for i in range(n))
        s.add_all(_lead(f"C-A-OLD-{i}", "C-A", at(6, 15, 10)) for i in range(5))
        s.add(_lead("C-D-EDGE", "C-D", datetime(2026, 6, 29, 3, 30, tzinfo=UTC)))
        s.flush()
        for name, client_id, idx, status, reason, requested, decided, auto in REQUESTS:
            req = CreditRequest(
                lead_id=f"{client_id}-{idx}", client_id=client_id, reason="invalid_number", details=name,
                requested_by="U0C", requested_at=requested, status=status, verdict="review",
                deny_reason=reason, deadline=requested + timedelta(days=8), decided_at=decided,
                decided_by=None if decided is None else ("auto" if auto else "U0REV"), auto_decided=auto,
                updated_at=now)
            s.add(req)
            s.flush()
            if name == "a3":  # auto-approved at filing, reversed by a reviewer nine days later
                s.add(RequestEvent(request_id=req.id, at=requested, actor="U0C", surface="view_submission",
                                   action="filed", old_status=None, new_status="pending"))
                s.add(RequestEvent(request_id=req.id, at=requested, actor="auto", surface="system",
                                   action="auto_approved", old_status="pending", new_status="approved"))
                s.add(RequestEvent(request_id=req.id, at=decided, actor="U0REV", surface="block_actions",
                                   action="reverse", old_status="approved", new_status="reversed"))
    db.dispose()


@pytest.fixture
def seeded_url(database_url):
    seed(database_url)
    return database_url


@pytest.fixture
def settings(seeded_url):
    return settings_for(seeded_url, "http://127.0.0.1:9/api/", POLICY_TIMEZONE="America/New_York",
                        POLICY_HOLIDAYS="US")


SINCE = at(6, 29, 0)
AS_OF = at(7, 14)


def _report(settings, since=SINCE, until=None, as_of=AS_OF):
    db = Database(settings.database_url)
    try:
        with db.read() as session:
            return load_report(session, settings.calendar, since=since, until=until, as_of=as_of)
    finally:
        db.dispose()


def test_numbers_match_the_hand_worked_answers(settings):
    r = _report(settings)
    assert r.total == 18
    assert r.by_status == {"pending": 2, "approved": 11, "denied": 3, "reversed": 1, "exception": 1}
    assert r.denials_by_reason == {"did_not_win_job": 2, "late_report": 1}
    assert list(r.denials_by_reason) == ["did_not_win_job", "late_report"]  # most frequent first
    assert (r.decided, r.auto_decided, r.auto_share) == (16, 6, 0.375)
    assert r.median_days == pytest.approx(2.0)
    assert r.p90_days == pytest.approx(6.0)
    assert (r.within_target, r.within_limit) == (14, 15)
    assert (r.within_target_share, r.within_limit_share) == (0.875, 0.9375)
    assert r.pending_overdue == 1  # a4 is 10 business days old on 07-14; d3 only 6

    lines = {c.client_id: c for c in r.clients}
    assert {k: (c.delivered, c.requests, c.credited) for k, c in lines.items()} == {
        "C-A": (20, 4, 2), "C-B": (20, 4, 1), "C-C": (10, 5, 5), "C-D": (10, 3, 1), "C-E": (3, 2, 2)}
    assert {k: c.rate for k, c in lines.items()} == pytest.approx(
        {"C-A": 0.10, "C-B": 0.05, "C-C": 0.50, "C-D": 0.10, "C-E": 2 / 3})
    assert [c.client_id for c in r.flagged] == ["C-C"]
    assert lines["C-C"].peer_median == pytest.approx(0.10)
    assert lines["C-C"].threshold == pytest.approx(0.20)
    assert lines["C-A"].threshold == pytest.approx(0.25)  # peers 5%, 50%, 10%: MAD 5 points
    assert lines["C-E"].peer_median is None  # too few leads to be judged
    assert [c.client_id for c in r.clients] == ["C-C", "C-E", "C-A", "C-D", "C-B"]
    assert lines["C-C"].name == "Cobalt Windows & Doors"


def test_all_time_and_until_bounds(settings):
    r = _report(settings, since=None)
    assert r.total == 19 and r.by_status["denied"] == 4
    assert r.denials_by_reason["unresponsive"] == 1
    lines = {c.client_id: c for c in r.clients}
    assert (lines["C-A"].delivered, lines["C-D"].delivered) == (25, 11)
    assert r.median_days == pytest.approx(2.0)
    assert r.p90_days == pytest.approx(5.8)  # 17 values: h = 14.4 → 5 + 0.4 × (7 − 5)
    week = _report(settings, since=at(7, 6, 0), until=at(7, 13, 0))
    assert week.total == 1 and week.by_status["pending"] == 1
    assert {c.client_id: c.delivered for c in week.clients} == {"C-A": 7, "C-B": 7, "C-C": 3, "C-D": 3}


def test_time_to_decision_falls_back_to_decided_at_without_events():
    cal = settings_for("sqlite://", "http://x/").calendar
    from bot.usecases.reports import RequestRow

    rows = [RequestRow(1, "L1", "C", "reversed", None, at(6, 29), at(7, 8), False),
            RequestRow(2, "L2", "C", "approved", None, at(7, 2), at(7, 6), True)]
    r = build_report(rows, {"C": 4}, {}, cal, since=None, until=None, as_of=at(7, 14))
    assert sorted([r.median_days, r.p90_days]) == pytest.approx([3.5, 5.5])  # 1 and 6 business days
    assert (r.decided, r.auto_decided) == (2, 1)
    assert r.clients[0].name == "C" and r.clients[0].rate == 0.25


def test_flag_rule_guards():
    def line(cid, delivered, credited):
        return ClientLine(cid, cid, delivered=delivered, credited=credited, rate=credited / delivered)

    few = [line("X", 10, 2), line("P", 10, 0), line("Q", 10, 0)]  # 20% vs 0%, but only 2 credited
    flag_outliers(few)
    assert not any(c.flagged for c in few)
    lonely = [line("X", 10, 9), line("P", 100, 1)]  # one peer is not a baseline
    flag_outliers(lonely)
    assert not any(c.flagged for c in lonely) and lonely[0].peer_median is None
    spread = [line("X", 20, 6), line("P", 20, 1), line("Q", 20, 3), line("R", 20, 5)]
    flag_outliers(spread)  # X 30%: peers 5/15/25% → median 15%, MAD 10 points → threshold 45%
    assert not spread[0].flagged and spread[0].threshold == pytest.approx(0.45)
    assert percentile([], 0.5) is None and percentile([4.0], 0.9) == 4.0


def _cli(monkeypatch, capsys, url, *argv):
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("POLICY_TIMEZONE", "America/New_York")
    monkeypatch.setenv("POLICY_HOLIDAYS", "US")
    code = main(["report", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_markdown(monkeypatch, capsys, seeded_url):
    code, out, err = _cli(monkeypatch, capsys, seeded_url, "--since", "2026-06-29")
    assert code == 0, err
    assert out.startswith("# Credit desk report\n")
    assert "Requests filed from Mon Jun 29 2026, 12:00 AM EDT to now" in out
    for row in ("| Total | 18 | 100.0% |", "| Approved (credited) | 11 | 61.1% |", "| Denied | 3 | 16.7% |",
                "| Reversed | 1 | 5.6% |", "| Pending | 2 | 11.1% |",
                "| Exception (denied, under appeal) | 1 | 5.6% |",
                "| Did not win the job | did_not_win_job | 2 |",
                "| Reported after the reporting period | late_report | 1 |",
                "| Auto-decided | 6 (37.5%) |", "| Median time to decision (business days) | 2.00 |",
                "| 90th percentile (business days) | 6.00 |", "| Decided within 5 business days | 14 (87.5%) |",
                "| Decided within 7 business days | 15 (93.8%) |",
                "| C-C | Cobalt Windows & Doors | 10 | 5 | 5 | 50.0% | 10.0% | FAR ABOVE PEERS |",
                "| C-D | Delta \\| Gutters | 10 | 3 | 1 | 10.0% | 10.0% |  |",
                "| C-E | Echo Siding | 3 | 2 | 2 | 66.7% | n/a |  |"):
        assert row in out, row
    assert out.count("FAR ABOVE PEERS") == 1
    assert "Flagged: credit rate above both 2× the peer median" in out
    assert "unresponsive" not in out


def test_cli_csv_and_since(monkeypatch, capsys, seeded_url):
    code, out, err = _cli(monkeypatch, capsys, seeded_url, "--since", "2026-06-29", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["section", "subject", "metric", "value"]
    got = {(r["section"], r["subject"], r["metric"]): r["value"] for r in rows}
    assert got[("period", "", "since")] == "2026-06-29T00:00:00-04:00"
    assert got[("period", "", "until")] == ""
    assert got[("requests", "", "total")] == "18"
    assert got[("requests", "", "exception")] == "1"
    assert got[("denials_by_reason", "did_not_win_job", "count")] == "2"
    assert got[("decisions", "", "auto_share")] == "0.375"
    assert got[("decisions", "", "median_business_days")] == "2.00"
    assert got[("decisions", "", "p90_business_days")] == "6.00"
    assert got[("decisions", "", "within_5_share")] == "0.875"
    assert got[("decisions", "", "within_7_share")] == "0.9375"
    assert got[("client", "C-C", "credit_rate")] == "0.5"
    assert got[("client", "C-C", "flagged")] == "true"
    assert got[("client", "C-E", "credit_rate")] == "0.6667"
    assert [k[1] for k, v in got.items() if k[2] == "flagged" and v == "true"] == ["C-C"]
    assert got[("client", "C-D", "name")] == "Delta | Gutters"

    code, out, _ = _cli(monkeypatch, capsys, seeded_url, "--format", "csv")  # everything
    got = {(r["section"], r["subject"], r["metric"]): r["value"] for r in csv.DictReader(io.StringIO(out))}
    assert (got[("requests", "", "total")], got[("client", "C-D", "leads_delivered")]) == ("19", "11")
    assert got[("denials_by_reason", "unresponsive", "count")] == "1"

    code, out, _ = _cli(monkeypatch, capsys, seeded_url, "--since", "2026-07-06T00:00", "--format", "csv")
    got = {(r["section"], r["subject"], r["metric"]): r["value"] for r in csv.DictReader(io.StringIO(out))}
    assert (got[("requests", "", "total")], got[("requests", "", "pending")]) == ("1", "1")

    code, out, err = _cli(monkeypatch, capsys, seeded_url, "--since", "last tuesday")
    assert code == 1 and out == ""
    assert err.strip() == "credit-bot: --since: not an ISO 8601 date or time: 'last tuesday'"


def _rendered(db, settings, row) -> tuple[str, list[dict]]:
    """The weekly post as the delivery worker renders it when it sends the row."""
    p = row.payload
    with db.read() as s:
        return weekly_report(s, settings.calendar, since=datetime.fromisoformat(p["since"]),
                             until=datetime.fromisoformat(p["until"]), as_of=datetime.fromisoformat(p["at"]))


def test_weekly_digest_posts_once_per_week_on_mondays(settings):
    db = Database(settings.database_url)
    desk = Desk(settings, db, clock=lambda: at(7, 20, 12))
    try:
        assert weekly_digest(desk, at(7, 13, 9, 30)) is True
        assert weekly_digest(desk, at(7, 13, 15)) is False  # same ISO week: already posted
        assert weekly_digest(desk, at(7, 14, 10)) is False  # a Tuesday
        assert weekly_digest(desk, at(7, 20, 8, 59)) is False  # before 9:00
        with db.read() as s:
            rows = list(s.scalars(select(OutboxMessage)))
            kinds = list(s.scalars(select(ScheduledPost.key)))
        assert kinds == ["weekly:2026-W29"]
        assert len(rows) == 1
        row = rows[0]
        assert row.kind == "channel_post" and row.payload["channel"] == REVIEW
        text, blocks = _rendered(db, settings, row)
        assert text.startswith("Weekly credit desk report, week of Jul 6: 1 request(s)")
        assert blocks[0]["type"] == "header"
        assert blocks[0]["text"]["text"] == "Weekly credit desk report, week of Jul 6"
        assert "Mon Jul 6 2026, 12:00 AM EDT to Mon Jul 13 2026, 12:00 AM EDT" in blocks[1]["elements"][0]["text"]
        fields = [f["text"] for f in blocks[2]["fields"]]
        assert "*Filed*\n1" in fields and "*Pending*\n1" in fields
        body = json.dumps(blocks)
        assert "Cobalt Windows &amp; Do" in body and "Cobalt Windows & " not in body
        assert len(blocks) <= 50

        assert weekly_digest(desk, at(7, 20, 9)) is True  # the next Monday
        with db.read() as s:
            last = s.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1))
            assert len(list(s.scalars(select(OutboxMessage)))) == 2
        assert _rendered(db, settings, last)[0].startswith("Weekly credit desk report, week of Jul 13: 0 request(s)")
    finally:
        db.dispose()


def test_blocks_stay_within_slack_limits(settings):
    r = _report(settings, since=None)
    r.clients = r.clients * 40  # 200 client rows, 25 denial reasons
    r.denials_by_reason = {f"reason_{i}": i for i in range(25)}
    blocks = report_blocks(r, TZ)  # slack_sdk validates each block's limits as it builds it
    assert len(blocks) <= 50
    chart = next(b for b in blocks if "Credit rate by client" in b.get("text", {}).get("text", ""))
    assert "…and 185 more client(s)" in chart["text"]["text"]
    assert len(chart["text"]["text"]) <= 3000
