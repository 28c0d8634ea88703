"""Decisions on a request — approve, deny, reverse, exception asked / granted / upheld —
each one conditional update plus its audit event and the Slack messages it owes.

The state machine (``_RULES``): who may move a request from which states to which."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.slack.render.messages import decision_reply
from bot.slack.render.text import STATUS_LABEL, mention, request_ref, when
from bot.usecases import audit, outbox
from bot.usecases.desk import Desk
from bot.usecases.staffing import MAY_DECIDE, MAY_HANDLE_EXCEPTIONS, has_any
from policy.reasons import NON_CREDITABLE, parse_reason
from storage.models import (
    APPROVED,
    DENIED,
    EXCEPTION,
    PENDING,
    REVERSED,
    Client,
    ClientUser,
    CreditRequest,
)
from storage.queries import clients_for_user

STAFF = "staff"
MANAGER = "manager"
CONTRACTOR = "contractor"


@dataclass(frozen=True)
class Rule:
    who: str
    sources: tuple[str, ...]
    target: str
    contractor_message: str


_RULES = {
    "approve": Rule(STAFF, (PENDING, DENIED), APPROVED, "approved"),
    "deny": Rule(STAFF, (PENDING,), DENIED, "denied"),
    "reverse": Rule(STAFF, (APPROVED,), REVERSED, "reversed"),
    "request_exception": Rule(CONTRACTOR, (DENIED,), EXCEPTION, "exception_requested"),
    "grant_exception": Rule(MANAGER, (EXCEPTION,), APPROVED, "exception_granted"),
    "uphold_denial": Rule(MANAGER, (EXCEPTION,), DENIED, "exception_upheld"),
}


@dataclass(frozen=True)
class Actor:
    user_id: str
    surface: str
    channel_id: str | None = None


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str
    request: CreditRequest | None = None
    told: bool = False  # the user was already sent the message


def is_contractor_of(session: Session, user_id: str, channel_id: str | None, client_id: str) -> bool:
    """A user speaks for a client when mapped to it, or (unmapped) from the client's own channel."""
    if session.get(ClientUser, (client_id, user_id)) is not None:
        return True
    if clients_for_user(session, user_id):
        return False
    client = session.get(Client, client_id)
    return bool(client and channel_id and client.slack_channel_id == channel_id)


def _allowed(session: Session, who: str, actor: Actor, req: CreditRequest) -> bool:
    if who == STAFF:
        return has_any(session, actor.user_id, MAY_DECIDE)
    if who == MANAGER:
        return has_any(session, actor.user_id, MAY_HANDLE_EXCEPTIONS)
    return is_contractor_of(session, actor.user_id, actor.channel_id, req.client_id)


_REFUSALS = {
    STAFF: "Only reviewers can do that.",
    MANAGER: "Only account managers (or admins) can do that.",
    CONTRACTOR: "Only the contractor who owns this lead can do that.",
}


def refuse(desk: Desk, session: Session, actor: Actor, request_id: int | None, action: str, why: str,
           *, tell: bool = True) -> Outcome:
    """Audit a refused attempt and tell the user ephemerally (in this transaction)."""
    now = desk.now()
    audit.record(session, request_id=request_id, at=now, actor=actor.user_id, surface=actor.surface,
                 action="refused", note=why, data={"attempted": action})
    if tell:
        outbox.enqueue(session, outbox.EPHEMERAL, now=now, request_id=request_id, user=actor.user_id,
                       channel=actor.channel_id or "", text=why)
    return Outcome(False, why, told=tell)


def tell_late(desk: Desk, actor: Actor, future) -> None:
    """A modal closed before its decision finished (a slow database): report a failure by DM.
    Refusals already queued their own ephemeral message."""
    outcome = None if future.exception() else future.result()
    if outcome is not None and (outcome.ok or outcome.told):
        return
    text = outcome.message if outcome is not None else "That did not go through; please try again."
    with desk.transaction() as session:
        outbox.enqueue(session, outbox.DM, now=desk.now(), user=actor.user_id, text=text)


