"""A request's whole audit trail, as ``credit-bot history`` prints it and the reviewer card's
Trail button shows it: the request and every event on it, oldest first. Read-only."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from bot.usecases import audit
from bot.usecases.people import roles_of
from storage.db import Database
from storage.models import CreditRequest, RequestEvent


@dataclass
class Trail:
    request: CreditRequest | None  # None: there is no such request
    events: list[RequestEvent] = field(default_factory=list)
    allowed: bool = True  # the viewer is on the desk's staff


def _load(session: Session, request_id: int) -> Trail:
    req = session.get(CreditRequest, request_id)
    return Trail(req, audit.history(session, req.id) if req is not None else [])


def request_trail(db: Database, request_id: int) -> Trail:
    """For an operator at the command line."""
    with db.read() as session:
        return _load(session, request_id)


def staff_trail(db: Database, request_id: int, viewer: str) -> Trail:
    """For someone in Slack: only the desk's staff see a trail (it names every actor)."""
    with db.read() as session:
        if not roles_of(session, viewer):
            return Trail(None, allowed=False)
        return _load(session, request_id)
