"""Refund Status without the App Home: a contractor's requests, newest first (for
``/credit-request status``, which Slack Connect users of another org can always use)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from bot.usecases.desk import Desk
from bot.usecases.people import clients_spoken_for
from storage.models import CreditRequest

SHOWN = 20


@dataclass(frozen=True)
class StatusRow:
    request_id: int
    lead_id: str
    status: str
    changed_at: datetime


@dataclass(frozen=True)
class StatusList:
    rows: list[StatusRow]
    total: int
    counts: dict[str, int]
    linked: bool  # the user speaks for a client


def requests_of(desk: Desk, user_id: str, channel_id: str | None) -> StatusList:
    """The requests of the clients this user speaks for (from ``channel_id``), and their own."""
    with desk.read() as session:
        clients = [c.client_id for c in clients_spoken_for(session, user_id, channel_id)]
        mine = or_(CreditRequest.client_id.in_(clients), CreditRequest.requested_by == user_id) if clients \
            else CreditRequest.requested_by == user_id
        counts = dict(session.execute(select(CreditRequest.status, func.count()).where(mine)
                                      .group_by(CreditRequest.status)).all())
        rows = [StatusRow(r.id, r.lead_id, r.status, r.updated_at) for r in session.execute(
            select(CreditRequest.id, CreditRequest.lead_id, CreditRequest.status, CreditRequest.updated_at)
            .where(mine).order_by(CreditRequest.id.desc()).limit(SHOWN))]
    return StatusList(rows=rows, total=sum(counts.values()), counts=counts, linked=bool(clients))