def check_permission(desk: Desk, request_id: int, action: str, actor: Actor, *, tell: bool = True) -> Outcome:
    """May ``actor`` start ``action`` (e.g. before opening its modal)? Refusals are audited."""
    rule = _RULES[action]
    with desk.transaction() as session:
        req = session.get(CreditRequest, request_id)
        if req is None:
            return refuse(desk, session, actor, None, action, f"There is no request {request_ref(request_id)}.",
                          tell=tell)
        if not _allowed(session, rule.who, actor, req):
            return refuse(desk, session, actor, req.id, action, _REFUSALS[rule.who], tell=tell)
        if req.status not in _sources(rule, req):
            return refuse(desk, session, actor, req.id, action, _already(desk, req), tell=tell)
        return Outcome(True, "", req)


def _sources(rule: Rule, req: CreditRequest) -> tuple[str, ...]:
    if rule.target == APPROVED and rule.who == STAFF and not req.auto_decided:
        return (PENDING,)  # a reviewer overrides only the bot's own denials
    if rule.target == EXCEPTION and req.exception_outcome is not None:
        return ()  # one exception per request
    return rule.sources


def _already(desk: Desk, req: CreditRequest) -> str:
    if req.exception_outcome is not None and req.status == DENIED:
        return f"{request_ref(req.id)} already had its exception reviewed by {mention(req.decided_by)}."
    if req.status == PENDING:
        return f"{request_ref(req.id)} is still pending review."
    who = "automatically by the policy" if req.auto_decided and req.decided_by == "auto" else \
        f"by {mention(req.decided_by)}"
    return (f"{request_ref(req.id)} was already {STATUS_LABEL[req.status].lower()} {who} "
            f"on {when(req.decided_at, desk.tz)}.")


def transition(desk: Desk, request_id: int, action: str, actor: Actor, *, note: str | None = None,
               deny_reason: str | None = None) -> Outcome:
    """Apply ``action`` once. Twenty simultaneous clicks: one wins, the rest are told who decided."""
    rule = _RULES[action]
    now = desk.now()
    note = (note or "").strip() or None
    with desk.transaction() as session:
        req = session.get(CreditRequest, request_id)
        if req is None:
            return refuse(desk, session, actor, None, action, f"There is no request {request_ref(request_id)}.")
        if not _allowed(session, rule.who, actor, req):
            return refuse(desk, session, actor, req.id, action, _REFUSALS[rule.who])
        if action == "deny" and parse_reason(deny_reason or "") not in NON_CREDITABLE:
            return Outcome(False, "Choose a deny reason from the policy's list.")
        old = req.status
        values: dict = {"status": rule.target, "updated_at": now, "version": CreditRequest.version + 1}
        if rule.who in (STAFF, MANAGER):
            values |= {"decided_at": now, "decided_by": actor.user_id, "auto_decided": False,
                       "decision_note": note}
        if action == "deny":
            values["deny_reason"] = str(parse_reason(deny_reason))
        elif action == "request_exception":
            values |= {"exception_note": note, "exception_requested_at": now}
        elif action in ("grant_exception", "uphold_denial"):
            values["exception_outcome"] = "granted" if action == "grant_exception" else "upheld"
        won = session.execute(
            update(CreditRequest)
            .where(CreditRequest.id == req.id, CreditRequest.status.in_(_sources(rule, req)),
                   CreditRequest.version == req.version)
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount == 1
        session.refresh(req)
        if not won:
            return refuse(desk, session, actor, req.id, action, _already(desk, req))
        audit.record(session, request_id=req.id, at=now, actor=actor.user_id, surface=actor.surface,
                     action=action, old_status=old, new_status=req.status, note=note,
                     data={"deny_reason": req.deny_reason} if action == "deny" else {})
        _owe_messages(desk, session, req, rule, note, now)
        return Outcome(True, f"{request_ref(req.id)} is now {STATUS_LABEL[req.status].lower()}.", req)


def _owe_messages(desk: Desk, session: Session, req: CreditRequest, rule: Rule, note: str | None, now) -> None:
    shown_note = note if rule.target != EXCEPTION else None
    text, blocks = decision_reply(req, desk.tz, action=rule.contractor_message, note=shown_note)
    outbox.enqueue(session, outbox.CONTRACTOR_REPLY, now=now, request_id=req.id, text=text, blocks=blocks)
    outbox.enqueue(session, outbox.REVIEWER_SYNC, now=now, request_id=req.id)
    if rule.target == EXCEPTION or rule.who == MANAGER:
        outbox.enqueue(session, outbox.EXCEPTION_SYNC, now=now, request_id=req.id)
    desk.refresh_homes(session, [req.requested_by], staff=True)
