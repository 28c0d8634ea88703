"""Nothing lost: Slack failing in every way it does, while the app keeps acking fast."""

from __future__ import annotations

import time

from sqlalchemy import select

from bot.entrypoints.cli import main
from storage.models import CreditRequest, OutboxMessage
from tests.support.bot import REVIEW, RunningBot
from tests.support.flows import button_values, file_request, receipt, reviewer_post


def _outbox(bot):
    with bot.desk.read() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_filed_while_slack_is_down_arrives_after_it_is_back(running, fake_slack):
    running.slack.command("U0ROOF1", "C0ROOF", "L-OK")
    view = fake_slack.wait_for("views.open")[0].response["view"]
    fake_slack.down()
    reply = running.slack.view_submission("U0ROOF1", view, {"lead_id": "L-OK", "reason": "incorrect_contact",
                                                             "details": "Wrong person."})
    assert reply.status == 200
    fake_slack.wait_for_request("chat.postMessage")  # tried, and refused: Slack is down
    assert not fake_slack.messages("C0ROOF")
    assert any(r.attempts >= 1 and r.status == "pending" for r in _outbox(running))
    fake_slack.up()
    receipt(fake_slack, "C0ROOF", "L-OK")
    reviewer_post(fake_slack, "L-OK")
    running.wait_idle()
    assert {r.status for r in _outbox(running)} == {"done"}


def test_rate_limit_waits_for_retry_after(running, fake_slack):
    fake_slack.rate_limit("chat.postMessage", retry_after=1, times=1)
    started = time.monotonic()
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK", reason="incorrect_contact",
                 details="Wrong person.")
    running.wait_idle()
    posts = fake_slack.calls_to("chat.postMessage")
    limited = [c for c in posts if c.status == 429]
    assert len(limited) == 1
    retried = [c for c in posts if c.ok and c.params.get("text") == limited[0].params.get("text")]
    assert retried and retried[0].at - limited[0].at >= 0.95
    assert time.monotonic() - started < 10


def test_server_errors_and_timeouts_are_retried_with_backoff(seeded, fake_slack):
    bot = RunningBot(seeded.__class__.from_env({**_env(seeded), "SLACK_TIMEOUT": "0.5"}, dotenv=False))
    try:
        fake_slack.fail("chat.postMessage", status=500, times=2)
        fake_slack.delay(1.0, method="views.publish", times=1)
        file_request(bot, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK", reason="incorrect_contact",
                     details="Wrong person.")
        bot.wait_idle(15)
        rows = _outbox(bot)
        assert {r.status for r in rows} == {"done"}
        assert sum(r.attempts for r in rows) >= len(rows) + 3  # 2 × 500 and 1 timeout were retried
        receipt(fake_slack, "C0ROOF", "L-OK")
        assert fake_slack.home("U0ROOF1") is not None
    finally:
        bot.stop()


def _env(settings):
    return {
        "SLACK_BOT_TOKEN": settings.slack_bot_token, "SLACK_SIGNING_SECRET": settings.slack_signing_secret,
        "SLACK_API_URL": settings.slack_api_url, "DATABASE_URL": settings.database_url,
        "REVIEWER_CHANNEL_ID": settings.reviewer_channel_id,
        "ACCOUNT_MANAGER_CHANNEL_ID": settings.account_manager_channel_id,
    }


def test_not_in_channel_falls_back_to_a_dm(running, fake_slack):
    fake_slack.remove_bot_from("C0ROOF")
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK", reason="incorrect_contact",
                 details="Wrong person.")
    running.wait_idle()
    dm = fake_slack.wait_for("conversations.open")[0].response["channel"]["id"]
    parent = receipt(fake_slack, dm, "L-OK")
    assert fake_slack.replies(dm, parent["ts"])  # the thread lives in the DM now
    with running.desk.read() as session:
        req = session.scalar(select(CreditRequest))
    assert (req.contractor_channel_id, req.contractor_ts) == (dm, parent["ts"])


def test_dead_letter_is_listed_and_retried(running, fake_slack, monkeypatch, capsys):
    fake_slack.archive(REVIEW)
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK", reason="incorrect_contact",
                 details="Wrong person.")
    running.wait_idle()
    dead = [r for r in _outbox(running) if r.status == "dead"]
    assert [r.kind for r in dead] == ["reviewer_sync"]
    monkeypatch.setenv("DATABASE_URL", running.desk.settings.database_url)
    assert main(["outbox", "list"]) == 0
    out = capsys.readouterr()
    assert "reviewer_sync" in out.out and "is_archived" in out.out and "1 dead" in out.err
    fake_slack.unarchive(REVIEW)
    assert main(["outbox", "retry", "--all-dead"]) == 0
    reviewer_post(fake_slack, "L-OK")
    running.wait_idle()
    assert {r.status for r in _outbox(running)} == {"done"}


