"""Render Slack surfaces from the current state (used when a "sync" delivery is sent,
so a late or retried delivery always shows the newest state)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.slack.render.home import HomeData, HomeRow, render_home
from bot.slack.render.messages import exception_message, reviewer_message
from bot.slack.render.text import mention
from bot.usecases import audit
from bot.usecases.desk import Desk
from bot.usecases.staffing import MAY_DECIDE, MAY_HANDLE_EXCEPTIONS
from storage.models import EXCEPTION, PENDING, Client, CreditRequest, Lead
from storage.queries import clients_for_user, roles_of

TRAIL_WORDS = {
    "filed": "filed", "auto_approved": "auto-approved", "auto_denied": "auto-denied", "approve": "approved",
    "deny": "denied", "reverse": "reversed", "request_exception": "exception asked",
    "grant_exception": "exception granted", "uphold_denial": "denial upheld", "info_requested": "info asked",
    "contractor_replied": "contractor replied", "refused": "refused",
}


def trail(session: Session, desk: Desk, req: CreditRequest) -> str:
    events = audit.history(session, req.id)
    steps = []
    for e in events[-8:]:
        word = TRAIL_WORDS.get(e.action, e.action)
        who = "" if e.actor in ("auto", "system") else f" {mention(e.actor)}"
        steps.append(f"{word}{who} {e.at.astimezone(desk.tz).strftime('%b %-d %H:%M')}")
    more = f"{len(events) - 8} earlier · " if len(events) > 8 else ""
    return f"History: {more}" + " → ".join(steps) + f" · full trail: `credit-bot history {req.id}`"


def _client_name(session: Session, client_id: str) -> tuple[str, str | None]:
    client = session.get(Client, client_id)
    return (client.name, client.account_manager_user_id) if client else (client_id, None)


def reviewer_post(session: Session, desk: Desk, req: CreditRequest) -> tuple[str, list[dict]]:
    name, _ = _client_name(session, req.client_id)
    return reviewer_message(req, session.get(Lead, req.lead_id), name, desk.tz, trail(session, desk, req))


def exception_post(session: Session, desk: Desk, req: CreditRequest) -> tuple[str, list[dict]]:
    name, manager = _client_name(session, req.client_id)
    return exception_message(req, name, manager, desk.tz)


def _row(desk: Desk, req: CreditRequest, names: dict[str, str], now) -> HomeRow:
    return HomeRow(
        request_id=req.id, lead_id=req.lead_id, reason=req.reason, status=req.status,
        requested_at=req.requested_at, decided_at=req.decided_at, requested_by=req.requested_by,
        client_name=names.get(req.client_id, req.client_id),
        age_business_days=desk.calendar.business_days_between(req.requested_at, now),
    )


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
    latest = session.scalars(select(CreditRequest).where(mine).order_by(CreditRequest.id.desc()).limit(40))
    data.my_requests = [_row(desk, r, names, now) for r in latest]
    roles = roles_of(session, user_id)
    if roles & (MAY_DECIDE | MAY_HANDLE_EXCEPTIONS):
        all_names = dict(session.execute(select(Client.client_id, Client.name)).all())
        queue = session.scalars(select(CreditRequest).where(CreditRequest.status == PENDING)
                                .order_by(CreditRequest.requested_at).limit(100))
        data.queue = [_row(desk, r, all_names, now) for r in queue]
        if roles & MAY_HANDLE_EXCEPTIONS:
            exc = session.scalars(select(CreditRequest).where(CreditRequest.status == EXCEPTION)
                                  .order_by(CreditRequest.exception_requested_at).limit(50))
            data.exceptions = [_row(desk, r, all_names, now) for r in exc]
    return render_home(data, desk.tz)
