"""Dual control through the real server and the Slack stand-in, on both databases: with
SECOND_APPROVAL_OVER set, a reviewer's click on an expensive lead records a first approval
(card and thread say so, nothing is booked), the same reviewer clicking again is told why
in an ephemeral, and a second reviewer's click credits the lead once."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from sqlalchemy import select

from storage.models import CreditRequest, LedgerEntry
from tests.conftest import STANDARD_LEADS
from tests.support.bot import REVIEW, RunningBot, seed
from tests.support.flows import button_values, file_request, reviewer_post

LEADS = [dict(lead, price="450.00" if lead["lead_id"] == "L-OK" else "40.00") for lead in STANDARD_LEADS]


@pytest.fixture
def dual_bot(settings, tmp_path):
    seed(settings, tmp_path, LEADS)
    bot = RunningBot(dataclasses.replace(settings, second_approval_over=Decimal("300")))
    yield bot
    bot.stop()


def _state(bot):
    with bot.desk.read() as session:
        req = session.scalar(select(CreditRequest).where(CreditRequest.lead_id == "L-OK"))
        entries = [(e.kind, str(e.amount)) for e in session.scalars(select(LedgerEntry))]
        return req.status, req.first_approval_by, entries


def test_two_reviewers_credit_an_expensive_lead_once(dual_bot, fake_slack):
    file_request(dual_bot, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK", reason="incorrect_contact",
                 details="Someone else answered.")
    post = reviewer_post(fake_slack, "L-OK")
    rid = button_values(post)["approve_request"]
    dual_bot.slack.block_action("U0REV", "approve_request", rid, channel=REVIEW, message_ts=post["ts"])
    dual_bot.wait_idle()
    assert _state(dual_bot) == ("pending", "U0REV", [])
    card = fake_slack.wait_for(lambda c: c.method == "chat.update" and c.params.get("channel") == REVIEW
                               and "waiting for a second reviewer" in str(c.params.get("blocks")))
    assert "Give second approval" in str(card[-1].params["blocks"])
    thread = fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and "first approval"
                                 in str(c.params.get("text")))
    assert thread[0].params["channel"] == "C0ROOF"

    dual_bot.slack.block_action("U0REV", "approve_request", rid, channel=REVIEW, message_ts=post["ts"])
    dual_bot.wait_idle()
    told = fake_slack.wait_for(lambda c: c.method == "chat.postEphemeral" and c.params.get("user") == "U0REV")
    assert "You already gave the first approval" in told[0].params["text"]
    assert _state(dual_bot) == ("pending", "U0REV", [])

    dual_bot.slack.block_action("U0REV2", "approve_request", rid, channel=REVIEW, message_ts=post["ts"])
    dual_bot.wait_idle()
    assert _state(dual_bot) == ("approved", "U0REV", [("credit", "450.00")])
    fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and "is approved" in str(c.params.get("text")))


def test_a_cheap_lead_still_takes_one_reviewer(dual_bot, fake_slack):
    file_request(dual_bot, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK2", reason="incorrect_contact",
                 details="Someone else answered.")
    post = reviewer_post(fake_slack, "L-OK2")
    dual_bot.slack.block_action("U0REV", "approve_request", button_values(post)["approve_request"], channel=REVIEW,
                                message_ts=post["ts"])
    dual_bot.wait_idle()
    with dual_bot.desk.read() as session:
        assert session.scalar(select(CreditRequest.status).where(CreditRequest.lead_id == "L-OK2")) == "approved"
