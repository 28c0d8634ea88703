"""The in-process scheduler's pieces: the daily digest and housekeeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.slack.render.report import daily_digest
from bot.slack.snapshots import open_queue
from bot.usecases import outbox, sla
from bot.usecases.desk import Desk
from storage.models import OutboxMessage, ProcessedEvent


def test_daily_digest_once_per_business_day_after_nine(settings):
    desk = Desk(settings)
    tz = desk.tz
    monday_8 = datetime(2026, 11, 30, 8, 30, tzinfo=tz)
    monday_9 = datetime(2026, 11, 30, 9, 5, tzinfo=tz)
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=tz)
    thanksgiving = datetime(2026, 11, 26, 10, 0, tzinfo=tz)
    assert [sla.digest(desk, t) for t in (monday_8, saturday, thanksgiving)] == [False, False, False]
    assert sla.digest(desk, monday_9) is True
    assert sla.digest(desk, monday_9 + timedelta(hours=3)) is False
    with desk.read() as session:
        posts = list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == outbox.CHANNEL_POST)))
    assert len(posts) == 1 and posts[0].payload["channel"] == settings.reviewer_channel_id
    at = datetime.fromisoformat(posts[0].payload["at"])
    text = daily_digest(open_queue(desk, at), at, desk.tz)
    assert "Daily queue, Mon Nov 30: 0 open request(s)" in text
    desk.db.dispose()


def test_housekeeping_trims_old_bookkeeping_only(settings):
    desk = Desk(settings)
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    with desk.transaction() as session:
        for age_days, status in ((10, outbox.DONE), (1, outbox.DONE), (10, outbox.DEAD)):
            at = now - timedelta(days=age_days)
            session.add(OutboxMessage(order_key="k", kind=outbox.DM, payload={}, status=status, attempts=1,
                                      created_at=at, next_attempt_at=at, delivered_at=at))
        session.add(ProcessedEvent(event_id="old", received_at=now - timedelta(days=3)))
        session.add(ProcessedEvent(event_id="new", received_at=now - timedelta(hours=1)))
    sla.housekeeping(desk, now)
    with desk.read() as session:
        left = sorted((r.status, (now - r.created_at).days) for r in session.scalars(select(OutboxMessage)))
        events = sorted(session.scalars(select(ProcessedEvent.event_id)))
    assert left == [("dead", 10), ("done", 1)]
    assert events == ["new"]
    desk.db.dispose()
