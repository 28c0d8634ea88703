"""Reviewer ⇄ contractor conversation in the request's threads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.slack.render.blocks import context, section
from bot.slack.render.text import mention, quote, request_ref
from bot.usecases import audit, outbox
from bot.usecases.decisions import Actor, Outcome, refuse
from bot.usecases.desk import Desk
from bot.usecases.staffing import MAY_DECIDE, has_any
from storage.models import OPEN_STATUSES, CreditRequest, ProcessedEvent, RequestMessage


def _askable(desk: Desk, session, request_id: int, actor: Actor) -> Outcome:
    req = session.get(CreditRequest, request_id)
    if req is None:
        return refuse(desk, session, actor, None, "request_info", f"There is no request {request_ref(request_id)}.")
    if not has_any(session, actor.user_id, MAY_DECIDE):
        return refuse(desk, session, actor, req.id, "request_info", "Only reviewers can do that.")
    if req.status not in OPEN_STATUSES:
        return refuse(desk, session, actor, req.id, "request_info",
                      f"{request_ref(req.id)} is already decided; there is nothing to ask.")
    return Outcome(True, "", req)


def may_ask(desk: Desk, request_id: int, actor: Actor) -> Outcome:
    """May ``actor`` open the question modal? Refusals are audited and told ephemerally."""
    with desk.transaction() as session:
        return _askable(desk, session, request_id, actor)


def request_info(desk: Desk, request_id: int, actor: Actor, question: str) -> Outcome:
    """A reviewer asks the contractor a question; it is posted in the contractor's thread."""
    question = (question or "").strip()
    if not question:
        return Outcome(False, "Write the question for the contractor.")
    now = desk.now()
    with desk.transaction() as session:
        allowed = _askable(desk, session, request_id, actor)
        if not allowed.ok:
            return allowed
        req = allowed.request
        if req.info_requested_at is None:
            req.info_requested_at = now
        session.add(RequestMessage(request_id=req.id, at=now, author=actor.user_id, direction="to_contractor",
                                   text=question))
        audit.record(session, request_id=req.id, at=now, actor=actor.user_id, surface=actor.surface,
                     action="info_requested", old_status=req.status, new_status=req.status, note=question)
        text = f":speech_balloon: A reviewer has a question about lead {req.lead_id}"
        blocks = [section(f"{text}:\n{quote(question)}"),
                  context("Reply in this thread; the reviewer sees your answer. "
                          "The review clock waits for you meanwhile.")]
        outbox.enqueue(session, outbox.CONTRACTOR_REPLY, now=now, request_id=req.id, text=text, blocks=blocks)
        outbox.enqueue(session, outbox.REVIEWER_REPLY, now=now, request_id=req.id,
                       text=f"{mention(actor.user_id)} asked the contractor:\n{quote(question)}")
        return Outcome(True, "Your question was posted in the contractor's thread.", req)


def contractor_replied(desk: Desk, *, event_id: str | None, channel: str, thread_ts: str, user: str,
                       text: str, ts: str) -> bool:
    """Mirror a human reply in a contractor thread to the reviewer thread (once per event)."""
    now = desk.now()
    try:
        with desk.transaction() as session:
            req = session.scalar(select(CreditRequest).where(
                CreditRequest.contractor_channel_id == channel, CreditRequest.contractor_ts == thread_ts))
            if req is None:
                return False
            if event_id:
                session.add(ProcessedEvent(event_id=event_id, received_at=now))
                session.flush()
            session.add(RequestMessage(request_id=req.id, at=now, author=user, direction="from_contractor",
                                       text=text, slack_ts=ts))
            waited = None
            if req.info_requested_at is not None:
                waited = (now - req.info_requested_at).total_seconds()
                req.info_wait_seconds = (req.info_wait_seconds or 0.0) + max(waited, 0.0)
                req.info_requested_at = None
            audit.record(session, request_id=req.id, at=now, actor=user, surface=audit.SURFACE_EVENT,
                         action="contractor_replied", old_status=req.status, new_status=req.status,
                         note=text, data={"ts": ts, "waited_seconds": waited})
            outbox.enqueue(session, outbox.REVIEWER_REPLY, now=now, request_id=req.id,
                           text=f"{mention(user)} replied in the contractor thread:\n{quote(text)}")
            return True
    except IntegrityError:
        return False  # Slack retried an event we already handled
