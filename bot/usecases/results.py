"""What a use case answers: done, or refused with the facts a person needs to understand
why. The words are chosen where messages are rendered (the Slack adapter); a refusal
travels in an outbox row as plain data, so it reads the same whenever it is sent."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from policy.lifecycle import TRANSITIONS
from storage.models import CreditRequest, RequestEvent

NO_REQUEST = "no_request"  # a refusal ``why`` beside the lifecycle's own


@dataclass(frozen=True)
class Refusal:
    why: str  # policy.lifecycle.Why, or NO_REQUEST
    action: str
    request_id: int | None = None
    lead_id: str | None = None
    status: str | None = None
    last_action: str | None = None  # the latest status change: what, who, when (ISO 8601)
    last_actor: str | None = None
    last_at: str | None = None
    asked_by: str | None = None  # the exception, when one was asked
    asked_at: str | None = None
    manager: str | None = None  # the client's account manager
    credited_on: int | None = None  # the other request that credited the lead

    def to_payload(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_payload(cls, data: dict) -> Refusal:
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def last_time(self) -> datetime | None:
        return datetime.fromisoformat(self.last_at) if self.last_at else None

    @property
    def asked_time(self) -> datetime | None:
        return datetime.fromisoformat(self.asked_at) if self.asked_at else None


def refusal_about(session: Session, req: CreditRequest | None, why: str, action: str, *,
                  manager: str | None = None, credited_on: int | None = None,
                  request_id: int | None = None) -> Refusal:
    """A refusal carrying what the person needs to know about the request as it stands."""
    if req is None:
        return Refusal(why=str(why), action=str(action), request_id=request_id)
    last = session.scalar(select(RequestEvent).where(
        RequestEvent.request_id == req.id, RequestEvent.action.in_([a.value for a in TRANSITIONS]))
        .order_by(RequestEvent.id.desc()).limit(1))
    asked = req.exception_requested_at
    return Refusal(
        why=str(why), action=str(action), request_id=req.id, lead_id=req.lead_id, status=req.status,
        last_action=last.action if last else None, last_actor=last.actor if last else None,
        last_at=last.at.isoformat() if last else None,
        asked_by=_asker(session, req) if asked else None, asked_at=asked.isoformat() if asked else None,
        manager=manager, credited_on=credited_on,
    )


def _asker(session: Session, req: CreditRequest) -> str | None:
    return session.scalar(select(RequestEvent.actor).where(
        RequestEvent.request_id == req.id, RequestEvent.action == "request_exception")
        .order_by(RequestEvent.id.desc()).limit(1))


@dataclass(frozen=True)
class Result:
    ok: bool
    request: CreditRequest | None = None
    refusal: Refusal | None = None
    problems: dict[str, str] = field(default_factory=dict)  # input -> problem code (a modal's field errors)
    told: bool = False  # the person was already sent the refusal
    step: str | None = None  # the lifecycle step taken (under dual control, maybe a first approval)
