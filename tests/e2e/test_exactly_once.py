"""Exactly once toward Slack: acknowledged clicks survive kill -9, posts in flight at kill -9
are found by their metadata instead of posted twice, a duplicate that exists anyway loses its
buttons and points to the live card, and a burst against Slack's real rate limits gets
through without a row given up and in each thread's order."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.sandbox.slack_api import FakeSlack
from bot.slack.ids import METADATA_EVENT_TYPE
from bot.slack.pacing import Pacer, Rate
from storage.db import Database
from storage.models import CreditRequest, DuplicatePost, Intent, OutboxMessage
from tests.support.bot import FAST_RETRIES, REVIEW, RunningBot, seed, settings_for
from tests.support.flows import button_values, file_request, reviewer_post
from tests.support.process import ServerProcess
from tests.support.signing import SlackSender


def _rows(settings, model, *where):
    db = Database(settings.database_url)
    try:
        with db.read() as session:
            return list(session.scalars(select(model).where(*where)))
    finally:
        db.dispose()


def _wait_rows(settings, model, predicate, *, timeout: float = 45.0):
    import time

    deadline = time.monotonic() + timeout
    while True:
        rows = _rows(settings, model)
        if predicate(rows) or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


def _ours(message: dict) -> dict:
    meta = message.get("metadata") or {}
    return meta.get("event_payload") or {} if meta.get("event_type") == METADATA_EVENT_TYPE else {}


def _file(server: ServerProcess, settings, fake, lead: str, reason: str = "incorrect_contact") -> None:
    slack = SlackSender(server.url, settings.slack_signing_secret)
    before = len(fake.calls_to("views.open"))
    assert slack.command("U0ROOF1", "C0ROOF", lead).status == 200
    view = fake.wait_for("views.open", count=before + 1)[-1].response["view"]
    reply = slack.view_submission("U0ROOF1", view, {"lead_id": lead, "reason": reason, "details": "Wrong person."})
    assert reply.status == 200


# -- acknowledged clicks -----------------------------------------------------------------------

def test_approvals_acked_right_before_kill_are_finished_after_restart(seeded, fake_slack):
    server = ServerProcess(seeded)
    leads = ["L-OK", "L-OK2"]
    for lead in leads:
        _file(server, seeded, fake_slack, lead)
    posts = [reviewer_post(fake_slack, lead, timeout=15) for lead in leads]
    slack = SlackSender(server.url, seeded.slack_signing_secret)
    barrier = threading.Barrier(len(posts))
    replies = []

    def click(post):
        barrier.wait()
        replies.append(slack.block_action("U0REV", "approve_request", button_values(post)["approve_request"],
                                          channel=REVIEW, message_ts=post["ts"]))

    threads = [threading.Thread(target=click, args=(p,)) for p in posts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    server.kill()  # right after the acknowledgements
    assert [r.status for r in replies] == [200, 200]
    assert len(_rows(seeded, Intent)) >= len(posts)  # stored before Slack heard OK
    restarted = ServerProcess(seeded)
    try:
        requests = _wait_rows(seeded, CreditRequest, lambda rows: all(r.status == "approved" for r in rows))
        assert {r.status for r in requests} == {"approved"}
        assert all(r.decided_by == "U0REV" for r in requests)
        for lead in leads:  # the cards show it
            fake_slack.wait_for(lambda c, lead=lead: c.method == "chat.update" and c.params.get("channel") == REVIEW
                                and lead in c.params.get("text", "") and "Credited" in c.params.get("text", ""),
                                timeout=30)
        assert not [i for i in _rows(seeded, Intent) if i.done_at is None]
    finally:
        restarted.terminate()


def test_a_click_whose_modal_could_not_open_before_kill_is_told_to_click_again(seeded, fake_slack):
    server = ServerProcess(seeded)
    _file(server, seeded, fake_slack, "L-OK")
    post = reviewer_post(fake_slack, "L-OK", timeout=15)
    fake_slack.delay(30, "views.open")  # Slack holds the modal: the process dies waiting
    slack = SlackSender(server.url, seeded.slack_signing_secret)
    reply = slack.block_action("U0REV", "deny_request", button_values(post)["deny_request"], channel=REVIEW,
                               message_ts=post["ts"], text="Deny")
    assert reply.status == 200
    fake_slack.wait_for_request(lambda r: r.method == "views.open"
                                and r.params["view"].get("callback_id") == "deny_request", timeout=15)
    server.kill()
    fake_slack.clear_failures()
    restarted = ServerProcess(seeded)
    try:
        told = fake_slack.wait_for(lambda c: c.method == "chat.postEphemeral" and c.params.get("user") == "U0REV"
                                   and "interrupted" in c.params.get("text", ""), timeout=30)[0]
        assert "Deny" in told.params["text"] and "click it again" in told.params["text"]
        assert told.params["channel"] == REVIEW
        assert _rows(seeded, CreditRequest)[0].status == "pending"  # nothing was decided
    finally:
        restarted.terminate()


# -- posts in flight -----------------------------------------------------------------------------

def test_posts_in_flight_at_kill_are_found_not_posted_twice(seeded, fake_slack):
    server = ServerProcess(seeded, SLACK_TIMEOUT="30")
    fake_slack.delay(30, "chat.postMessage", effect="before")  # posted at once, answered much later
    _file(server, seeded, fake_slack, "L-OK")
    fake_slack.wait_for_request(lambda r: r.method == "chat.postMessage" and r.params.get("channel") == REVIEW,
                                timeout=15)
    fake_slack.wait_for_request(lambda r: r.method == "chat.postMessage" and r.params.get("channel") == "C0ROOF",
                                timeout=15)
    server.kill()
    fake_slack.clear_failures()
    restarted = ServerProcess(seeded)
    try:
        # (the calls held at the kill are answered only later: look at what Slack shows)
        fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and c.params.get("thread_ts"),
                            timeout=30)  # the check results, in the receipt's thread
        rows = _wait_rows(seeded, OutboxMessage, lambda rows: all(r.status != "pending" for r in rows))
        assert {r.status for r in rows} == {"done"}
        ours = [(m, _ours(m)) for m in fake_slack.all_messages() if _ours(m)]
        by_row: dict[int, int] = {}
        for _, payload in ours:
            by_row[payload["outbox_id"]] = by_row.get(payload["outbox_id"], 0) + 1
        assert all(n == 1 for n in by_row.values()), by_row
        receipts = [m for m, p in ours if p["kind"] == "receipt"]
        cards = [m for m, p in ours if p["kind"] == "reviewer_sync"]
        assert len(receipts) == 1 and len(cards) == 1
        req = _rows(seeded, CreditRequest)[0]
        assert (req.contractor_ts, req.reviewer_ts) == (receipts[0]["ts"], cards[0]["ts"])
    finally:
        restarted.terminate()


@pytest.fixture
def quick_repairs(seeded):
    """The running app, checking a card posted blind for a second copy 0.2 s later."""
    bot = RunningBot(seeded, retries=replace(FAST_RETRIES, repair_after=0.2))
    yield bot
    bot.stop()


def test_a_duplicate_card_loses_its_buttons_and_points_to_the_live_one(quick_repairs, fake_slack):
    # The first posts go through but their answers are lost; Slack's history cannot be read, so
    # the retries cannot know and post again: a receipt and a card exist twice.
    fake_slack.drop_connection("chat.postMessage", times=2)
    fake_slack.fail("conversations.history", status=200, error="missing_scope", times=None)
    file_request(quick_repairs, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK", reason="incorrect_contact",
                 details="Wrong person.")
    fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and c.params.get("channel") == REVIEW, count=1,
                        timeout=10)
    fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and c.params.get("channel") == "C0ROOF"
                        and not c.params.get("thread_ts"), count=1, timeout=10)
    assert len([m for m in fake_slack.messages(REVIEW) if "L-OK" in m["text"]]) == 2
    fake_slack.clear_failures()  # history readable again: the repair finds the copies
    quick_repairs.wait_idle(20)
    with quick_repairs.desk.read() as session:
        req = session.scalar(select(CreditRequest))
        copies = list(session.scalars(select(DuplicatePost)))
    cards = [m for m in fake_slack.messages(REVIEW) if "L-OK" in m["text"]]
    live = [m for m in cards if m["ts"] == req.reviewer_ts]
    stale = [m for m in cards if m["ts"] != req.reviewer_ts]
    assert len(live) == 1 and len(stale) == 1
    assert button_values(live[0]).keys() >= {"approve_request", "deny_request"}
    assert button_values(stale[0]) == {}
    assert "posted twice" in stale[0]["text"] and req.reviewer_ts.replace(".", "") in stale[0]["text"]
    receipts = [m for m in fake_slack.messages("C0ROOF") if "CR-" in m["text"]]
    stale_receipt = next(m for m in receipts if m["ts"] != req.contractor_ts)
    assert "sent twice" in stale_receipt["text"]
    assert {(c.channel_id, c.ts) for c in copies} == {(REVIEW, stale[0]["ts"]), ("C0ROOF", stale_receipt["ts"])}
    # A reply in the stale receipt's thread still reaches the reviewers.
    msg = fake_slack.add_user_message("C0ROOF", "U0ROOF1", "The number belongs to a stranger.",
                                      thread_ts=stale_receipt["ts"])
    quick_repairs.slack.message_event("U0ROOF1", "C0ROOF", msg["text"], msg["ts"], thread_ts=stale_receipt["ts"])
    fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and c.params.get("thread_ts") == req.reviewer_ts
                        and "stranger" in c.params.get("text", ""), timeout=10)


# -- Slack's rate limits ---------------------------------------------------------------------------

BURST_LEADS = [f"L-B{i:02d}" for i in range(8)]


def test_a_burst_under_slacks_rate_limits_gives_up_nothing_and_keeps_thread_order(database_url, tmp_path):
    from tests.conftest import recent

    with FakeSlack(token="xoxb-test", rate_limits=True) as fake:
        settings = settings_for(database_url, fake.url)
        seed(settings, tmp_path, [
            dict(lead_id=lead, client_id="C-ROOF", lead_type="standard", category="Roofing", received_at=recent(1),
                 first_name="A", last_name=f"B{i}", phone="123-456-7891" if i % 2 else f"212-555-01{i:02d}",
                 email=f"b{i}@example.com", zip="11201") for i, lead in enumerate(BURST_LEADS)])
        bot = RunningBot(settings)
        try:
            file_request(bot, fake, user="U0ROOF1", channel="C0ROOF", lead_id=", ".join(BURST_LEADS),
                         reason="invalid_number", details="Nobody by that name at this number.")
            bot.wait_idle(120)
            with bot.desk.read() as session:
                rows = list(session.scalars(select(OutboxMessage)))
            assert {r.status for r in rows} == {"done"}
            stats = fake.rate_limit_stats()["*"]
            assert stats["rate_limited"] <= stats["calls"] * 0.05, stats
            receipts = [m for m in fake.messages("C0ROOF") if m["text"].startswith(":receipt:")]
            assert len(receipts) == len(BURST_LEADS)
            assert len([m for m in fake.messages(REVIEW) if "L-B" in m["text"]]) == len(BURST_LEADS)
            for parent in receipts:  # each thread in order: the checks, then the decision
                thread = [m["text"] for m in fake.replies("C0ROOF", parent["ts"])]
                assert thread and thread[0].startswith("Checks for lead"), thread
        finally:
            bot.stop()


def test_pacer_takes_what_the_limits_allow_and_a_429_pauses_the_key():
    now = [100.0]
    pacer = Pacer({"chat.postMessage": Rate(60, 3, per_channel=True)}, margin=1.0, clock=lambda: now[0])
    key = pacer.key("chat.postMessage", "C1")
    assert pacer.key("chat.postMessage", "C2") != key and pacer.key("auth.test") is None
    assert [pacer.reserve(key) for _ in range(3)] == [0.0, 0.0, 0.0]  # the burst
    assert pacer.reserve(key) == 1.0  # then one a second
    assert [pacer.take(key, reserved=True) for _ in range(3)] == [0.0, 0.0, 0.0]
    now[0] += 1.0
    assert pacer.reserve(key) == 0.0
    pacer.release(key)
    assert pacer.take(key) == 0.0
    pacer.pause(key, 5)
    now[0] += 2.0
    assert pacer.ready_in(key) == 3.0
    assert pacer.take(key, urgent=True) == 0.0  # urgent calls never wait
