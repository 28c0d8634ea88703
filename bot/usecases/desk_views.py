"""What staff homes show besides the queue: a person's recent decisions, and the desk at a
glance for admins (requests by status, the oldest still waiting). Read-only queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policy.lifecycle import Action, Status
from policy.windows import PolicyCalendar
from storage.models import CreditRequest, RequestEvent

# The steps a person decides (the policy's own decisions and the contractor's asks are not theirs).
DECISIONS = (Action.APPROVE, Action.DENY, Action.REVERSE, Action.GRANT_EXCEPTION, Action.UPHOLD_DENIAL,
             Action.FIRST_APPROVE, Action.FIRST_REVERSE)
RECENT_DECISIONS = 10


@dataclass(frozen=True)
class Decided:
    request_id: int
    lead_id: str
    action: str
    at: datetime
    deny_reason: str | None = None


@dataclass
class DeskOverview:
    status_counts: dict[str, int] = field(default_factory=dict)
    oldest_pending_id: int | None = None
    oldest_pending_age: float | None = None  # business days


def recent_decisions(session: Session, user_id: str, limit: int = RECENT_DECISIONS) -> list[Decided]:
    """The last ``limit`` decisions this person took, newest first."""
    rows = session.execute(
        select(RequestEvent.request_id, CreditRequest.lead_id, RequestEvent.action, RequestEvent.at,
               RequestEvent.data)
        .join(CreditRequest, CreditRequest.id == RequestEvent.request_id)
        .where(RequestEvent.actor == user_id, RequestEvent.action.in_([a.value for a in DECISIONS]))
        .order_by(RequestEvent.id.desc()).limit(limit))
    return [Decided(request_id=rid, lead_id=lead, action=action, at=at,
                    deny_reason=(data or {}).get("deny_reason") if action == Action.DENY else None)
            for rid, lead, action, at, data in rows]


def desk_overview(session: Session, calendar: PolicyCalendar, now: datetime) -> DeskOverview:
    counts = dict(session.execute(select(CreditRequest.status, func.count()).group_by(CreditRequest.status)).all())
    oldest = session.execute(select(CreditRequest.id, CreditRequest.requested_at)
                             .where(CreditRequest.status == Status.PENDING)
                             .order_by(CreditRequest.requested_at, CreditRequest.id).limit(1)).first()
    overview = DeskOverview(status_counts=counts)
    if oldest is not None:
        overview.oldest_pending_id = oldest.id
        overview.oldest_pending_age = calendar.business_days_between(oldest.requested_at, now)
    return overview
