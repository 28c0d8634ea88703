"""Reviewer ⇄ contractor conversation in the request's threads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.usecases import audit, evidence, outbox
from bot.usecases.audit import Event
from bot.usecases.decisions import Actor, check, judge, take
from bot.usecases.desk import Desk
from bot.usecases.evidence import EvidenceFile
from bot.usecases.people import speaks_for
from bot.usecases.results import Result
from policy.action_inputs import input_problems
from policy.lifecycle import Action, Need
from storage.models import CreditRequest, DuplicatePost, ProcessedEvent, RequestMessage


def may_ask(desk: Desk, request_id: int, actor: Actor) -> Result:
    """May ``actor`` open the question modal? Refusals are audited and told ephemerally."""
    return check(desk, request_id, Action.REQUEST_INFO, actor)


def request_info(desk: Desk, request_id: int, actor: Actor, question: str, *, tell: bool = True) -> Result:
    """A reviewer asks the contractor a question; it is posted in the contractor's thread."""
    question = (question or "").strip()
    problems = input_problems(Action.REQUEST_INFO, note=question)
    now = desk.now()
    with desk.transaction() as session:
        req = session.get(CreditRequest, request_id)
        refused = judge(desk, session, req, Action.REQUEST_INFO, actor, request_id, tell)
        if refused is not None:
            return refused
        if problems:
            return Result(False, req, problems={"question": problems[Need.NOTE]})
        taken = take(desk, session, req, Action.REQUEST_INFO, actor, request_id=request_id, tell=tell,
                     note=question)
        if not taken.ok:
            return taken
        msg = RequestMessage(request_id=req.id, at=now, author=actor.user_id, direction="to_contractor",
                             text=question)
        session.add(msg)
        session.flush()
        outbox.enqueue(session, outbox.CONTRACTOR_REPLY, now=now, request_id=req.id, message_id=msg.id)
        outbox.enqueue(session, outbox.REVIEWER_REPLY, now=now, request_id=req.id, message_id=msg.id)
        return Result(True, req)


def receipt_thread(session: Session, channel: str, thread_ts: str) -> int | None:
    """The request whose receipt post starts this thread, if any (indexed look-ups only). A
    receipt posted twice after a crash: its copy's thread still counts."""
    if not channel or not thread_ts:
        return None
    found = session.scalar(select(CreditRequest.id).where(
        CreditRequest.contractor_ts == thread_ts, CreditRequest.contractor_channel_id == channel).limit(1))
    if found is None:
        copy = session.get(DuplicatePost, (channel, thread_ts))
        found = copy.request_id if copy is not None and copy.kind == outbox.RECEIPT_SYNC else None
    return found


def contractor_replied(desk: Desk, *, event_id: str | None, channel: str, thread_ts: str, user: str,
                       text: str, ts: str, files: tuple[EvidenceFile, ...] = ()) -> bool:
    """Mirror a reply in a receipt thread to the reviewer thread (once per event), when it
    comes from the client's own people; anyone else's reply stays where it was written.
    Files shared with it join the request's evidence."""
    now = desk.now()
    try:
        with desk.transaction() as session:
            request_id = receipt_thread(session, channel, thread_ts)
            req = session.get(CreditRequest, request_id) if request_id is not None else None
            if req is None:
                return False
            if user != req.requested_by and not speaks_for(session, user, channel, req.client_id):
                return False
            if event_id:
                session.add(ProcessedEvent(event_id=event_id, received_at=now))
                session.flush()
            added = evidence.attach(session, req, files, user=user, at=now, source=evidence.THREAD,
                                    surface=audit.Surface.EVENT)
            shown = text
            if added:
                shown = (text + "\n" if text else "") + "Evidence: " + ", ".join(f.name for f in added)
            msg = RequestMessage(request_id=req.id, at=now, author=user, direction="from_contractor",
                                 text=shown, slack_ts=ts)
            session.add(msg)
            waited = None
            if req.info_requested_at is not None:
                waited = (now - req.info_requested_at).total_seconds()
                req.info_wait_seconds = (req.info_wait_seconds or 0.0) + max(waited, 0.0)
                req.info_requested_at = None
            audit.record(session, request_id=req.id, at=now, actor=user, surface=audit.Surface.EVENT,
                         action=Event.CONTRACTOR_REPLIED, old_status=req.status, new_status=req.status,
                         note=text, data={"ts": ts, "waited_seconds": waited})
            session.flush()
            outbox.enqueue(session, outbox.REVIEWER_REPLY, now=now, request_id=req.id, message_id=msg.id)
            if added:
                outbox.enqueue(session, outbox.REVIEWER_SYNC, now=now, request_id=req.id)
            return True
    except IntegrityError:
        return False  # Slack retried an event we already handled
