"""Dual control (SECOND_APPROVAL_OVER) in process with a fixed clock: above the threshold an
approval or a reversal takes two different people; the first is recorded and told, nothing
is booked until the second; a deny ends it; the same person twice is refused."""

from __future__ import annotations

import threading

from sqlalchemy import select

from bot.usecases import outbox
from bot.usecases.audit import Surface
from bot.usecases.decisions import Actor, act
from bot.usecases.filing import Filing, file_requests
from bot.usecases.staffing import grant
from policy.lifecycle import Action, Why
from storage.models import CreditRequest, LedgerEntry
from tests.usecases.conftest import delivered, owed, trail

REV1 = Actor("U0REV", Surface.ACTION, "C0REVIEW")
REV2 = Actor("U0REV2", Surface.ACTION, "C0REVIEW")
ADMIN = Actor("U0ADMIN", Surface.ACTION, "C0REVIEW")
CONTRACTOR = "U0ROOF1"


def _file(desk, lead, reason="incorrect_contact", details="A different person answered."):
    [req] = file_requests(desk, Filing(user_id=CONTRACTOR, channel_id="C0ROOF", lead_ids=lead, reason=reason,
                                       details=details)).requests
    return req


def _req(desk, rid) -> CreditRequest:
    with desk.read() as session:
        return session.get(CreditRequest, rid)


def _ledger(desk) -> list[tuple[str, str]]:
    with desk.read() as session:
        return [(e.kind, str(e.amount)) for e in session.scalars(select(LedgerEntry).order_by(LedgerEntry.entry_id))]


def test_above_the_threshold_two_reviewers_credit_once(dual):
    req = _file(dual, "L-BAD")
    after = delivered(dual)
    first = act(dual, req.id, Action.APPROVE, REV1)
    assert first.ok and first.step == Action.FIRST_APPROVE
    row = _req(dual, req.id)
    assert (row.status, row.first_approval_by, row.decided_at) == ("pending", "U0REV", None)
    assert _ledger(dual) == []
    kinds = [k for k, _, _ in owed(dual, after=after)]
    assert outbox.CONTRACTOR_REPLY in kinds and outbox.REVIEWER_SYNC in kinds  # the thread and card hear of it
    again = act(dual, req.id, Action.APPROVE, REV1)
    assert not again.ok and again.refusal.why == Why.SAME_REVIEWER
    second = act(dual, req.id, Action.APPROVE, REV2)
    assert second.ok and second.step == Action.APPROVE
    assert (_req(dual, req.id).status, _ledger(dual)) == ("approved", [("credit", "45.00")])
    assert [a for a, *_ in trail(dual, req.id) if a != "refused"] == ["filed", "first_approval", "approve"]


def test_at_or_below_the_threshold_one_reviewer_is_enough(dual):
    req = _file(dual, "L-OK")
    assert act(dual, req.id, Action.APPROVE, REV1).step == Action.APPROVE
    assert _ledger(dual) == [("credit", "30.00")]


def test_a_deny_by_anyone_ends_a_waiting_approval(dual):
    req = _file(dual, "L-BAD")
    act(dual, req.id, Action.APPROVE, REV1)
    assert act(dual, req.id, Action.DENY, REV2, deny_reason="contradicting_info").ok
    row = _req(dual, req.id)
    assert (row.status, row.first_approval_by) == ("denied", None)
    assert act(dual, req.id, Action.APPROVE, ADMIN).refusal.why == Why.OVERRIDES_PEOPLE
    assert _ledger(dual) == []


def test_the_first_approver_may_still_deny(dual):
    req = _file(dual, "L-BAD")
    act(dual, req.id, Action.APPROVE, REV1)
    assert act(dual, req.id, Action.DENY, REV1, deny_reason="contradicting_info").ok
    assert _req(dual, req.id).status == "denied"


def test_the_policys_approval_is_the_first_and_one_reviewer_completes_it(dual):
    req = _file(dual, "L-BAD", reason="invalid_number", details="Not a real number.")
    row = _req(dual, req.id)
    assert (row.status, row.first_approval_by, row.auto_decided) == ("pending", "auto", False)
    assert _ledger(dual) == []
    assert ("first_approval", "auto", "pending", "pending") in trail(dual, req.id)
    assert act(dual, req.id, Action.APPROVE, REV1).step == Action.APPROVE
    assert _ledger(dual) == [("credit", "45.00")]


def test_a_reversal_above_the_threshold_takes_a_second_reviewer(dual):
    req = _file(dual, "L-BAD")
    act(dual, req.id, Action.APPROVE, REV1)
    act(dual, req.id, Action.APPROVE, REV2)
    first = act(dual, req.id, Action.REVERSE, REV1, note="The homeowner confirmed the job.")
    assert first.ok and first.step == Action.FIRST_REVERSE
    assert (_req(dual, req.id).status, _ledger(dual)) == ("approved", [("credit", "45.00")])
    assert act(dual, req.id, Action.REVERSE, REV1, note="again").refusal.why == Why.SAME_REVIEWER
    assert act(dual, req.id, Action.REVERSE, ADMIN, note="Confirmed with the client.").step == Action.REVERSE
    assert _req(dual, req.id).status == "reversed"
    assert _ledger(dual) == [("credit", "45.00"), ("reversal", "-45.00")]


def test_the_filer_never_gives_either_approval(dual):
    grant(dual.db, CONTRACTOR, "reviewer", actor="test", now=dual.now())  # a reviewer who is also the filer
    req = _file(dual, "L-BAD")
    assert act(dual, req.id, Action.APPROVE, Actor(CONTRACTOR, Surface.ACTION)).refusal.why == Why.OWN_REQUEST


def test_twenty_simultaneous_approvals_by_two_reviewers_credit_once(dual):
    req = _file(dual, "L-BAD")
    start = threading.Barrier(20)
    results = []

    def click(who):
        start.wait()
        results.append(act(dual, req.id, Action.APPROVE, who))

    threads = [threading.Thread(target=click, args=(REV1 if n % 2 else REV2,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    steps = sorted(str(r.step) for r in results if r.ok)
    assert steps == ["approve", "first_approval"]
    assert _ledger(dual) == [("credit", "45.00")]
    row = _req(dual, req.id)
    assert row.status == "approved"
