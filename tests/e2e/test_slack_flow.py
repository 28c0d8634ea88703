"""The Slack flow end to end, through the running HTTP server and the Slack stand-in."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.models import CreditRequest
from tests.support.bot import REVIEW
from tests.support.flows import (
    button_values,
    file_request,
    opened_view,
    receipt,
    reviewer_post,
    thread_texts,
)


def _requests(bot):
    with bot.desk.read() as session:
        return list(session.scalars(select(CreditRequest).order_by(CreditRequest.id)))


def test_command_opens_the_modal_prefilled(running, fake_slack):
    reply = running.slack.command("U0ROOF1", "C0ROOF", "L-OK")
    assert reply.status == 200
    view = opened_view(fake_slack, "credit_request")
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["lead_id"]["element"]["action_id"] == "lead_id"
    assert blocks["lead_id"]["element"]["initial_value"] == "L-OK"
    options = [o["value"] for o in blocks["reason"]["element"]["options"]]
    assert options == ["incorrect_contact", "invalid_number", "duplicate_lead", "testing_solicitation",
                       "out_of_service_area"]
    assert blocks["details"]["element"]["multiline"] is True
    assert view["private_metadata"] == "C0ROOF"


def test_unlinked_user_gets_an_ephemeral_answer_and_no_modal(running, fake_slack):
    reply = running.slack.command("U0STRANGER", "C0ELSEWHERE", "")
    assert reply.status == 200
    assert "not linked to a client" in reply.json()["text"]
    assert reply.json()["response_type"] == "ephemeral"
    assert not fake_slack.calls_to("views.open")


def test_filing_auto_approves_an_invalid_number_and_tells_everyone(running, fake_slack):
    reply = file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-BAD",
                         reason="invalid_number", details="Number is 123-456-7891, not a real number.")
    assert reply.status == 200 and reply.body in (b"", b"{}")
    parent = receipt(fake_slack, "C0ROOF", "L-BAD")
    fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and c.params.get("thread_ts") == parent["ts"],
                        count=2)
    texts = thread_texts(fake_slack, "C0ROOF", parent["ts"])
    assert "Checks for lead L-BAD" in texts[0]
    assert "approved" in texts[1]
    post = reviewer_post(fake_slack, "L-BAD")
    running.wait_idle()
    post = fake_slack.message(REVIEW, post["ts"])
    assert "Credited" in post["text"]
    assert set(button_values(post)) == {"reverse_request"}
    [req] = _requests(running)
    assert (req.status, req.auto_decided, req.contractor_ts) == ("approved", True, parent["ts"])
    home = fake_slack.home("U0ROOF1")
    assert home is not None and "L-BAD" in json.dumps(home)


def test_bad_input_is_field_errors_and_stores_nothing(running, fake_slack):
    cases = [
        ("L-NOPE", "invalid_number", "x", "lead_id", "no lead"),
        ("L-SOLAR", "invalid_number", "x", "lead_id", "no lead"),  # another client's: as if unknown
        ("L-OK", "invalid_number", "   ", "details", "describe"),
    ]
    for lead, reason, details, field, words in cases:
        reply = file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id=lead, reason=reason,
                             details=details)
        body = reply.json()
        assert body["response_action"] == "errors", body
        assert words in body["errors"][field].lower()
    assert _requests(running) == []


def test_second_open_request_on_a_lead_is_refused(running, fake_slack):
    first = file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK",
                         reason="invalid_number", details="Rang it, disconnected.")
    assert first.body in (b"", b"{}")
    second = file_request(running, fake_slack, user="U0ROOF2", channel="C0ROOF", lead_id="L-OK",
                          reason="incorrect_contact", details="Wrong person.")
    assert "already has an open credit request" in second.json()["errors"]["lead_id"]
    assert len(_requests(running)) == 1


def test_review_then_approve_by_reviewer_updates_everything(running, fake_slack):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK",
                 reason="invalid_number", details="Rang it twice: disconnected tone.")
    post = reviewer_post(fake_slack, "L-OK")
    buttons = button_values(post)
    assert set(buttons) == {"approve_request", "deny_request", "request_info"}
    reply = running.slack.block_action("U0REV", "approve_request", buttons["approve_request"], channel=REVIEW,
                                       message_ts=post["ts"])
    assert reply.status == 200
    fake_slack.wait_for(lambda c: c.method == "chat.update" and c.params.get("ts") == post["ts"])
    running.wait_idle()
    updated = fake_slack.message(REVIEW, post["ts"])
    assert "Credited" in updated["text"]
    assert "<@U0REV>" in json.dumps(updated["blocks"])
    assert set(button_values(updated)) == {"reverse_request"}
    parent = receipt(fake_slack, "C0ROOF", "L-OK")
    assert any("approved" in t for t in thread_texts(fake_slack, "C0ROOF", parent["ts"]))


def test_deny_opens_modal_and_denial_offers_an_exception(running, fake_slack):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK",
                 reason="incorrect_contact", details="The person says they never asked.")
    post = reviewer_post(fake_slack, "L-OK")
    request_id = button_values(post)["deny_request"]
    running.slack.block_action("U0REV", "deny_request", request_id, channel=REVIEW, message_ts=post["ts"])
    view = opened_view(fake_slack, "deny_request")
    deny_options = [o["value"] for b in view["blocks"] if b.get("block_id") == "deny_reason"
                    for o in b["element"]["options"]]
    assert "contradicting_info" in deny_options and "invalid_number" not in deny_options
    reply = running.slack.view_submission("U0REV", view, {"deny_reason": "contradicting_info",
                                                          "note": "Homeowner confirmed <!channel> the request"})
    assert reply.body in (b"", b"{}")
    running.wait_idle()
    parent = receipt(fake_slack, "C0ROOF", "L-OK")
    last = fake_slack.replies("C0ROOF", parent["ts"])[-1]
    assert "denied" in last["text"]
    assert button_values(last) == {"request_exception": request_id}
    dumped = json.dumps(last["blocks"])
    assert "<!channel>" not in dumped and "&lt;!channel&gt;" in dumped
    [req] = _requests(running)
    assert (req.status, req.deny_reason, req.decided_by) == ("denied", "contradicting_info", "U0REV")


def test_non_reviewer_is_refused_ephemerally_and_nothing_changes(running, fake_slack):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK",
                 reason="incorrect_contact", details="Wrong person answered.")
    post = reviewer_post(fake_slack, "L-OK")
    request_id = button_values(post)["approve_request"]
    running.slack.block_action("U0ROOF1", "approve_request", request_id, channel=REVIEW, message_ts=post["ts"])
    fake_slack.wait_for("chat.postEphemeral")
    assert "Only reviewers" in fake_slack.ephemerals("U0ROOF1")[0]["text"]
    [req] = _requests(running)
    assert req.status == "pending"


def test_second_click_says_who_decided(running, fake_slack):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK",
                 reason="incorrect_contact", details="Wrong person answered.")
    post = reviewer_post(fake_slack, "L-OK")
    request_id = button_values(post)["approve_request"]
    running.slack.block_action("U0REV", "approve_request", request_id, channel=REVIEW, message_ts=post["ts"])
    running.wait_idle()
    running.slack.block_action("U0REV2", "approve_request", request_id, channel=REVIEW, message_ts=post["ts"])
    fake_slack.wait_for("chat.postEphemeral")
    text = fake_slack.ephemerals("U0REV2")[0]["text"]
    assert "already credited by <@U0REV>" in text


def test_forged_and_replayed_signatures_get_401(running):
    body = b"command=%2Fcredit-request&user_id=U0ROOF1&channel_id=C0ROOF&text=&trigger_id=t"
    forged = running.slack.post(body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64)
    assert forged.status == 401
    import time

    old = str(int(time.time()) - 60 * 10)
    replayed = running.slack.post(body, "application/x-www-form-urlencoded", timestamp=old)
    assert replayed.status == 401


def test_healthz(running):
    import urllib.request

    with urllib.request.urlopen(running.url + "/healthz", timeout=5) as resp:
        body = json.loads(resp.read())
    assert body["ok"] is True and "pending" in body["outbox"]


def test_metrics_count_requests_acks_and_outbox(running, fake_slack):
    import urllib.request

    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-BAD",
                 reason="invalid_number", details="Not a real number.")
    running.wait_idle()
    with urllib.request.urlopen(running.url + "/metrics", timeout=5) as resp:
        text = resp.read().decode()
    assert 'credit_bot_requests{status="approved",verdict="approve"} 1.0' in text
    assert 'credit_bot_slack_ack_seconds_count{kind="command"} 1.0' in text
    assert 'credit_bot_slack_ack_seconds_count{kind="view_submission"} 1.0' in text
    assert 'credit_bot_outbox_messages{status="pending"} 0.0' in text
    assert 'credit_bot_outbox_deliveries_total{kind="receipt",result="delivered"} 1.0' in text


def test_app_home_for_contractor_and_reviewer(running, fake_slack):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK",
                 reason="incorrect_contact", details="Someone else answered.")
    running.wait_idle()
    reply = running.slack.event({"type": "app_home_opened", "user": "U0REV", "channel": "D0REV", "tab": "home"})
    assert reply.status == 200
    running.wait_idle()
    reviewer_home = json.dumps(fake_slack.home("U0REV"))
    assert "Open queue (1)" in reviewer_home and "lead L-OK" in reviewer_home and "h ago" in reviewer_home
    contractor_home = json.dumps(fake_slack.home("U0ROOF2"))  # a colleague at the same client sees it too
    running.slack.event({"type": "app_home_opened", "user": "U0ROOF2", "channel": "D0R2", "tab": "home"})
    running.wait_idle()
    contractor_home = json.dumps(fake_slack.home("U0ROOF2"))
    assert "Refund Status" in contractor_home and "Lead L-OK" in contractor_home and "Pending review" in contractor_home
    assert "Open queue" not in contractor_home
    running.slack.event({"type": "app_home_opened", "user": "U0SOLAR", "channel": "D0S", "tab": "home"})
    running.wait_idle()
    assert "L-OK" not in json.dumps(fake_slack.home("U0SOLAR"))  # another client's contractor


def test_the_cards_trail_button_opens_the_trail(running, fake_slack):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK",
                 reason="invalid_number", details="Rang it twice: disconnected tone.")
    post = reviewer_post(fake_slack, "L-OK")
    [trail] = [e for b in post["blocks"] for e in b.get("elements") or [] if e.get("action_id") == "open_trail"]
    assert "credit-bot history" not in json.dumps(post["blocks"])
    before = len(fake_slack.calls_to("views.open"))
    reply = running.slack.block_action("U0REV", "open_trail", trail["value"], channel=REVIEW, message_ts=post["ts"])
    assert reply.status == 200
    fake_slack.wait_for(lambda c: c.method == "views.open" and "Trail" in json.dumps(c.params.get("view")))
    view = fake_slack.calls_to("views.open")[before:][-1].params["view"]
    assert f"CR-{trail['value']}" in json.dumps(view) and "Filed" in json.dumps(view)
