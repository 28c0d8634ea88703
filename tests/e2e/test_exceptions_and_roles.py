"""Exceptions, reversals, questions, roles and the audit trail, end to end."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.entrypoints.cli import main
from storage.models import CreditRequest, RequestEvent, RequestMessage
from tests.support.bot import MANAGERS, REVIEW
from tests.support.flows import button_values, file_request, opened_view, receipt, reviewer_post


def _request(bot, lead_id):
    with bot.desk.read() as session:
        return session.scalar(select(CreditRequest).where(CreditRequest.lead_id == lead_id))


def _events(bot, request_id):
    with bot.desk.read() as session:
        return [(e.action, e.actor, e.old_status, e.new_status) for e in session.scalars(
            select(RequestEvent).where(RequestEvent.request_id == request_id).order_by(RequestEvent.id))]


def _denied(bot, fake):
    """L-OK filed, then denied by a reviewer; returns the request id as text."""
    file_request(bot, fake, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK", reason="incorrect_contact",
                 details="Someone else answered.")
    post = reviewer_post(fake, "L-OK")
    rid = button_values(post)["deny_request"]
    bot.slack.block_action("U0REV", "deny_request", rid, channel=REVIEW, message_ts=post["ts"])
    view = opened_view(fake, "deny_request")
    assert bot.slack.view_submission("U0REV", view, {"deny_reason": "contradicting_info", "note": ""}).status == 200
    bot.wait_idle()
    return rid


def _ask_exception(bot, fake, rid, user="U0ROOF1"):
    parent = receipt(fake, "C0ROOF", "L-OK")
    bot.slack.block_action(user, "request_exception", rid, channel="C0ROOF", message_ts=parent["ts"])
    view = opened_view(fake, "request_exception")
    reply = bot.slack.view_submission(user, view, {"note": "The homeowner's son filed it; <@U0AM> knows."})
    assert reply.status == 200 and reply.body in (b"", b"{}"), reply.body
    fake.wait_for(lambda c: c.method == "chat.postMessage" and c.params.get("channel") == MANAGERS)
    bot.wait_idle()
    return next(m for m in fake.messages(MANAGERS) if "L-OK" in m["text"])


def test_exception_granted_credits_the_request(running, fake_slack):
    rid = _denied(running, fake_slack)
    thread = _ask_exception(running, fake_slack, rid)
    assert "<@U0AM>" in thread["text"]  # the client's account manager is mentioned
    dumped = json.dumps(thread["blocks"])
    assert "contradicting_info" in dumped and "&lt;@U0AM&gt; knows" in dumped
    assert button_values(thread) == {"grant_exception": rid, "uphold_denial": rid}
    assert _request(running, "L-OK").status == "exception"
    running.slack.block_action("U0AM", "grant_exception", rid, channel=MANAGERS, message_ts=thread["ts"])
    view = opened_view(fake_slack, "grant_exception")
    assert running.slack.view_submission("U0AM", view, {"note": "Goodwill, first time."}).body in (b"", b"{}")
    fake_slack.wait_for(lambda c: c.method == "chat.update" and c.params.get("channel") == MANAGERS)
    running.wait_idle()
    req = _request(running, "L-OK")
    assert (req.status, req.exception_outcome, req.decided_by) == ("approved", "granted", "U0AM")
    parent = receipt(fake_slack, "C0ROOF", "L-OK")
    assert "granted" in fake_slack.replies("C0ROOF", parent["ts"])[-1]["text"]
    assert button_values(fake_slack.message(MANAGERS, thread["ts"])) == {}
    assert "Credited" in json.dumps(fake_slack.home("U0ROOF1"))
    actions = [a for a, *_ in _events(running, int(rid))]
    assert actions[-2:] == ["request_exception", "grant_exception"]


def test_exception_upheld_keeps_the_denial_and_only_one_exception(running, fake_slack):
    rid = _denied(running, fake_slack)
    thread = _ask_exception(running, fake_slack, rid)
    running.slack.block_action("U0ADMIN", "uphold_denial", rid, channel=MANAGERS, message_ts=thread["ts"])
    view = opened_view(fake_slack, "uphold_denial")
    empty = running.slack.view_submission("U0ADMIN", view, {"note": "  "})
    assert "note" in empty.json()["errors"]  # uphold needs a note
    assert running.slack.view_submission("U0ADMIN", view, {"note": "Son is family: not creditable."}).body in (
        b"", b"{}")
    running.wait_idle()
    req = _request(running, "L-OK")
    assert (req.status, req.exception_outcome) == ("denied", "upheld")
    parent = receipt(fake_slack, "C0ROOF", "L-OK")
    assert "stands" in fake_slack.replies("C0ROOF", parent["ts"])[-1]["text"]
    # A second exception on the same request is refused.
    running.slack.block_action("U0ROOF1", "request_exception", rid, channel="C0ROOF", message_ts=parent["ts"])
    fake_slack.wait_for("chat.postEphemeral")
    assert "already had its exception reviewed" in fake_slack.ephemerals("U0ROOF1")[-1]["text"]


def test_non_manager_cannot_grant_or_uphold(running, fake_slack):
    rid = _denied(running, fake_slack)
    thread = _ask_exception(running, fake_slack, rid)
    for user in ("U0REV", "U0ROOF1"):
        running.slack.block_action(user, "grant_exception", rid, channel=MANAGERS, message_ts=thread["ts"])
    fake_slack.wait_for("chat.postEphemeral", count=2)
    running.wait_idle()
    assert _request(running, "L-OK").status == "exception"
    refused = [(a, actor) for a, actor, *_ in _events(running, int(rid)) if a == "refused"]
    assert sorted(refused) == [("refused", "U0REV"), ("refused", "U0ROOF1")]


def test_other_clients_contractor_cannot_ask_an_exception_even_with_a_crafted_payload(running, fake_slack):
    rid = _denied(running, fake_slack)
    # Crafted view submission straight to the exception callback, by another client's contractor.
    forged_view = {"id": "VFORGED", "type": "modal", "callback_id": "request_exception",
                   "private_metadata": json.dumps({"request_id": int(rid)}), "blocks": []}
    reply = running.slack.view_submission("U0SOLAR", forged_view, {"note": "let me in"})
    assert reply.json()["response_action"] == "errors"
    assert _request(running, "L-OK").status == "denied"
    # ... and a crafted approve from a contractor on their own request.
    running.slack.block_action("U0ROOF1", "approve_request", rid, channel="C0ROOF")
    running.slack.block_action("U0ROOF1", "reverse_request", rid, channel="C0ROOF")
    fake_slack.wait_for("chat.postEphemeral", count=2)
    assert _request(running, "L-OK").status == "denied"


def test_reversal_by_reviewer_and_refused_for_contractor(running, fake_slack):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-BAD", reason="invalid_number",
                 details="Not a real number.")
    post = reviewer_post(fake_slack, "L-BAD")
    running.wait_idle()
    post = fake_slack.message(REVIEW, post["ts"])
    rid = button_values(post)["reverse_request"]
    running.slack.block_action("U0ROOF1", "reverse_request", rid, channel=REVIEW, message_ts=post["ts"])
    fake_slack.wait_for("chat.postEphemeral")
    assert not [c for c in fake_slack.calls_to("views.open") if c.params["view"]["callback_id"] == "reverse_request"]
    running.slack.block_action("U0REV", "reverse_request", rid, channel=REVIEW, message_ts=post["ts"])
    view = opened_view(fake_slack, "reverse_request")
    running.slack.view_submission("U0REV", view, {"note": "Homeowner answered on that number today."})
    running.wait_idle()
    req = _request(running, "L-BAD")
    assert (req.status, req.decided_by) == ("reversed", "U0REV")
    assert "Reversed" in fake_slack.message(REVIEW, post["ts"])["text"]
    parent = receipt(fake_slack, "C0ROOF", "L-BAD")
    assert "reversed" in fake_slack.replies("C0ROOF", parent["ts"])[-1]["text"]
    assert "Reversed" in json.dumps(fake_slack.home("U0ROOF1"))
    moves = [(a, o, n) for a, _, o, n in _events(running, int(rid)) if a != "refused"]
    assert moves == [("filed", None, "pending"), ("auto_approved", "pending", "approved"),
                     ("reverse", "approved", "reversed")]


def test_info_requested_and_answered_in_threads(running, fake_slack):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK", reason="incorrect_contact",
                 details="A different person answered.")
    post = reviewer_post(fake_slack, "L-OK")
    rid = button_values(post)["request_info"]
    running.slack.block_action("U0REV", "request_info", rid, channel=REVIEW, message_ts=post["ts"])
    view = opened_view(fake_slack, "request_info")
    running.slack.view_submission("U0REV", view, {"question": "What name did they give?"})
    running.wait_idle()
    parent = receipt(fake_slack, "C0ROOF", "L-OK")
    assert "What name did they give?" in json.dumps(fake_slack.replies("C0ROOF", parent["ts"])[-1]["blocks"])
    reply = fake_slack.add_user_message("C0ROOF", "U0ROOF1", "Said he was Bob, <!here>", thread_ts=parent["ts"])
    event = {"type": "message", "channel": "C0ROOF", "user": "U0ROOF1", "text": reply["text"], "ts": reply["ts"],
             "thread_ts": parent["ts"], "channel_type": "channel"}
    assert running.slack.event(event, event_id="EvREPLY1").status == 200
    assert running.slack.event(event, event_id="EvREPLY1", retry_num=1).status == 200  # Slack's retry
    running.wait_idle()
    fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and "replied" in c.params.get("text", ""))
    mirrored = [m for m in fake_slack.replies(REVIEW, post["ts"]) if "replied" in m["text"]]
    assert len(mirrored) == 1 and "&lt;!here&gt;" in mirrored[0]["text"]
    with running.desk.read() as session:
        msgs = [(m.direction, m.text) for m in session.scalars(select(RequestMessage).order_by(RequestMessage.id))]
        req = session.get(CreditRequest, int(rid))
    assert msgs == [("to_contractor", "What name did they give?"), ("from_contractor", "Said he was Bob, <!here>")]
    assert req.info_requested_at is None and req.info_wait_seconds > 0


def test_history_command_prints_the_trail(running, fake_slack, monkeypatch, capsys):
    rid = _denied(running, fake_slack)
    monkeypatch.setenv("DATABASE_URL", running.desk.settings.database_url)
    assert main(["history", rid]) == 0
    out = capsys.readouterr().out
    assert f"CR-{rid} lead L-OK" in out
    assert "filed" in out and "deny" in out and "pending -> denied" in out and "U0REV" in out
    assert main(["history", "999999"]) == 1
    assert "no request CR-999999" in capsys.readouterr().err
