"""The SLA clock: reminders at 3 business days pending, an escalation at 5, a breach
alert at 7, and a daily digest of the open queue. Each notice is a row whose primary
key makes it go out once, however many replicas sweep at the same moment."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.slack.render.text import mention, request_ref, when
from bot.usecases import audit, outbox
from bot.usecases.desk import Desk
from bot.usecases.reports import DIGEST_AT, weekly_digest
from storage.models import ADMIN, PENDING, CreditRequest, ProcessedEvent, SlaNotice, Staff

log = logging.getLogger("credit_bot.sla")

THRESHOLDS = ((3, "reminder"), (5, "escalation"), (7, "breach"))


@dataclass(frozen=True)
class Notice:
    request_id: int
    kind: str
    age: float


def _text(kind: str, req: CreditRequest, age: float, admins: list[str], desk: Desk) -> str:
    ref = f"{request_ref(req.id)} (lead {req.lead_id})"
    waiting = ""
    if req.info_requested_at is not None:
        waiting = f" Waiting on the contractor since {when(req.info_requested_at, desk.tz)}."
    elif req.info_wait_seconds:
        waiting = f" The contractor took {req.info_wait_seconds / 3600:.1f} h to answer questions."
    if kind == "reminder":
        return f":alarm_clock: Reminder: {ref} has been pending {age:.1f} business days.{waiting}"
    if kind == "escalation":
        return (f":warning: Escalation: {ref} has been pending {age:.1f} business days; "
                f"the 5–7 business-day target is here.{waiting}")
    who = " ".join(mention(a) for a in admins) or "Reviewers"
    return (f":rotating_light: SLA breach: {ref} has been pending {age:.1f} business days, past the 7-day "
            f"target. {who}, please decide it today.{waiting}")


def sweep(desk: Desk, at: datetime) -> list[Notice]:
    """Send every reminder, escalation and breach alert due at ``at`` that was not sent yet."""
    with desk.read() as session:
        pending = list(session.scalars(select(CreditRequest).where(CreditRequest.status == PENDING)
                                       .order_by(CreditRequest.requested_at)))
        admins = list(session.scalars(select(Staff.slack_user_id).where(Staff.role == ADMIN)))
    sent: list[Notice] = []
    for req in pending:
        age = desk.calendar.business_days_between(req.requested_at, at)
        for days, kind in THRESHOLDS:
            if age < days:
                break
            if _send_once(desk, req, kind, age, admins, at):
                sent.append(Notice(req.id, kind, age))
    return sent


def _send_once(desk: Desk, req: CreditRequest, kind: str, age: float, admins: list[str], at: datetime) -> bool:
    try:
        with desk.transaction() as session:
            current = session.get(CreditRequest, req.id)
            if current is None or current.status != PENDING:
                return False
            session.add(SlaNotice(request_id=req.id, kind=kind, sent_at=at))
            session.flush()
            text = _text(kind, current, age, admins, desk)
            outbox.enqueue(session, outbox.REVIEWER_REPLY, now=desk.now(), request_id=req.id, text=text,
                           broadcast=kind != "reminder")
            audit.record(session, request_id=req.id, at=desk.now(), actor="system", surface=audit.SURFACE_SCHEDULER,
                         action=f"sla_{kind}", old_status=PENDING, new_status=PENDING,
                         data={"business_days": round(age, 2), "as_of": at.isoformat()})
            return True
    except IntegrityError:
        return False  # another sweep (or replica) sent it


def digest(desk: Desk, at: datetime) -> bool:
    """Post the open queue to reviewers once per business day, from 9:00 policy time."""
    local = at.astimezone(desk.tz)
    if local.time() < DIGEST_AT or not desk.calendar.is_business_day(local.date()):
        return False
    channel = desk.settings.reviewer_channel_id
    if not channel:
        return False
    try:
        with desk.transaction() as session:
            session.add(SlaNotice(request_id=0, kind=f"digest:{local.date().isoformat()}", sent_at=at))
            session.flush()
            pending = list(session.scalars(select(CreditRequest).where(CreditRequest.status == PENDING)
                                           .order_by(CreditRequest.requested_at)))
            lines = [f"• {request_ref(r.id)} lead {r.lead_id}: "
                     f"{desk.calendar.business_days_between(r.requested_at, at):.1f} business days"
                     for r in pending[:30]]
            more = f"\n…and {len(pending) - 30} more" if len(pending) > 30 else ""
            text = (f":clipboard: Daily queue, {local.strftime('%a %b %-d')}: {len(pending)} open request(s)."
                    + ("\n" + "\n".join(lines) + more if lines else " Nothing waiting."))
            outbox.enqueue(session, outbox.CHANNEL_POST, now=desk.now(), channel=channel, text=text)
            return True
    except IntegrityError:
        return False


KEEP_DELIVERED = timedelta(days=7)
KEEP_EVENT_IDS = timedelta(days=2)  # Slack retries an event for minutes, not days


def housekeeping(desk: Desk, at: datetime) -> None:
    """Trim bookkeeping that only matters for a while: delivered outbox rows, seen event ids."""
    with desk.transaction() as session:
        outbox.prune(session, before=at - KEEP_DELIVERED)
        session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < at - KEEP_EVENT_IDS))


def run_once(desk: Desk) -> None:
    at = desk.now()
    try:
        sweep(desk, at)
        digest(desk, at)
        weekly_digest(desk, at)
        housekeeping(desk, at)
    except Exception:  # noqa: BLE001 - the next run tries again
        log.exception("SLA sweep failed")


def start_scheduler(desk: Desk, minutes: float = 5.0) -> BackgroundScheduler:
    """In-process APScheduler with a memory job store: each replica sweeps on its own,
    and the notice rows keep them from sending anything twice."""
    scheduler = BackgroundScheduler(timezone=desk.tz)
    scheduler.add_job(run_once, "interval", args=[desk], minutes=minutes, id="sla_sweep",
                      next_run_time=desk.now(), coalesce=True, max_instances=1)
    scheduler.start()
    return scheduler