def test_acks_stay_fast_while_slack_is_slow(running, fake_slack):
    # Every Slack call takes 2.5 s, more than the whole ack budget: an ack that waited for
    # even one call would take longer.
    fake_slack.latency = 2.5
    timings = []
    for lead in ("L-OK", "L-OK2"):
        reply = running.slack.command("U0ROOF1", "C0ROOF", lead)
        timings.append(("command", lead, reply.seconds))
        view = fake_slack.wait_for(lambda c, lead=lead: c.method == "views.open"
                                   and c.params["view"]["blocks"][0]["element"].get("initial_value") == lead)[0]
        reply = running.slack.view_submission("U0ROOF1", view.response["view"],
                                              {"lead_id": lead, "reason": "incorrect_contact", "details": "Wrong."})
        assert reply.body in (b"", b"{}"), reply.body  # filed, not refused
        timings.append(("submission", lead, reply.seconds))
    with running.desk.read() as session:
        request_id = session.scalar(select(CreditRequest.id).where(CreditRequest.lead_id == "L-OK"))
    reply = running.slack.block_action("U0REV", "approve_request", str(request_id), channel=REVIEW)
    timings.append(("click", "L-OK", reply.seconds))
    assert max(seconds for *_, seconds in timings) < 2.5, timings  # never waits for Slack
    deadline = time.monotonic() + 10
    while _status(running, request_id) != "approved" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _status(running, request_id) == "approved"


def _status(bot, request_id: int) -> str:
    with bot.desk.read() as session:
        return session.get(CreditRequest, request_id).status


def test_simultaneous_clicks_decide_once(running, fake_slack):
    import threading

    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK", reason="incorrect_contact",
                 details="Wrong person.")
    post = reviewer_post(fake_slack, "L-OK")
    rid = button_values(post)["approve_request"]
    barrier = threading.Barrier(20)
    replies = []

    def click(i):
        barrier.wait()
        action = "approve_request" if i % 2 else "deny_request"
        user = "U0REV" if i % 3 else "U0REV2"
        if action == "deny_request":
            action = "approve_request"  # all approve: the race is on the same transition
        replies.append(running.slack.block_action(user, action, rid, channel=REVIEW, message_ts=post["ts"]))

    threads = [threading.Thread(target=click, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.status == 200 for r in replies)
    fake_slack.wait_for("chat.postEphemeral", count=19, timeout=20)
    running.wait_idle(20)
    with running.desk.read() as session:
        from storage.models import RequestEvent

        decisions = list(session.scalars(select(RequestEvent).where(RequestEvent.action == "approve")))
    assert len(decisions) == 1
    assert all("already credited" in m["text"] for u in ("U0REV", "U0REV2") for m in fake_slack.ephemerals(u))


def test_modal_submitted_twice_files_once(running, fake_slack):
    running.slack.command("U0ROOF1", "C0ROOF", "L-OK")
    view = fake_slack.wait_for("views.open")[0].response["view"]
    values = {"lead_id": "L-OK", "reason": "incorrect_contact", "details": "Wrong person."}
    first = running.slack.view_submission("U0ROOF1", view, values)
    second = running.slack.view_submission("U0ROOF1", view, values)
    assert first.status == second.status == 200
    assert second.body in (b"", b"{}")  # the same view again just closes
    with running.desk.read() as session:
        assert len(list(session.scalars(select(CreditRequest)))) == 1


def test_a_deleted_reviewer_post_is_posted_again(running, fake_slack):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK", reason="incorrect_contact",
                 details="Wrong person.")
    post = reviewer_post(fake_slack, "L-OK")
    running.wait_idle()
    fake_slack.fail("chat.update", status=200, error="message_not_found", times=1)
    running.slack.block_action("U0REV", "approve_request", button_values(post)["approve_request"], channel=REVIEW,
                               message_ts=post["ts"])
    running.wait_idle()
    reposted = [m for m in fake_slack.messages(REVIEW) if "L-OK" in m["text"] and m["ts"] != post["ts"]]
    assert len(reposted) == 1 and "Credited" in reposted[0]["text"]
    with running.desk.read() as session:
        assert session.scalar(select(CreditRequest)).reviewer_ts == reposted[0]["ts"]
