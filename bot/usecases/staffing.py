"""Staff roles: who may decide, grant and administer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from bot.usecases import audit
from storage.db import Database
from storage.models import ClientUser, Staff

MAPPED_WARNING = ("{user} is staff and also listed in client {client}'s slack_user_ids: they speak for "
                  "that client, so they will not be able to decide its requests")


def mapped_staff(session, pairs: list[tuple[str, str]]) -> list[str]:
    """Warnings for (client_id, user_id) mappings whose user holds a staff role."""
    users = {u for _, u in pairs}
    if not users:
        return []
    staff = set(session.scalars(select(Staff.slack_user_id).where(Staff.slack_user_id.in_(users))))
    return [MAPPED_WARNING.format(user=u, client=c) for c, u in sorted(pairs) if u in staff]


def grant(db: Database, user_id: str, role: str, *, actor: str, now: datetime) -> list[str]:
    """Grant ``role``; returns warnings (the user is mapped as one of a client's people)."""
    with db.transaction() as session:
        clients = sorted(session.scalars(select(ClientUser.client_id).where(ClientUser.slack_user_id == user_id)))
        if session.get(Staff, (user_id, role)) is None:
            session.add(Staff(slack_user_id=user_id, role=role, granted_at=now, granted_by=actor))
            audit.record(session, request_id=None, at=now, actor=actor, surface=audit.Surface.CLI,
                         action=audit.Event.STAFF_GRANTED, note=f"{user_id} {role}", data={"user": user_id, "role": role})
        return [MAPPED_WARNING.format(user=user_id, client=c) for c in clients]


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
