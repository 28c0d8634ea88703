"""More ways in, and the reviewer's desk, end to end: shortcuts, status and help, several
leads at once, evidence files, and the reviewers' App Home queue with claims and a filter."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from storage.models import CreditRequest, RequestEvent, RequestFile
from tests.support.bot import REVIEW
from tests.support.flows import opened_view, receipt, reviewer_post

EMPTY = (b"", b"{}")
FILE = {"id": "F0CARRIER1", "name": "carrier-message.png", "title": "carrier-message.png",
        "mimetype": "image/png", "size": 12345, "permalink": "https://acme.slack.com/files/U0ROOF1/F0CARRIER1/x.png"}


def _requests(bot):
    with bot.desk.read() as session:
        return list(session.scalars(select(CreditRequest).order_by(CreditRequest.id)))


def _submit(bot, fake, user, view, **values):
    return bot.slack.view_submission(user, view, {"reason": "incorrect_contact", "details": "Wrong person.",
                                                  **values})


# -- shortcuts -------------------------------------------------------------------------------

def test_global_shortcut_opens_the_filing_modal(running, fake_slack):
    assert running.slack.shortcut("U0ROOF1", "file_credit_request").status == 200
    view = opened_view(fake_slack, "credit_request")
    assert _submit(running, fake_slack, "U0ROOF1", view, lead_id="L-OK").body in EMPTY
    running.wait_idle()
    assert [r.lead_id for r in _requests(running)] == ["L-OK"]
    receipt(fake_slack, "C0ROOF", "L-OK")  # the client's own channel, though the shortcut had none


def test_shortcut_for_someone_not_linked_says_so(running, fake_slack):
    running.slack.shortcut("U0STRANGER", "file_credit_request")
    call = fake_slack.wait_for("views.open")[0]
    assert "not linked to a client" in json.dumps(call.params["view"])
    assert call.params["view"].get("callback_id") != "credit_request"


def test_message_shortcut_fills_in_the_first_known_lead_id(running, fake_slack):
    message = {"ts": "1700000000.000100", "user": "U0LEADBOT",
               "text": "New lead for you! Ref *X-77* — lead id L-OK2 (also see L-OK), call 718-555-0142."}
    assert running.slack.message_shortcut("U0ROOF1", "file_credit_request_from_message", "C0ROOF",
                                          message).status == 200
    view = opened_view(fake_slack, "credit_request")
    lead = next(b for b in view["blocks"] if b.get("block_id") == "lead_id")
    assert lead["element"]["initial_value"] == "L-OK2"
    assert view["private_metadata"] == "C0ROOF"


def test_message_shortcut_never_prefills_another_clients_lead(running, fake_slack):
    """L-SOLAR is another client's lead: pre-filling it would tell this contractor it exists."""
    for n, (text, expected) in enumerate((("Lead L-SOLAR, then L-OK", "L-OK"), ("Lead L-SOLAR only", "")), 1):
        message = {"ts": "1700000000.000200", "user": "U0LEADBOT", "text": text}
        assert running.slack.message_shortcut("U0ROOF1", "file_credit_request_from_message", "C0ROOF",
                                              message).status == 200
        view = opened_view(fake_slack, "credit_request", count=n)
        lead = next(b for b in view["blocks"] if b.get("block_id") == "lead_id")
        assert lead["element"].get("initial_value", "") == expected


# -- status and help ---------------------------------------------------------------------------

def test_status_and_help(running, fake_slack):
    from tests.support.flows import file_request

    empty = running.slack.command("U0ROOF1", "C0ROOF", "status").json()
    assert empty["response_type"] == "ephemeral" and "no credit requests yet" in empty["text"]
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-BAD", reason="invalid_number",
                 details="Not a real number.")
    running.wait_idle()
    status = running.slack.command("U0ROOF2", "C0ROOF", "  Status ").json()  # a colleague sees it too
    assert status["response_type"] == "ephemeral"
    assert "Lead *L-BAD*" in status["text"] and "CR-1" in status["text"] and "Credited" in status["text"]
    assert not [c for c in fake_slack.calls_to("views.open")
                if c.params["view"].get("private_metadata") == "C0ROOF" and "status" in json.dumps(c.params)]
    helped = running.slack.command("U0ROOF1", "C0ROOF", "help").json()
    assert "/credit-request status" in helped["text"] and helped["response_type"] == "ephemeral"
    other = running.slack.command("U0SOLAR", "C0SOLAR", "status").json()
    assert "L-BAD" not in other["text"]


# -- several leads at once -------------------------------------------------------------------

def test_several_leads_each_get_their_own_request_and_receipt(running, fake_slack):
    running.slack.command("U0ROOF1", "C0ROOF", "")
    view = opened_view(fake_slack, "credit_request")
    assert _submit(running, fake_slack, "U0ROOF1", view, lead_id="L-OK, L-OK2\nL-BAD").body in EMPTY
    running.wait_idle()
    assert [r.lead_id for r in _requests(running)] == ["L-OK", "L-OK2", "L-BAD"]
    for lead in ("L-OK", "L-OK2", "L-BAD"):
        parent = receipt(fake_slack, "C0ROOF", lead)
        assert fake_slack.replies("C0ROOF", parent["ts"])
        reviewer_post(fake_slack, lead)


