"""The money-safe lifecycle end to end, through the running server and the Slack stand-in:
one credit per lead, nobody decides their own request, a receipt that never lies, cards
that name every actor, exceptions by the client's own people, receipts only where they
belong, and plain language for contractors."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.usecases.importing import import_clients, import_leads
from bot.usecases.staffing import grant
from storage.db import Database
from storage.models import CreditRequest, RequestEvent
from tests.conftest import recent
from tests.support.bot import MANAGERS, REVIEW
from tests.support.flows import button_values, file_request, opened_view, receipt, reviewer_post

EMPTY = (b"", b"{}")
INTERNAL_CODE = re.compile(r"\b(?:invalid_number|incorrect_contact|duplicate_lead|testing_solicitation|"
                           r"out_of_service_area|did_not_win_job|contradicting_info|late_report|no_notes|"
                           r"unresponsive,|homeowner_\w+|already_in_crm|not_ready|other_lead_source)\b|`")


def _requests(bot, lead_id=None):
    with bot.desk.read() as session:
        stmt = select(CreditRequest).order_by(CreditRequest.id)
        if lead_id:
            stmt = stmt.where(CreditRequest.lead_id == lead_id)
        return list(session.scalars(stmt))


def _refusals(bot):
    with bot.desk.read() as session:
        return [(e.actor, e.data.get("attempted"), e.data.get("why")) for e in session.scalars(
            select(RequestEvent).where(RequestEvent.action == "refused").order_by(RequestEvent.id))]


def _opened(fake, callback_id: str) -> int:
    return len([c for c in fake.calls_to("views.open") if c.params["view"]["callback_id"] == callback_id])


def _deny(bot, fake, lead_id, *, reviewer="U0REV", note="The homeowner confirmed they asked for it."):
    post = reviewer_post(fake, lead_id)
    rid = button_values(post)["deny_request"]
    before = _opened(fake, "deny_request")
    bot.slack.block_action(reviewer, "deny_request", rid, channel=REVIEW, message_ts=post["ts"])
    view = opened_view(fake, "deny_request", before + 1)
    assert bot.slack.view_submission(reviewer, view, {"deny_reason": "contradicting_info", "note": note}).body in EMPTY
    bot.wait_idle()
    return rid, post


def _ask_exception(bot, fake, rid, *, user="U0ROOF1", channel="C0ROOF", note="The homeowner's son filed it."):
    parent = receipt(fake, channel, next(r.lead_id for r in _requests(bot) if str(r.id) == rid))
    denial = next(m for m in fake.replies(channel, parent["ts"]) if "request_exception" in button_values(m))
    before = _opened(fake, "request_exception")
    bot.slack.block_action(user, "request_exception", rid, channel=channel, message_ts=denial["ts"])
    view = opened_view(fake, "request_exception", before + 1)
    reply = bot.slack.view_submission(user, view, {"note": note})
    bot.wait_idle()
    return reply, parent, denial


def _filed_and_denied(bot, fake, lead_id="L-OK"):
    assert file_request(bot, fake, user="U0ROOF1", channel="C0ROOF", lead_id=lead_id, reason="incorrect_contact",
                        details="A different person answered.").body in EMPTY
    return _deny(bot, fake, lead_id)


# -- one credit per lead -------------------------------------------------------------------

def test_a_credited_lead_cannot_be_filed_again(running, fake_slack):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-BAD", reason="invalid_number",
                 details="Not a real number.")
    running.wait_idle()
    [first] = _requests(running)
    assert first.status == "approved"
    again = file_request(running, fake_slack, user="U0ROOF2", channel="C0ROOF", lead_id="L-BAD",
                         reason="invalid_number", details="Still not a real number.")
    error = again.json()["errors"]["lead_id"]
    assert f"CR-{first.id}" in error and "credited" in error
    assert len(_requests(running)) == 1
    home = json.dumps(fake_slack.home("U0ROOF1"))
    assert home.count("Lead L-BAD") == 1


def test_a_denied_lead_points_to_an_exception_instead(running, fake_slack):
    rid, _ = _filed_and_denied(running, fake_slack)
    again = file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK",
                         reason="invalid_number", details="Trying again.")
    error = again.json()["errors"]["lead_id"]
    assert f"CR-{rid}" in error and "Request an exception" in error
    assert len(_requests(running)) == 1


# -- nobody decides their own request ------------------------------------------------------

def test_a_reviewer_who_files_cannot_decide_it(running, fake_slack, seeded, tmp_path):
    db = Database(seeded.database_url)
    (tmp_path / "more.csv").write_text(
        "client_id,name,slack_channel_id,slack_user_ids,account_manager_user_id,service_zips,service_counties,"
        "base_zip,radius_miles\nC-ROOF,Brooklyn Roofing,C0ROOF,U0ROOF1;U0ROOF2;U0REV,U0AM,11201;11215,"
        "\"Kings County, NY\",11201,15\n")
    import_clients(db, tmp_path / "more.csv", now=running.desk.now())
    db.dispose()
    assert file_request(running, fake_slack, user="U0REV", channel="C0ROOF", lead_id="L-OK",
                        reason="incorrect_contact", details="Wrong person.").body in EMPTY
    post = reviewer_post(fake_slack, "L-OK")
    rid = button_values(post)["approve_request"]
    running.slack.block_action("U0REV", "approve_request", rid, channel=REVIEW, message_ts=post["ts"])
    running.slack.block_action("U0REV", "deny_request", rid, channel=REVIEW, message_ts=post["ts"])
    fake_slack.wait_for("chat.postEphemeral", count=2)
    running.wait_idle()
    assert all("You filed" in e["text"] for e in fake_slack.ephemerals("U0REV"))
    assert _requests(running)[0].status == "pending"
    assert ("U0REV", "approve", "own_request") in _refusals(running)
    assert not [c for c in fake_slack.calls_to("views.open") if c.params["view"]["callback_id"] == "deny_request"]
    # Another reviewer decides it.
    running.slack.block_action("U0REV2", "approve_request", rid, channel=REVIEW, message_ts=post["ts"])
    running.wait_idle()
    assert _requests(running)[0].status == "approved"


def test_staff_never_speak_for_a_client_through_its_channel(running, fake_slack):
    reply = running.slack.command("U0REV", "C0ROOF", "L-OK")
    assert "not linked to a client" in reply.json()["text"]
    assert not fake_slack.calls_to("views.open")


# -- the receipt never lies; cards name every actor ----------------------------------------

def test_receipt_and_cards_follow_every_change(running, fake_slack):
    rid, post = _filed_and_denied(running, fake_slack)
    parent = receipt(fake_slack, "C0ROOF", "L-OK")
    assert "Denied" in fake_slack.message("C0ROOF", parent["ts"])["text"]
    reply, parent, denial = _ask_exception(running, fake_slack, rid)
    assert reply.body in EMPTY
    assert "Exception under review" in fake_slack.message("C0ROOF", parent["ts"])["text"]
    # The button is gone from the denial once used.
    assert "request_exception" not in button_values(fake_slack.message("C0ROOF", denial["ts"]))
    assert "Exception asked by" in json.dumps(fake_slack.message("C0ROOF", denial["ts"])["blocks"])

    card = next(m for m in fake_slack.messages(MANAGERS) if "L-OK" in m["text"])
    dumped = json.dumps(card["blocks"])
    for words in ("contradicting_info", "Contradicting information", "The homeowner confirmed they asked for it",
                  "Denied by <@U0REV>", "The homeowner's son filed it", "<@U0AM>"):
        assert words in dumped, words
    running.slack.block_action("U0AM", "uphold_denial", rid, channel=MANAGERS, message_ts=card["ts"])
    view = opened_view(fake_slack, "uphold_denial")
    assert "note" in running.slack.view_submission("U0AM", view, {"note": ""}).json()["errors"]
    assert running.slack.view_submission("U0AM", view, {"note": "Family members are not creditable."}).body in EMPTY
    running.wait_idle()

    assert "Denied" in fake_slack.message("C0ROOF", parent["ts"])["text"]
    last = fake_slack.replies("C0ROOF", parent["ts"])[-1]
    assert "stands" in last["text"] and "Family members are not creditable." in json.dumps(last["blocks"])
    reviewer_card = json.dumps(fake_slack.message(REVIEW, post["ts"])["blocks"])
    order = [reviewer_card.index(w) for w in ("Filed by <@U0ROOF1>", "Denied by <@U0REV>",
                                              "Exception asked by <@U0ROOF1>", "Denial upheld by <@U0AM>")]
    assert order == sorted(order)
    assert "refused" not in reviewer_card.lower()
    assert "Denied by <@U0AM>" not in reviewer_card
    assert button_values(fake_slack.message(MANAGERS, card["ts"])) == {}


def test_a_second_exception_is_refused_with_the_facts(running, fake_slack):
    rid, _ = _filed_and_denied(running, fake_slack)
    _, parent, denial = _ask_exception(running, fake_slack, rid)
    running.slack.block_action("U0ROOF1", "request_exception", rid, channel="C0ROOF", message_ts=denial["ts"])
    fake_slack.wait_for("chat.postEphemeral")
    running.wait_idle()
    text = fake_slack.ephemerals("U0ROOF1")[-1]["text"]
    assert "already asked" in text and "<@U0ROOF1>" in text and "<@U0AM>" in text and "U0REV" not in text


def test_reverse_needs_a_reason_and_the_reason_reaches_the_contractor(running, fake_slack):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-BAD", reason="invalid_number",
                 details="Not a real number.")
    post = reviewer_post(fake_slack, "L-BAD")
    running.wait_idle()
    rid = button_values(fake_slack.message(REVIEW, post["ts"]))["reverse_request"]
    running.slack.block_action("U0REV", "reverse_request", rid, channel=REVIEW, message_ts=post["ts"])
    view = opened_view(fake_slack, "reverse_request")
    assert "note" in running.slack.view_submission("U0REV", view, {"note": "   "}).json()["errors"]
    assert _requests(running)[0].status == "approved"
    assert running.slack.view_submission("U0REV", view, {"note": "Homeowner picked up today."}).body in EMPTY
    running.wait_idle()
    parent = receipt(fake_slack, "C0ROOF", "L-BAD")
    assert "Reversed" in fake_slack.message("C0ROOF", parent["ts"])["text"]
    assert "Homeowner picked up today." in json.dumps(fake_slack.replies("C0ROOF", parent["ts"])[-1]["blocks"])


def test_only_the_clients_own_manager_or_an_admin_handles_its_exceptions(running, fake_slack, seeded):
    db = Database(seeded.database_url)
    grant(db, "U0AM2", "account_manager", actor="test", now=running.desk.now())
    db.dispose()
    rid, _ = _filed_and_denied(running, fake_slack)
    _ask_exception(running, fake_slack, rid)
    card = next(m for m in fake_slack.messages(MANAGERS) if "L-OK" in m["text"])
    running.slack.block_action("U0AM2", "grant_exception", rid, channel=MANAGERS, message_ts=card["ts"])
    fake_slack.wait_for("chat.postEphemeral")
    running.wait_idle()
    assert "account manager (<@U0AM>)" in fake_slack.ephemerals("U0AM2")[-1]["text"]
    assert _requests(running)[0].status == "exception"


# -- channel-mapped contractors, and where receipts go --------------------------------------

def _deck_client(settings, tmp_path):
    """A client known only by its channel (no user list), with one lead."""
    db = Database(settings.database_url)
    (tmp_path / "deck.csv").write_text(
        "client_id,name,slack_channel_id,slack_user_ids,account_manager_user_id,service_zips,service_counties,"
        "base_zip,radius_miles\nC-DECK,Deck Masters,C0DECK,,U0AM,,,,\n")
    import_clients(db, tmp_path / "deck.csv", now=datetime.now(UTC))
    (tmp_path / "deck-leads.csv").write_text(
        "lead_id,client_id,lead_type,category,received_at,first_name,last_name,phone,email,street,city,state,"
        f"zip,price\nL-DECK,C-DECK,standard,Decks,{recent(1)},Dee,Kay,212-555-0199,d@example.com,,,,11201,40\n")
    import_leads(db, tmp_path / "deck-leads.csv", calendar=settings.calendar)
    db.dispose()


def test_channel_mapped_contractors_can_ask_for_an_exception(running, fake_slack, seeded, tmp_path):
    _deck_client(seeded, tmp_path)
    assert file_request(running, fake_slack, user="U0DECK", channel="C0DECK", lead_id="L-DECK",
                        reason="incorrect_contact", details="Not the homeowner.").body in EMPTY
    rid, _ = _deny(running, fake_slack, "L-DECK")
    reply, parent, _ = _ask_exception(running, fake_slack, rid, user="U0DECK2", channel="C0DECK",
                                      note="Our office manager knows the family.")
    assert reply.body in EMPTY, reply.body
    assert _requests(running)[0].status == "exception"
    # Someone else's company cannot, even from a crafted submission.
    forged = {"id": "VFORGED", "type": "modal", "callback_id": "request_exception",
              "private_metadata": json.dumps({"request_id": int(rid), "channel_id": "C0SOLAR"}), "blocks": []}
    assert running.slack.view_submission("U0SOLAR", forged, {"note": "let me in"}).json()["response_action"] == "errors"


def test_receipts_go_to_the_clients_own_channel_whatever_channel_the_command_came_from(running, fake_slack):
    # Brooklyn Roofing's contractor types the command in Sunrise Solar's channel.
    assert file_request(running, fake_slack, user="U0ROOF1", channel="C0SOLAR", lead_id="L-OK",
                        reason="incorrect_contact", details="Wrong person, 212-555-0123 is a shop.").body in EMPTY
    running.wait_idle()
    assert fake_slack.messages("C0SOLAR") == []
    parent = receipt(fake_slack, "C0ROOF", "L-OK")
    # A reply from someone who is not the client's is not copied to reviewers.
    for user, text in (("U0SOLAR", "I am not them <!here>"), ("U0ROOF2", "The number rings a bakery.")):
        msg = fake_slack.add_user_message("C0ROOF", user, text, thread_ts=parent["ts"])
        running.slack.message_event(user, "C0ROOF", text, msg["ts"], thread_ts=parent["ts"])
    running.wait_idle()
    post = reviewer_post(fake_slack, "L-OK")
    mirrored = [m["text"] for m in fake_slack.replies(REVIEW, post["ts"]) if "replied" in m["text"]]
    assert len(mirrored) == 1 and "bakery" in mirrored[0]


def test_a_client_without_a_channel_gets_its_receipts_by_dm(running, fake_slack, seeded, tmp_path):
    db = Database(seeded.database_url)
    (tmp_path / "nochan.csv").write_text(
        "client_id,name,slack_channel_id,slack_user_ids,account_manager_user_id,service_zips,service_counties,"
        "base_zip,radius_miles\nC-SOLAR,Sunrise Solar,,U0SOLAR,U0AM,,\"Essex County, NJ\",,\n")
    import_clients(db, tmp_path / "nochan.csv", now=running.desk.now())
    db.dispose()
    assert file_request(running, fake_slack, user="U0SOLAR", channel="C0ROOF", lead_id="L-SOLAR",
                        reason="incorrect_contact", details="Wrong person.").body in EMPTY
    running.wait_idle()
    assert fake_slack.messages("C0ROOF") == []
    [req] = _requests(running)
    assert req.contractor_channel_id.startswith("D")


# -- plain language for contractors ---------------------------------------------------------

def test_contractor_text_has_no_internal_codes(running, fake_slack):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-BAD", reason="invalid_number",
                 details="No answer, not a real number.")
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OLD", reason="invalid_number",
                 details="Not a real number.")
    running.wait_idle()
    seen = []
    for lead in ("L-BAD", "L-OLD"):
        parent = receipt(fake_slack, "C0ROOF", lead)
        for m in [fake_slack.message("C0ROOF", parent["ts"])] + fake_slack.replies("C0ROOF", parent["ts"]):
            seen.append(m["text"] + json.dumps(m.get("blocks") or []))
    assert len(seen) >= 5
    for text in seen:
        assert not INTERNAL_CODE.search(text), INTERNAL_CODE.search(text).group(0) + " in " + text[:300]


def test_twenty_simultaneous_approvals_credit_once(running, fake_slack):
    import threading

    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK", reason="incorrect_contact",
                 details="Wrong person.")
    post = reviewer_post(fake_slack, "L-OK")
    rid = button_values(post)["approve_request"]
    clicks = [threading.Thread(target=running.slack.block_action,
                               args=("U0REV" if i % 2 else "U0REV2", "approve_request", rid),
                               kwargs={"channel": REVIEW, "message_ts": post["ts"]}) for i in range(20)]
    for t in clicks:
        t.start()
    for t in clicks:
        t.join()
    running.wait_idle()
    with running.desk.read() as session:
        approvals = session.scalar(select(func.count()).select_from(RequestEvent).where(
            RequestEvent.action == "approve"))
    assert approvals == 1
    assert len(fake_slack.ephemerals("U0REV")) + len(fake_slack.ephemerals("U0REV2")) == 19
