"""People acting on a request — approve, deny, reverse, ask for an exception, grant or
uphold it, claim it — each through ``transition.apply`` (the one lifecycle path), in one
transaction. ``policy.lifecycle`` decides who may do what."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.usecases import audit, outbox
from bot.usecases.audit import Event
from bot.usecases.cases import client_facts, credited_elsewhere, exception_asker, state_of
from bot.usecases.desk import Desk
from bot.usecases.people import viewer
from bot.usecases.results import NO_REQUEST, Refusal, Result, refusal_about
from bot.usecases.transition import apply
from policy.action_inputs import input_problems
from policy.dual_control import step_for
from policy.lifecycle import Action, Need, refusal
from policy.reasons import NON_CREDITABLE, parse_reason
from storage.models import CreditRequest, Lead

_DENY_CODES = frozenset(str(code) for code in NON_CREDITABLE)


@dataclass(frozen=True)
class Actor:
    user_id: str
    surface: str
    channel_id: str | None = None


def refuse(desk: Desk, session: Session, actor: Actor, refusal_: Refusal, *, tell: bool = True,
           note: str | None = None) -> Result:
    """Audit a refused attempt and (with ``tell``) owe the person an ephemeral saying why."""
    now = desk.now()
    audit.record(session, request_id=refusal_.request_id, at=now, actor=actor.user_id, surface=actor.surface,
                 action=Event.REFUSED, note=note or refusal_.why,
                 data={"attempted": refusal_.action, "why": refusal_.why})
    if tell:
        outbox.enqueue(session, outbox.EPHEMERAL, now=now, request_id=refusal_.request_id, user=actor.user_id,
                       channel=actor.channel_id or "", refusal=refusal_.to_payload())
    return Result(False, refusal=refusal_, told=tell)


def dual_control(desk: Desk, session: Session, req: CreditRequest) -> bool:
    """Does approving or reversing this request take two people (SECOND_APPROVAL_OVER)?"""
    if desk.settings.second_approval_over is None:
        return False
    return desk.settings.needs_two(session.scalar(select(Lead.price).where(Lead.lead_id == req.lead_id)))


def step(desk: Desk, session: Session, req: CreditRequest | None, action: Action) -> Action:
    """The lifecycle step a person's ``action`` is on the request as it stands (dual control)."""
    if req is None or action not in (Action.APPROVE, Action.REVERSE):
        return action
    return step_for(action, state_of(req, None, None, dual_control=dual_control(desk, session, req)))


def judge(desk: Desk, session: Session, req: CreditRequest | None, action: Action, actor: Actor,
           request_id: int, tell: bool) -> Result | None:
    """A refusal when ``actor`` may not take ``action`` now; None when they may."""
    if req is None:
        return refuse(desk, session, actor, Refusal(NO_REQUEST, action, request_id=request_id), tell=tell)
    _, manager, _ = client_facts(session, req.client_id)
    crediting = (Action.APPROVE, Action.FIRST_APPROVE, Action.GRANT_EXCEPTION)
    other = credited_elsewhere(session, req) if action in crediting else None
    asker = exception_asker(session, req) if action in (Action.GRANT_EXCEPTION, Action.UPHOLD_DENIAL) else None
    state = state_of(req, manager, other, exception_asked_by=asker, dual_control=dual_control(desk, session, req))
    why = refusal(action, state, viewer(session, actor.user_id, actor.channel_id, req.client_id))
    if why is None:
        return None
    return refuse(desk, session, actor, refusal_about(session, req, why, action, manager=manager,
                                                      credited_on=other), tell=tell)


def check(desk: Desk, request_id: int, action: Action, actor: Actor, *, tell: bool = True) -> Result:
    """May ``actor`` start ``action`` now (before its modal opens)? Refusals are audited and told."""
    with desk.transaction() as session:
        req = session.get(CreditRequest, request_id)
        refused = judge(desk, session, req, step(desk, session, req, action), actor, request_id, tell)
        return refused or Result(True, req)


def act(desk: Desk, request_id: int, action: Action, actor: Actor, *, note: str | None = None,
        deny_reason: str | None = None, tell: bool = True) -> Result:
    """Take ``action`` once. Twenty simultaneous clicks: one wins, the rest are told who did.

    Missing or malformed inputs (a required note, the deny reason) come back as ``problems``
    for the modal's fields, audited, with nothing changed."""
    now = desk.now()
    note = (note or "").strip() or None
    code = parse_reason(deny_reason or "")
    problems = input_problems(action, note=note, deny_reason=str(code) if code else "", deny_reasons=_DENY_CODES)
    with desk.transaction() as session:
        req = session.get(CreditRequest, request_id)
        refused = judge(desk, session, req, step(desk, session, req, action), actor, request_id, tell)
        if refused is not None:
            return refused
        if problems:
            audit.record(session, request_id=req.id, at=now, actor=actor.user_id, surface=actor.surface,
                         action=Event.REFUSED, note="; ".join(f"{k} {v}" for k, v in problems.items()),
                         data={"attempted": str(action), "why": "input", "problems": problems})
            return Result(False, req, problems={str(k): v for k, v in problems.items()})
        return take(desk, session, req, action, actor, request_id=request_id, tell=tell, note=note,
                    deny_reason=str(code) if action is Action.DENY else None)


def take(desk: Desk, session: Session, req: CreditRequest, action: Action, actor: Actor, *, request_id: int,
         tell: bool, note: str | None = None, deny_reason: str | None = None) -> Result:
    """A person's step through the one lifecycle path, once allowed: a claim or question
    bumping the version meanwhile is no reason to refuse; someone else deciding first is."""
    for _ in range(3):
        now_step = step(desk, session, req, action)  # a second approval may have become due meanwhile
        if now_step is not action:
            refused = judge(desk, session, req, now_step, actor, request_id, tell)
            if refused is not None:
                return refused
        if apply(desk, session, req, now_step, actor=actor.user_id, surface=actor.surface, now=desk.now(),
                 note=note, deny_reason=deny_reason) is not None:
            return Result(True, req, step=now_step)
        refused = judge(desk, session, req, step(desk, session, req, action), actor, request_id, tell)
        if refused is not None:  # someone else acted first: they are named
            return refused
    return refuse(desk, session, actor, refusal_about(session, req, "busy", action), tell=tell)


def note_problem(problems: dict[str, str]) -> str | None:
    """The problem with the note, if any (for modals whose only input is the note)."""
    return problems.get(Need.NOTE.value)
