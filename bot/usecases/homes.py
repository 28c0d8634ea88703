"""App Home: publishing is owed through the outbox and rendered when sent; a reviewer's
queue filter is remembered."""

from __future__ import annotations

from bot.usecases import outbox
from bot.usecases.desk import Desk
from storage.models import HomePrefs

QUEUE_FILTERS = ("all", "mine", "unclaimed", "overdue")


def home_opened(desk: Desk, user_id: str) -> None:
    """Publish the home now, and remember the person uses it (staff homes are kept up to date
    only for those who opened theirs)."""
    if not user_id:
        return
    with desk.transaction() as session:
        if session.get(HomePrefs, user_id) is None:
            session.add(HomePrefs(slack_user_id=user_id, queue_filter=QUEUE_FILTERS[0]))
            desk.forget_staff()
        desk.refresh_homes(session, [user_id])


def choose_queue_filter(desk: Desk, user_id: str, choice: str) -> bool:
    """Remember what the reviewer's queue shows and publish their home at once."""
    if not user_id or choice not in QUEUE_FILTERS:
        return False
    with desk.transaction() as session:
        pref = session.get(HomePrefs, user_id)
        if pref is None:
            session.add(HomePrefs(slack_user_id=user_id, queue_filter=choice))
        else:
            pref.queue_filter = choice
        outbox.enqueue_homes(session, [user_id], now=desk.now(), delay=0.0)
    return True
