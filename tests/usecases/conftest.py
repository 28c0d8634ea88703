"""Use cases in process: a desk on a real database (SQLite file, PostgreSQL) with a fixed
clock, the standard clients, staff and leads, and no HTTP server or Slack at all — the
outbox rows a use case writes are what is asserted."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.usecases.desk import Desk
from storage.db import Database
from storage.models import OutboxMessage, RequestEvent
from tests.support.bot import seed, settings_for

NOW = datetime(2026, 7, 8, 15, 0, tzinfo=UTC)  # a Wednesday, 11:00 in New York

LEADS = [
    dict(lead_id="L-BAD", client_id="C-ROOF", lead_type="standard", category="Roofing",
         received_at="2026-07-07T09:00", first_name="Maria", last_name="Lopez", phone="123-456-7891",
         email="m@example.com", zip="11201", price="45.00"),
    dict(lead_id="L-OK", client_id="C-ROOF", lead_type="standard", category="Roofing",
         received_at="2026-07-07T09:00", first_name="Jim", last_name="Chen", phone="212-555-0123",
         email="j@example.com", zip="11201", price="30.00"),
    dict(lead_id="L-OLD", client_id="C-ROOF", lead_type="standard", category="Roofing",
         received_at="2026-06-01T09:00", first_name="Old", last_name="Lead", phone="347-555-0101",
         email="o@example.com", zip="11201", price="20.00"),
    dict(lead_id="L-SOLAR", client_id="C-SOLAR", lead_type="standard", category="Solar",
         received_at="2026-07-07T09:00", first_name="Priya", last_name="Shah", phone="973-555-0134",
         email="p@example.com", zip="07042", price="50.00"),
]


class Clock:
    def __init__(self, now: datetime = NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def desk(database_url, tmp_path, clock):
    settings = settings_for(database_url, "http://127.0.0.1:9/api/")
    seed(settings, tmp_path, LEADS)
    desk = Desk(settings, Database(settings.database_url), clock=clock)
    yield desk
    desk.db.dispose()


@pytest.fixture
def dual(desk, clock):
    """The standard desk with SECOND_APPROVAL_OVER=40 (dual control): L-BAD ($45) takes two
    reviewers, L-OK ($30) one."""
    settings = dataclasses.replace(desk.settings, second_approval_over=Decimal("40"))
    two = Desk(settings, Database(settings.database_url), clock=clock)
    yield two
    two.db.dispose()


def owed(desk: Desk, *, after: int = 0) -> list[tuple[str, int | None, dict]]:
    """(kind, request id, payload) of the outbox rows written after row ``after``, App Home
    publishes left out."""
    with desk.read() as session:
        return [(r.kind, r.request_id, r.payload) for r in session.scalars(
            select(OutboxMessage).where(OutboxMessage.id > after, OutboxMessage.kind != "home")
            .order_by(OutboxMessage.id))]


def last_outbox_id(desk: Desk) -> int:
    with desk.read() as session:
        return session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1)) or 0


def trail(desk: Desk, request_id: int | None = None) -> list[tuple[str, str, str | None, str | None]]:
    with desk.read() as session:
        stmt = select(RequestEvent).order_by(RequestEvent.id)
        if request_id is not None:
            stmt = stmt.where(RequestEvent.request_id == request_id)
        return [(e.action, e.actor, e.old_status, e.new_status) for e in session.scalars(stmt)]


def delivered(desk: Desk) -> int:
    """Mark everything owed so far as sent (as the delivery worker would); returns the last row id."""
    from sqlalchemy import update

    with desk.transaction() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.status == "pending").values(status="done"))
    return last_outbox_id(desk)
