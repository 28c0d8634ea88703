"""App Home: publishing is owed through the outbox and rendered when sent."""

from __future__ import annotations

from bot.usecases.desk import Desk


def home_opened(desk: Desk, user_id: str) -> None:
    if not user_id:
        return
    with desk.transaction() as session:
        desk.refresh_homes(session, [user_id])