def test_one_bad_id_files_nothing_and_is_named(running, fake_slack):
    running.slack.command("U0ROOF1", "C0ROOF", "")
    view = opened_view(fake_slack, "credit_request")
    reply = _submit(running, fake_slack, "U0ROOF1", view, lead_id="L-OK L-NOPE L-SOLAR")
    error = reply.json()["errors"]["lead_id"]
    assert "L-NOPE" in error and "L-OK," not in error
    assert _requests(running) == []
    # Another client's lead is answered exactly like one that does not exist (no probing).
    theirs = _submit(running, fake_slack, "U0ROOF1", view, lead_id="L-OK L-SOLAR").json()["errors"]["lead_id"]
    nobody = _submit(running, fake_slack, "U0ROOF1", view, lead_id="L-OK L-NOPE0").json()["errors"]["lead_id"]
    assert "L-SOLAR" in theirs and theirs == nobody.replace("L-NOPE0", "L-SOLAR")
    reply = _submit(running, fake_slack, "U0ROOF1", view, lead_id=" ".join(f"L-{i}" for i in range(21)))
    assert "At most 20" in reply.json()["errors"]["lead_id"]
    assert _requests(running) == []


# -- evidence files ----------------------------------------------------------------------------

def test_evidence_files_reach_the_reviewer_card_and_the_trail(running, fake_slack):
    running.slack.command("U0ROOF1", "C0ROOF", "L-OK")
    view = opened_view(fake_slack, "credit_request")
    assert any(b.get("block_id") == "evidence" and b["element"]["type"] == "file_input" for b in view["blocks"])
    assert _submit(running, fake_slack, "U0ROOF1", view, lead_id="L-OK", evidence=[FILE]).body in EMPTY
    post = reviewer_post(fake_slack, "L-OK")
    running.wait_idle()
    card = json.dumps(fake_slack.message(REVIEW, post["ts"])["blocks"])
    assert "carrier-message.png" in card and FILE["permalink"] in card
    # A file shared later in the receipt thread joins the evidence and the reviewer thread.
    parent = receipt(fake_slack, "C0ROOF", "L-OK")
    later = dict(FILE, id="F0CALLLOG2", name="call-log.pdf",
                 permalink="https://acme.slack.com/files/U0ROOF1/F0CALLLOG2/call-log.pdf")
    msg = fake_slack.add_user_message("C0ROOF", "U0ROOF1", "Here is the call log", thread_ts=parent["ts"])
    running.slack.message_event("U0ROOF1", "C0ROOF", "Here is the call log", msg["ts"], thread_ts=parent["ts"],
                                files=[later])
    running.wait_idle()
    card = json.dumps(fake_slack.message(REVIEW, post["ts"])["blocks"])
    assert "call-log.pdf" in card
    assert any("call-log.pdf" in m["text"] for m in fake_slack.replies(REVIEW, post["ts"]))
    with running.desk.read() as session:
        files = [(f.file_id, f.source) for f in session.scalars(select(RequestFile).order_by(RequestFile.id))]
        trail = [e.note for e in session.scalars(select(RequestEvent).where(RequestEvent.action == "evidence_added"))]
    assert files == [("F0CARRIER1", "modal"), ("F0CALLLOG2", "thread")]
    assert trail == ["carrier-message.png", "call-log.pdf"]


# -- the reviewers' queue -----------------------------------------------------------------------

def _home(bot, fake, user):
    bot.slack.home_opened(user, "D0" + user)
    bot.wait_idle()
    return fake.home(user)


def _queue_rows(home: dict) -> list[dict]:
    return [b for b in home["blocks"] if re.fullmatch(r"queue_\d+", str(b.get("block_id", "")))]


def test_queue_oldest_first_claims_and_filters(running, fake_slack):
    running.slack.command("U0ROOF1", "C0ROOF", "")
    view = opened_view(fake_slack, "credit_request")
    _submit(running, fake_slack, "U0ROOF1", view, lead_id="L-OK L-OK2")
    running.wait_idle()
    ok, ok2 = _requests(running)
    with running.desk.transaction() as session:  # L-OK2 was filed 9 days ago: overdue
        session.execute(update(CreditRequest).where(CreditRequest.id == ok2.id)
                        .values(requested_at=datetime.now(UTC) - timedelta(days=12)))
    home = _home(running, fake_slack, "U0REV")
    rows = _queue_rows(home)
    assert [r["block_id"] for r in rows] == [f"queue_{ok2.id}", f"queue_{ok.id}"]  # oldest first
    assert "past the 7-day SLA" in rows[0]["text"]["text"]
    assert rows[1]["accessory"]["action_id"] == "claim_request" and rows[1]["accessory"]["value"] == str(ok.id)
    select_block = next(b for b in home["blocks"] if b.get("block_id") == "queue_filter")
    assert [o["value"] for o in select_block["accessory"]["options"]] == ["all", "mine", "unclaimed", "overdue"]

    running.slack.block_action("U0REV", "claim_request", str(ok.id), channel=None)
    running.wait_idle()
    post = reviewer_post(fake_slack, "L-OK")
    assert "Claimed by <@U0REV>" in json.dumps(fake_slack.message(REVIEW, post["ts"])["blocks"])
    assert "claimed by you" in json.dumps(fake_slack.home("U0REV"))
    assert "claimed by <@U0REV>" in json.dumps(_home(running, fake_slack, "U0ADMIN"))
    # Others can still decide a claimed request.
    running.slack.block_action("U0REV2", "approve_request", str(ok.id), channel=REVIEW, message_ts=post["ts"])
    running.wait_idle()
    assert _requests(running)[0].status == "approved"

    for choice, expected in (("mine", []), ("unclaimed", [ok2.id]), ("overdue", [ok2.id]), ("all", [ok2.id])):
        running.slack.select_action("U0REV", "queue_filter", choice, block_id="queue_filter")
        running.wait_idle()
        home = fake_slack.home("U0REV")
        assert [int(r["block_id"].split("_")[1]) for r in _queue_rows(home)] == expected, choice
    assert "claim_request" in json.dumps(home)  # the home keeps its buttons
    assert "open_credit_request" not in json.dumps(home)  # no filing button for staff who speak for no client
