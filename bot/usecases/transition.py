"""The one path every step of a request's lifecycle takes.

A reviewer's click or modal (``decisions.act``), a question asked (``conversation``), the
policy's decision at filing (``filing``) and its later decision once a carrier answers
(``phone_checks``) all call :func:`apply`: a conditional update from the rule's source
statuses at the version read, its audit event, the ledger entry the action books, and the
Slack messages it owes (receipt, thread reply, reviewer card, exception card, homes).
Who may take the action is checked by the caller (``decisions.judge`` for people; the
policy's verdict for the policy) before it calls."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.usecases import audit, ledger, outbox
from bot.usecases.desk import Desk
from policy.engine import Decision
from policy.lifecycle import POLICY_ACTOR, RULES, TOLD_TO_CONTRACTOR, Action, Status
from storage.models import CreditRequest, RequestEvent

_POLICY_DECISIONS = frozenset({Action.AUTO_APPROVE, Action.AUTO_DENY})


def apply(desk: Desk, session: Session, req: CreditRequest, action: Action, *, actor: str, surface: str,
          now: datetime, note: str | None = None, deny_reason: str | None = None,
          data: dict | None = None) -> RequestEvent | None:
    """Take ``action`` on ``req`` as read; None (nothing changed) when the row moved meanwhile
    (another status, or another step bumped its version): the caller decides what to say."""
    old = req.status
    won = session.execute(
        update(CreditRequest)
        .where(CreditRequest.id == req.id, CreditRequest.version == req.version,
               CreditRequest.status.in_([str(s) for s in RULES[action].sources]))
        .values(**changes(action, req, actor=actor, now=now, note=note, deny_reason=deny_reason),
                updated_at=now, version=CreditRequest.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    session.refresh(req)
    if not won:
        return None
    trail = dict(data or {})
    if deny_reason and action in (Action.DENY, Action.AUTO_DENY):
        trail["deny_reason"] = str(deny_reason)
    event = audit.record(session, request_id=req.id, at=now, actor=actor, surface=surface, action=action,
                         old_status=old, new_status=req.status, note=note, data=trail)
    session.flush()
    ledger.book(session, req, action, event_id=event.id, at=now, actor=actor,
                webhook=bool(desk.settings.credit_webhook_url))
    owe_change(desk, session, req, action, event.id)
    return event


def policy_decision(verdict: str, settings, client_decides_alone: bool, price=None) -> Action | None:
    """The policy's own decision on a verdict, when it may take one (at filing, or once a
    carrier answers): AUTO_APPROVE / AUTO_DENY, and for approvals the client's contract
    (``auto_approve`` false sends them to reviewers). On a lead under dual control the
    policy's approval is the first of two (FIRST_APPROVE): a reviewer gives the second."""
    if verdict == Decision.APPROVE and settings.auto_approve and client_decides_alone:
        return Action.FIRST_APPROVE if settings.needs_two(price) else Action.AUTO_APPROVE
    if verdict == Decision.DENY and settings.auto_deny:
        return Action.AUTO_DENY
    return None


def changes(action: Action, req: CreditRequest, *, actor: str, now: datetime, note: str | None,
            deny_reason: str | None) -> dict:
    """The columns ``action`` sets besides status, version and ``updated_at``."""
    values: dict = {"status": str(RULES[action].target)}
    if action is Action.CLAIM:
        return values | {"claimed_by": actor, "claimed_at": now}
    if action is Action.REQUEST_INFO:
        return values | {"info_requested_at": req.info_requested_at or now}
    if action is Action.REQUEST_EXCEPTION:
        return values | {"exception_note": note, "exception_requested_at": now}
    if action is Action.FIRST_APPROVE:  # waits for a second person; a policy denial overridden is undone
        undo = {"decided_at": None, "decided_by": None, "auto_decided": False, "decision_note": None,
                "deny_reason": None} if req.status == Status.DENIED else {}
        return values | undo | {"first_approval_by": actor, "first_approval_at": now}
    if action is Action.FIRST_REVERSE:
        return values | {"first_reversal_by": actor, "first_reversal_at": now}
    auto = action in _POLICY_DECISIONS
    values |= {"decided_at": now, "decided_by": POLICY_ACTOR if auto else actor, "auto_decided": auto,
               "decision_note": note}
    if action in (Action.DENY, Action.AUTO_DENY):  # a deny ends a waiting first approval
        values |= {"deny_reason": str(deny_reason), "first_approval_by": None, "first_approval_at": None}
    elif action in (Action.GRANT_EXCEPTION, Action.UPHOLD_DENIAL):
        values["exception_outcome"] = "granted" if action is Action.GRANT_EXCEPTION else "upheld"
    return values


def owe_change(desk: Desk, session: Session, req: CreditRequest, action: Action, event_id: int | None) -> None:
    """The Slack messages a change owes: the contractor hears of every status change in their
    thread, and every card and home that shows the request is brought up to date."""
    now = desk.now()
    if action in TOLD_TO_CONTRACTOR:
        outbox.enqueue(session, outbox.CONTRACTOR_REPLY, now=now, request_id=req.id, event_id=event_id)
        outbox.enqueue(session, outbox.RECEIPT_SYNC, now=now, request_id=req.id)
    outbox.enqueue(session, outbox.REVIEWER_SYNC, now=now, request_id=req.id)
    if req.exception_requested_at is not None or req.status == Status.EXCEPTION:
        outbox.enqueue(session, outbox.EXCEPTION_SYNC, now=now, request_id=req.id)
    desk.refresh_homes(session, [req.requested_by], staff=True)
