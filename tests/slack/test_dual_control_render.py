"""Dual control as each surface shows it: the first approval is recorded on the reviewer
card (with a button for the second), on the App Home queue and in the contractor's thread
and receipt; the same reviewer twice reads why; a waiting reversal shows to staff only."""

from __future__ import annotations

import json

from bot.slack.render import cards, contractor
from bot.slack.render.home import HomeData, HomeRow, render_home
from bot.slack.render.refusals import refusal_text
from bot.usecases.audit import Surface
from bot.usecases.cases import load_case
from bot.usecases.decisions import Actor, act
from bot.usecases.filing import Filing, file_requests
from policy.lifecycle import Action

REV1, REV2 = Actor("U0REV", Surface.ACTION, "C0REVIEW"), Actor("U0REV2", Surface.ACTION, "C0REVIEW")


def _case(desk, rid):
    with desk.read() as session:
        return load_case(session, rid, calendar=desk.calendar, at=desk.now())


def _text(rendered) -> str:
    text, blocks = rendered
    return text + json.dumps(blocks)


def _first_approved(desk):
    [req] = file_requests(desk, Filing("U0ROOF1", "C0ROOF", "L-BAD", "incorrect_contact", "Wrong person.")).requests
    assert act(desk, req.id, Action.APPROVE, REV1).step == Action.FIRST_APPROVE
    return _case(desk, req.id)


def test_the_card_shows_the_first_approval_and_offers_the_second(dual):
    case = _first_approved(dual)
    card = _text(cards.reviewer_card(case, dual.tz))
    assert "First approval: approved by <@U0REV>" in card and "waiting for a second reviewer" in card
    assert "First approval by <@U0REV>" in card  # the timeline
    assert "Give second approval" in card and "Pending review" in card


def test_the_contractor_hears_of_the_first_approval_and_nothing_is_credited_yet(dual):
    case = _first_approved(dual)
    step = case.last(Action.FIRST_APPROVE)
    reply = _text(contractor.status_reply(case, step, dual.tz))
    assert "first approval" in reply and "second reviewer" in reply and "credited" in reply
    assert "will be credited" not in reply
    receipt = _text(contractor.receipt(case, dual.tz))
    assert "Pending review" in receipt and "waiting for a second reviewer" in receipt


def test_the_home_queue_row_says_it_waits_for_a_second_approval(dual):
    case = _first_approved(dual)
    req = case.request
    row = HomeRow(req.id, req.lead_id, req.reason, req.status, req.requested_at, None, req.requested_by,
                  client_name="Roofs", first_approval_by=req.first_approval_by)
    other = json.dumps(render_home(HomeData(user_id="U0REV2", queue=[row], queue_total=1), dual.tz))
    mine = json.dumps(render_home(HomeData(user_id="U0REV", queue=[row], queue_total=1), dual.tz))
    assert "approved by <@U0REV>, waiting for a second approval" in other
    assert "approved by you, waiting for a second approval" in mine


def test_the_same_reviewer_twice_is_told_why(dual):
    case = _first_approved(dual)
    refused = act(dual, case.id, Action.APPROVE, REV1)
    text = refusal_text(refused.refusal, dual.tz)
    assert "You already gave the first approval" in text and "second reviewer" in text


def test_a_waiting_reversal_shows_to_staff_not_to_the_contractor(dual):
    case = _first_approved(dual)
    act(dual, case.id, Action.APPROVE, REV2)
    assert act(dual, case.id, Action.REVERSE, REV1, note="Job confirmed.").step == Action.FIRST_REVERSE
    case = _case(dual, case.id)
    card = _text(cards.reviewer_card(case, dual.tz))
    assert "Reversal asked by <@U0REV>" in card and "Confirm reversal" in card
    receipt = _text(contractor.receipt(case, dual.tz))
    assert "Reversal" not in receipt and "Credited" in receipt
