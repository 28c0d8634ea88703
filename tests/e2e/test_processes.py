"""Whole processes: SIGKILL between ack and delivery, graceful stop, replicas sweeping
the same database, and the SLA sweep from the command line (two at once, and only what is due)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage.db import Database
from storage.models import CreditRequest, OutboxMessage, SlaNotice
from tests.support.bot import REVIEW, RunningBot
from tests.support.flows import receipt, reviewer_post
from tests.support.process import ServerProcess, env_for
from tests.support.signing import SlackSender


def _file_via(server: ServerProcess | RunningBot, settings, fake, lead="L-OK"):
    slack = SlackSender(server.url, settings.slack_signing_secret)
    assert slack.command("U0ROOF1", "C0ROOF", lead).status == 200
    view = fake.wait_for("views.open")[-1].response["view"]
    reply = slack.view_submission("U0ROOF1", view, {"lead_id": lead, "reason": "incorrect_contact",
                                                     "details": "Someone else answered."})
    assert reply.status == 200 and reply.body in (b"", b"{}")
    return reply


def test_sigkill_after_ack_loses_nothing(seeded, fake_slack):
    server = ServerProcess(seeded)
    # Slack is up for views.open (the modal), then down so nothing is delivered before the kill.
    slack = SlackSender(server.url, seeded.slack_signing_secret)
    slack.command("U0ROOF1", "C0ROOF", "L-OK")
    view = fake_slack.wait_for("views.open")[-1].response["view"]
    fake_slack.down()
    reply = slack.view_submission("U0ROOF1", view, {"lead_id": "L-OK", "reason": "incorrect_contact",
                                                     "details": "Someone else answered."})
    assert reply.status == 200
    server.kill()
    db = Database(seeded.database_url)
    with db.read() as session:
        pending = list(session.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending")))
        assert session.scalar(select(CreditRequest)).lead_id == "L-OK"
    db.dispose()
    assert {r.kind for r in pending} >= {"receipt", "contractor_reply", "reviewer_sync", "home"}
    fake_slack.up()
    restarted = ServerProcess(seeded)
    try:
        # Rows keep the retry times the killed process gave them, and a row it was sending
        # when killed waits out its 30 s claim: allow for both.
        parent = receipt(fake_slack, "C0ROOF", "L-OK", timeout=45)
        reviewer_post(fake_slack, "L-OK", timeout=45)
        fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and c.params.get("thread_ts") == parent["ts"],
                            timeout=45)
    finally:
        restarted.terminate()


def test_sigterm_drains_and_exits_cleanly(seeded, fake_slack):
    server = ServerProcess(seeded)
    _file_via(server, seeded, fake_slack)
    assert server.terminate() == 0
    db = Database(seeded.database_url)
    with db.read() as session:
        statuses = {r.status for r in session.scalars(select(OutboxMessage))}
    db.dispose()
    assert statuses == {"done"}
    reviewer_post(fake_slack, "L-OK")


def _filed_and_posted(settings, fake) -> dict:
    """L-OK filed through the app (in this process: the sweeps are the processes under test),
    which is then stopped; the reviewer post."""
    bot = RunningBot(settings)
    try:
        _file_via(bot, settings, fake)
        post = reviewer_post(fake, "L-OK")
        bot.wait_idle()
        return post
    finally:
        bot.stop()


def _sweep(settings, at: datetime) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot.entrypoints.cli", "sla-sweep", "--at", at.isoformat()],
                            env=env_for(settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_two_processes_sweeping_send_each_notice_once(seeded, fake_slack):
    """Days later, two sweeps at once: each notice (reminder, escalation, breach) is queued and
    sent once, in the reviewer card's thread, and a third sweep finds nothing new."""
    post = _filed_and_posted(seeded, fake_slack)
    later = datetime.now(UTC) + timedelta(days=14)  # at least 7 business days, whatever today is
    procs = [_sweep(seeded, later), _sweep(seeded, later)]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    db = Database(seeded.database_url)
    with db.read() as session:
        kinds = sorted(n.kind for n in session.scalars(select(SlaNotice).where(SlaNotice.request_id > 0)))
    db.dispose()
    assert kinds == ["breach", "escalation", "reminder"]
    fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and c.params.get("thread_ts") == post["ts"],
                        count=3)
    thread = [m["text"] for m in fake_slack.replies(REVIEW, post["ts"]) if m["ts"] != post["ts"]]
    assert len(thread) == 3
    assert any(t.startswith(":alarm_clock: Reminder") and "L-OK" in t for t in thread)
    # A third sweep sends nothing new.
    again = _sweep(seeded, later + timedelta(hours=1))
    out, _ = again.communicate(timeout=60)
    assert b"0 notice(s) queued" in out


def test_sla_sweep_only_what_is_due(seeded, fake_slack):
    post = _filed_and_posted(seeded, fake_slack)
    db = Database(seeded.database_url)
    with db.read() as session:
        filed = session.scalar(select(CreditRequest)).requested_at
    db.dispose()
    # Two business days later: nothing; then the reminder alone.
    two_days = seeded.calendar.add_business_days(filed.astimezone(seeded.calendar.tz).date(), 2)
    at = datetime.combine(two_days, filed.astimezone(seeded.calendar.tz).timetz())
    out, _ = _sweep(seeded, at).communicate(timeout=60)
    assert b"0 notice(s) queued" in out
    at = datetime.combine(seeded.calendar.add_business_days(two_days, 1), at.timetz()) + timedelta(minutes=1)
    out, _ = _sweep(seeded, at).communicate(timeout=60)
    assert b"reminder" in out and b"escalation" not in out
    fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and c.params.get("thread_ts") == post["ts"])
