"""The SLA clock: reminders, escalations and breach alerts for requests still pending
(``policy.terms.SLA_NOTICES``), and a daily digest of the open queue. Each notice is a
row whose primary key makes it go out once, however many replicas sweep at once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.usecases import audit, outbox
from bot.usecases.desk import Desk
from policy.lifecycle import SYSTEM_ACTOR, Status
from policy.terms import SLA_NOTICES
from storage.models import CreditRequest, ProcessedEvent, ScheduledPost, SlaNotice

log = logging.getLogger("credit_bot.sla")

DIGEST_AT = time(9, 0)  # daily and weekly digests go out from 9:00 policy time


@dataclass(frozen=True)
class Notice:
    request_id: int
    kind: str
    age: float


def sweep(desk: Desk, at: datetime) -> list[Notice]:
    """Send every reminder, escalation and breach alert due at ``at`` that was not sent yet."""
    with desk.read() as session:
        pending = list(session.scalars(select(CreditRequest).where(CreditRequest.status == Status.PENDING)
                                       .order_by(CreditRequest.requested_at)))
    sent: list[Notice] = []
    for req in pending:
        age = desk.calendar.business_days_between(req.requested_at, at)
        for kind, days in SLA_NOTICES:
            if age < days:
                break
            if _send_once(desk, req, kind, age, at):
                sent.append(Notice(req.id, kind, age))
    return sent


def _send_once(desk: Desk, req: CreditRequest, kind: str, age: float, at: datetime) -> bool:
    try:
        with desk.transaction() as session:
            current = session.get(CreditRequest, req.id)
            if current is None or current.status != Status.PENDING:
                return False
            session.add(SlaNotice(request_id=req.id, kind=kind, sent_at=at))
            session.flush()
            outbox.enqueue(session, outbox.REVIEWER_REPLY, now=desk.now(), request_id=req.id,
                           sla=kind, age=round(age, 2))
            audit.record(session, request_id=req.id, at=desk.now(), actor=SYSTEM_ACTOR,
                         surface=audit.Surface.SCHEDULER, action=audit.sla_event(kind),
                         old_status=Status.PENDING, new_status=Status.PENDING,
                         data={"business_days": round(age, 2), "as_of": at.isoformat()})
            return True
    except IntegrityError:
        return False  # another sweep (or replica) sent it


def post_once(desk: Desk, key: str, sent_at: datetime, **payload) -> bool:
    """Owe one periodic post to the reviewer channel, once per ``key`` across replicas."""
    channel = desk.settings.reviewer_channel_id
    if not channel:
        return False
    try:
        with desk.transaction() as session:
            session.add(ScheduledPost(key=key, sent_at=sent_at))
            session.flush()
            outbox.enqueue(session, outbox.CHANNEL_POST, now=desk.now(), channel=channel, **payload)
            return True
    except IntegrityError:
        return False


def digest(desk: Desk, at: datetime) -> bool:
    """Post the open queue to reviewers once per business day, from 9:00 policy time."""
    local = at.astimezone(desk.tz)
    if local.time() < DIGEST_AT or not desk.calendar.is_business_day(local.date()):
        return False
    return post_once(desk, f"digest:{local.date().isoformat()}", at, digest="daily", at=at.isoformat())


def weekly_digest(desk: Desk, at: datetime) -> bool:
    """On Mondays from 9:00 policy time, post the previous ISO week's report (Monday 00:00
    to Monday 00:00, policy time) to the reviewer channel, once per ISO week however many
    replicas try."""
    local = at.astimezone(desk.tz)
    if local.weekday() != 0 or local.time() < DIGEST_AT:
        return False
    year, week, _ = local.date().isocalendar()
    until = desk.calendar.day_start(local.date())
    since = desk.calendar.day_start(local.date() - timedelta(days=7))
    return post_once(desk, f"weekly:{year}-W{week:02d}", at, report="weekly", since=since.isoformat(),
                     until=until.isoformat(), at=at.isoformat())


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
