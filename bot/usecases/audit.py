"""The append-only audit trail: one helper writes every event.

Lifecycle actions are recorded under their own names (``policy.lifecycle.Action``);
the other events are named here."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import RequestEvent


class Surface(StrEnum):
    """Where an event came from."""

    COMMAND = "slash_command"
    VIEW = "view_submission"
    ACTION = "block_actions"
    SHORTCUT = "shortcut"
    EVENT = "event"
    CLI = "cli"
    API = "api"  # the HTTP API (/api/v1)
    SCHEDULER = "scheduler"
    SYSTEM = "system"


class Event(StrEnum):
    """Trail entries that are not lifecycle actions."""

    REFUSED = "refused"
    CONTRACTOR_REPLIED = "contractor_replied"
    PHONE_CHECKED = "phone_checked"  # a carrier answered (or failed to) and the checks ran again
    EVIDENCE_ADDED = "evidence_added"
    STAFF_GRANTED = "staff_granted"
    STAFF_REVOKED = "staff_revoked"
    SLA_REMINDER = "sla_reminder"
    SLA_ESCALATION = "sla_escalation"
    SLA_BREACH = "sla_breach"


def sla_event(kind: str) -> Event:
    return Event(f"sla_{kind}")


def record(
    session: Session, *, request_id: int | None, at: datetime, actor: str, surface: str, action: str,
    old_status: str | None = None, new_status: str | None = None, note: str | None = None,
    data: dict | None = None,
) -> RequestEvent:
    event = RequestEvent(
        request_id=request_id, at=at, actor=actor, surface=str(surface), action=str(action),
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
