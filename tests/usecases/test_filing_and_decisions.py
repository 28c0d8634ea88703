"""Filing and deciding, in process with a fixed clock: the rows each use case writes."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from bot.usecases import outbox
from bot.usecases.audit import Surface
from bot.usecases.decisions import Actor, act, check
from bot.usecases.evidence import EvidenceFile
from bot.usecases.filing import Filing, FilingErrors, file_requests
from policy.lifecycle import Action, Why
from storage.models import CreditRequest, LedgerEntry, RequestFile
from tests.usecases.conftest import delivered, last_outbox_id, owed, trail

REVIEWER = Actor("U0REV", Surface.ACTION, "C0REVIEW")
CONTRACTOR = "U0ROOF1"


def _file(desk, leads="L-OK", *, reason="incorrect_contact", details="A different person answered.", user=CONTRACTOR,
          channel="C0ROOF", view_id=None, files=()):
    return file_requests(desk, Filing(user_id=user, channel_id=channel, lead_ids=leads, reason=reason,
                                      details=details, view_id=view_id, files=files))


def _request(desk, request_id) -> CreditRequest:
    with desk.read() as session:
        return session.get(CreditRequest, request_id)


def test_filing_for_review_owes_receipt_checks_and_card(desk):
    [req] = _file(desk).requests
    assert (req.status, req.verdict, req.lead_slot, req.requested_at) == ("pending", "review", "L-OK", desk.now())
    assert owed(desk) == [
        (outbox.RECEIPT_SYNC, req.id, {}),
        (outbox.CONTRACTOR_REPLY, req.id, {"checks": True}),
        (outbox.REVIEWER_SYNC, req.id, {}),
    ]
    assert trail(desk, req.id) == [("filed", CONTRACTOR, None, "pending")]


def test_auto_approval_books_the_lead_and_tells_the_contractor(desk):
    [req] = _file(desk, "L-BAD", reason="invalid_number", details="Not a real number.").requests
    assert (req.status, req.auto_decided, req.decided_by) == ("approved", True, "auto")
    kinds = [(k, p) for k, _, p in owed(desk)]
    assert kinds[:2] == [(outbox.RECEIPT_SYNC, {}), (outbox.CONTRACTOR_REPLY, {"checks": True})]
    assert kinds[2][0] == outbox.CONTRACTOR_REPLY and "event_id" in kinds[2][1]
    assert [k for k, _ in kinds[3:]] == [outbox.REVIEWER_SYNC]  # the receipt sync waiting already covers it
    with desk.read() as session:
        [entry] = session.scalars(select(LedgerEntry))
    assert (entry.kind, str(entry.amount), entry.request_id) == ("credit", "45.00", req.id)


def test_a_modal_submitted_twice_files_once(desk):
    first = _file(desk, "L-OK L-BAD", view_id="V123")
    again = _file(desk, "L-OK L-BAD", view_id="V123")
    assert again.created is False and [r.id for r in again.requests] == [r.id for r in first.requests]


@pytest.mark.parametrize(("kwargs", "field", "code"), [
    ({"leads": "L-NOPE"}, "lead_id", "unknown"),
    ({"leads": "L-SOLAR"}, "lead_id", "unknown"),  # another client's lead reads as unknown
    ({"leads": ""}, "lead_id", "required"),
    ({"leads": " ".join(f"L-{i}" for i in range(21))}, "lead_id", "too_many"),
    ({"details": "  "}, "details", "required"),
    ({"details": "x" * 3001}, "details", "too_long"),
    ({"reason": "did_not_win_job"}, "reason", "required"),
    ({"user": "U0STRANGER", "channel": "C0ELSEWHERE"}, "lead_id", "not_linked"),
    ({"user": "U0REV"}, "lead_id", "not_linked"),  # staff never speak for a client by its channel
])
def test_bad_filings_store_nothing(desk, kwargs, field, code):
    with pytest.raises(FilingErrors) as err:
        _file(desk, **kwargs)
    assert [p.code for p in err.value.problems[field]] == [code]
    assert owed(desk) == [] and [a for a, *_ in trail(desk) if a != "staff_granted"] == []


def test_a_lead_with_any_request_cannot_be_filed_again(desk):
    [req] = _file(desk).requests
    act(desk, req.id, Action.DENY, REVIEWER, deny_reason="contradicting_info")
    with pytest.raises(FilingErrors) as err:
        _file(desk, "L-OK L-BAD")
    [problem] = err.value.problems["lead_id"]
    assert problem.code == "has_request" and problem.lead_ids == ("L-OK",)
    assert (problem.earlier[0].request_id, problem.earlier[0].status) == (req.id, "denied")


def test_evidence_from_the_modal_joins_every_request(desk):
    files = (EvidenceFile("F0A", "carrier.png", "https://x.slack.com/files/F0A"),)
    filed = _file(desk, "L-OK L-BAD", files=files)
    with desk.read() as session:
        rows = [(f.request_id, f.file_id, f.source) for f in session.scalars(select(RequestFile))]
    assert rows == [(r.id, "F0A", "modal") for r in filed.requests]


def test_approve_owes_every_surface(desk):
    [req] = _file(desk).requests
    mark = delivered(desk)
    result = act(desk, req.id, Action.APPROVE, REVIEWER)
    assert result.ok and result.request.status == "approved"
    rows = owed(desk, after=mark)
    assert [k for k, _, _ in rows] == [outbox.CONTRACTOR_REPLY, outbox.RECEIPT_SYNC, outbox.REVIEWER_SYNC]
    assert trail(desk, req.id)[-1] == ("approve", "U0REV", "pending", "approved")


def test_refusals_are_audited_told_and_change_nothing(desk):
    [req] = _file(desk).requests
    mark = last_outbox_id(desk)
    result = act(desk, req.id, Action.APPROVE, Actor(CONTRACTOR, Surface.ACTION, "C0ROOF"))
    assert not result.ok and result.refusal.why == Why.NOT_REVIEWER
    assert owed(desk, after=mark) == [(outbox.EPHEMERAL, req.id, {
        "user": CONTRACTOR, "channel": "C0ROOF", "refusal": result.refusal.to_payload()})]
    assert trail(desk, req.id)[-1] == ("refused", CONTRACTOR, None, None)
    assert _request(desk, req.id).status == "pending"


def test_missing_inputs_are_field_problems(desk):
    [req] = _file(desk).requests
    assert act(desk, req.id, Action.DENY, REVIEWER, deny_reason="").problems == {"deny_reason": "required"}
    assert act(desk, req.id, Action.DENY, REVIEWER, deny_reason="invalid_number").problems == {
        "deny_reason": "required"}
    act(desk, req.id, Action.APPROVE, REVIEWER)
    assert act(desk, req.id, Action.REVERSE, REVIEWER, note=" ").problems == {"note": "required"}
    assert _request(desk, req.id).status == "approved"


def test_check_before_a_modal_refuses_without_changing_anything(desk):
    [req] = _file(desk).requests
    assert check(desk, req.id, Action.DENY, REVIEWER).ok
    refused = check(desk, req.id, Action.GRANT_EXCEPTION, REVIEWER)
    assert not refused.ok and refused.refusal.why == Why.NOT_CLIENT_MANAGER
    assert check(desk, 10**6, Action.DENY, REVIEWER).refusal.why == "no_request"


def test_simultaneous_decisions_decide_once(desk):
    [req] = _file(desk).requests
    results = []
    actors = [Actor(f"U0REV{'2' if i % 2 else ''}", Surface.ACTION) for i in range(10)]
    threads = [threading.Thread(target=lambda a=a: results.append(act(desk, req.id, Action.APPROVE, a)))
               for a in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.ok for r in results) == 1
    with desk.read() as session:
        assert len(list(session.scalars(select(LedgerEntry)))) == 1


def test_exception_round_trip(desk, clock):
    from datetime import timedelta

    [req] = _file(desk).requests
    act(desk, req.id, Action.DENY, REVIEWER, deny_reason="contradicting_info", note="They asked for it.")
    clock.now += timedelta(hours=1)
    contractor = Actor(CONTRACTOR, Surface.VIEW, None)
    assert act(desk, req.id, Action.REQUEST_EXCEPTION, contractor, note="").problems == {"note": "required"}
    assert act(desk, req.id, Action.REQUEST_EXCEPTION, contractor, note="Son filed it.").ok
    mark = delivered(desk)
    manager = Actor("U0AM", Surface.VIEW)
    assert act(desk, req.id, Action.UPHOLD_DENIAL, manager, note="Family: not creditable.").ok
    assert [k for k, _, _ in owed(desk, after=mark)] == [
        outbox.CONTRACTOR_REPLY, outbox.RECEIPT_SYNC, outbox.REVIEWER_SYNC, outbox.EXCEPTION_SYNC]
    again = act(desk, req.id, Action.REQUEST_EXCEPTION, contractor, note="Please?")
    assert again.refusal.why == Why.EXCEPTION_USED and again.refusal.asked_by == CONTRACTOR
    assert [a for a, *_ in trail(desk, req.id) if a != "refused"] == [
        "filed", "deny", "request_exception", "uphold_denial"]
