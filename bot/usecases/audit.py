"""The append-only audit trail: one helper writes every event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import RequestEvent

# Slack surfaces (and non-Slack ones) an event can come from.
SURFACE_COMMAND = "slash_command"
SURFACE_VIEW = "view_submission"
SURFACE_ACTION = "block_actions"
SURFACE_EVENT = "event"
SURFACE_CLI = "cli"
SURFACE_SCHEDULER = "scheduler"
SURFACE_SYSTEM = "system"


def record(
    session: Session, *, request_id: int | None, at: datetime, actor: str, surface: str, action: str,
    old_status: str | None = None, new_status: str | None = None, note: str | None = None,
    data: dict | None = None,
) -> RequestEvent:
    event = RequestEvent(
        request_id=request_id, at=at, actor=actor, surface=surface, action=action,
        old_status=old_status, new_status=new_status, note=note, data=data or {},
    )
    session.add(event)
    return event


def history(session: Session, request_id: int) -> list[RequestEvent]:
    return list(
        session.scalars(
            select(RequestEvent).where(RequestEvent.request_id == request_id).order_by(RequestEvent.id)
        )
    )
