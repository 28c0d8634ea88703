"""Read what a surface shows, when it is sent: a request's ``Case`` for its messages, a
user's App Home, the digests. Short read transactions; never held across a Slack call."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.slack.render.home import MAX_QUEUE_ROWS, HomeData, HomeRow, QueueFilter, render_home
from bot.usecases.cases import Case, load_case
from bot.usecases.desk import Desk
from bot.usecases.desk_views import desk_overview, recent_decisions
from bot.usecases.people import roles_of
from policy.lifecycle import Role, Status
from policy.terms import SLA_LIMIT_DAYS
from policy.windows import PolicyCalendar
from storage.models import Client, CreditRequest, HomePrefs, Staff
from storage.queries import clients_for_user

DECIDERS = {Role.REVIEWER, Role.ADMIN}
EXCEPTION_HANDLERS = {Role.ACCOUNT_MANAGER, Role.ADMIN}
STAFF_DECIDERS = DECIDERS | EXCEPTION_HANDLERS  # their homes list their recent decisions


def case(desk: Desk, request_id: int) -> Case | None:
    with desk.read() as session:
        return load_case(session, request_id, calendar=desk.calendar, at=desk.now())


def admins(desk: Desk) -> list[str]:
    with desk.read() as session:
        return list(session.scalars(select(Staff.slack_user_id).where(Staff.role == Role.ADMIN.value)))


# What a home row shows: columns, not whole requests (details, findings and evidence are the
# bulk of a row and a home lists up to 40 of them).
ROW_COLUMNS = (CreditRequest.id, CreditRequest.lead_id, CreditRequest.reason, CreditRequest.status,
               CreditRequest.requested_at, CreditRequest.decided_at, CreditRequest.requested_by,
               CreditRequest.client_id, CreditRequest.claimed_by, CreditRequest.first_approval_by)


def _row(desk: Desk, req, names: dict[str, str], now) -> HomeRow:
    return HomeRow(
        request_id=req.id, lead_id=req.lead_id, reason=req.reason, status=req.status,
        requested_at=req.requested_at, decided_at=req.decided_at, requested_by=req.requested_by,
        client_name=names.get(req.client_id, req.client_id),
        age_business_days=desk.calendar.business_days_between(req.requested_at, now),
        claimed_by=req.claimed_by, first_approval_by=req.first_approval_by,
    )


def overdue_before(calendar: PolicyCalendar, now: datetime, days: float) -> datetime:
    """The latest request time that is at least ``days`` business days old at ``now``."""
    lo, hi = now - timedelta(days=days * 3 + 30), now
    while calendar.business_days_between(lo, now) < days:  # long holiday stretches
        lo -= timedelta(days=30)
    for _ in range(40):  # bisect to well under a second
        mid = lo + (hi - lo) / 2
        if calendar.business_days_between(mid, now) >= days:
            lo = mid
        else:
            hi = mid
    return lo


def queue_filter(session: Session, user_id: str) -> QueueFilter:
    pref = session.get(HomePrefs, user_id)
    try:
        return QueueFilter(pref.queue_filter) if pref else QueueFilter.ALL
    except ValueError:
        return QueueFilter.ALL


def _queue(session: Session, desk: Desk, user_id: str, now, chosen: QueueFilter):
    where = [CreditRequest.status == Status.PENDING]
    if chosen is QueueFilter.MINE:
        where.append(CreditRequest.claimed_by == user_id)
    elif chosen is QueueFilter.UNCLAIMED:
        where.append(CreditRequest.claimed_by.is_(None))
    elif chosen is QueueFilter.OVERDUE:
        where.append(CreditRequest.requested_at <= overdue_before(desk.calendar, now, SLA_LIMIT_DAYS))
    total = session.scalar(select(func.count()).select_from(CreditRequest).where(*where))
    oldest = list(session.execute(select(*ROW_COLUMNS).where(*where).order_by(CreditRequest.requested_at,
                                                                              CreditRequest.id).limit(MAX_QUEUE_ROWS)))
    names = dict(session.execute(select(Client.client_id, Client.name)
                                 .where(Client.client_id.in_({r.client_id for r in oldest}))).all())
    return [_row(desk, r, names, now) for r in oldest], total


def managed_client_ids(user_id: str):
    """The clients whose exceptions this account manager may decide: their own, and those with
    no account manager on file (any account manager handles those, as the lifecycle says)."""
    return select(Client.client_id).where(or_(Client.account_manager_user_id == user_id,
                                              Client.account_manager_user_id.is_(None),
                                              Client.account_manager_user_id == ""))


def home_view(session: Session, desk: Desk, user_id: str) -> dict:
    now = desk.now()
    clients = clients_for_user(session, user_id)
    client_ids = [c.client_id for c in clients]
    data = HomeData(user_id=user_id, client_names=[c.name for c in clients])
    names = {c.client_id: c.name for c in clients}
    if client_ids:
        mine = (CreditRequest.client_id.in_(client_ids))
    else:
        mine = CreditRequest.requested_by == user_id
    data.status_counts = dict(session.execute(
        select(CreditRequest.status, func.count()).where(mine).group_by(CreditRequest.status)).all())
    data.total_requests = sum(data.status_counts.values())
    latest = session.execute(select(*ROW_COLUMNS).where(mine).order_by(CreditRequest.id.desc()).limit(40))
    data.my_requests = [_row(desk, r, names, now) for r in latest]
    roles = roles_of(session, user_id)
    if roles & DECIDERS:
        data.queue_filter = queue_filter(session, user_id)
        data.queue, data.queue_total = _queue(session, desk, user_id, now, data.queue_filter)
    if roles & STAFF_DECIDERS:
        data.decisions = recent_decisions(session, user_id)
    if Role.ADMIN in roles:
        data.overview = desk_overview(session, desk.calendar, now)
    if roles & EXCEPTION_HANDLERS:
        where = [CreditRequest.status == Status.EXCEPTION]
        if Role.ADMIN not in roles:
            where.append(CreditRequest.client_id.in_(managed_client_ids(user_id)))
        exc = list(session.execute(select(*ROW_COLUMNS).where(*where)
                                   .order_by(CreditRequest.exception_requested_at).limit(50)))
        all_names = dict(session.execute(select(Client.client_id, Client.name)
                                         .where(Client.client_id.in_({r.client_id for r in exc}))).all())
        data.exceptions = [_row(desk, r, all_names, now) for r in exc]
    return render_home(data, desk.tz)


def open_queue(desk: Desk, at: datetime) -> list[tuple[int, str, float]]:
    """(request id, lead id, business days pending) for the daily digest, oldest first."""
    with desk.read() as session:
        pending = list(session.execute(select(CreditRequest.id, CreditRequest.lead_id, CreditRequest.requested_at)
                                       .where(CreditRequest.status == Status.PENDING)
                                       .order_by(CreditRequest.requested_at)))
    return [(rid, lead, desk.calendar.business_days_between(requested, at)) for rid, lead, requested in pending]
