"""Staff roles: who may decide, grant and administer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from bot.usecases import audit
from storage.db import Database
from storage.models import Staff


def grant(db: Database, user_id: str, role: str, *, actor: str, now: datetime) -> None:
    with db.transaction() as session:
        if session.get(Staff, (user_id, role)) is None:
            session.add(Staff(slack_user_id=user_id, role=role, granted_at=now, granted_by=actor))
            audit.record(session, request_id=None, at=now, actor=actor, surface=audit.Surface.CLI,
                         action=audit.Event.STAFF_GRANTED, note=f"{user_id} {role}", data={"user": user_id, "role": role})


def revoke(db: Database, user_id: str, role: str | None, *, actor: str, now: datetime) -> list[str]:
    with db.transaction() as session:
        stmt = delete(Staff).where(Staff.slack_user_id == user_id)
        if role:
            stmt = stmt.where(Staff.role == role)
        removed = sorted(session.scalars(stmt.returning(Staff.role)))
        for r in removed:
            audit.record(session, request_id=None, at=now, actor=actor, surface=audit.Surface.CLI,
                         action=audit.Event.STAFF_REVOKED, note=f"{user_id} {r}", data={"user": user_id, "role": r})
        return removed


def listing(db: Database) -> list[tuple[str, str, datetime]]:
    with db.transaction() as session:
        rows = session.execute(select(Staff.slack_user_id, Staff.role, Staff.granted_at)
                               .order_by(Staff.slack_user_id, Staff.role))
        return [tuple(r) for r in rows]
