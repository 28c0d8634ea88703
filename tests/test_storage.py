"""Schema and storage guarantees, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from storage.db import Database, alembic_config, upgrade
from storage.models import Base, CreditRequest, Lead

NOW = datetime(2026, 7, 6, 13, 0, tzinfo=UTC)


def _lead(lead_id="L-1"):
    return Lead(lead_id=lead_id, client_id="C-1", lead_type="standard", category="Roofing", category_key="roofing",
                received_at=NOW, first_name="", last_name="", phone="", email="", street="", city="", state="",
                zip="")


def _request(lead_id="L-1", status="pending", lead_slot=None):
    return CreditRequest(lead_id=lead_id, client_id="C-1", reason="invalid_number", details="x", requested_by="U1",
                         requested_at=NOW, status=status, verdict="review", deadline=NOW, findings=[], evidence={},
                         auto_decided=False, info_wait_seconds=0.0, version=1, updated_at=NOW, lead_slot=lead_slot)


def test_migrations_match_the_models_and_run_down_and_up(database_url):
    db = Database(database_url)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert "credit_requests" not in inspect(db.engine).get_table_names()
    upgrade(db.engine)
    upgrade(db.engine)  # a second upgrade is a no-op
    assert {"leads", "credit_requests", "outbox", "request_events"} <= set(inspect(db.engine).get_table_names())
    db.dispose()


def test_one_request_per_lead_is_enforced_by_the_database(database_url):
    db = Database(database_url)
    with db.transaction() as session:
        session.add(_lead())
        session.flush()
        session.add(_request(status="denied", lead_slot="L-1"))
    for status in ("pending", "approved", "reversed"):
        with pytest.raises(IntegrityError):
            with db.transaction() as session:
                session.add(_request(status=status, lead_slot="L-1"))
    with db.transaction() as session:  # requests kept as history hold no slot
        session.add(_request(status="approved"))
        session.add(_request(status="approved"))
    db.dispose()


def test_migration_keeps_old_second_credits_as_history(database_url):
    """Data from before the one-request-per-lead rule: every row stays, the newest request of
    each lead takes the lead's slot, so nothing new can be filed on it."""
    db = Database(database_url)
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO leads (lead_id, client_id, lead_type, category, category_key, received_at, "
                          "first_name, last_name, phone, email, street, city, state, zip) VALUES "
                          "('L-1', 'C-1', 'standard', 'Roofing', 'roofing', :t, '', '', '', '', '', '', '', ''), "
                          "('L-2', 'C-1', 'standard', 'Roofing', 'roofing', :t, '', '', '', '', '', '', '', '')"),
                     {"t": NOW})
        for lead_id, status in (("L-1", "approved"), ("L-2", "denied"), ("L-1", "approved")):
            conn.execute(text(
                "INSERT INTO credit_requests (lead_id, client_id, reason, details, requested_by, requested_at, "
                "status, verdict, deadline, findings, evidence, auto_decided, info_wait_seconds, version, "
                "updated_at) VALUES (:lead, 'C-1', 'invalid_number', 'x', 'U1', :t, :status, 'review', :t, "
                "'[]', '{}', false, 0, 1, :t)"), {"lead": lead_id, "status": status, "t": NOW})
    upgrade(db.engine)
    with db.read() as session:
        rows = [(r.id, r.lead_id, r.status, r.lead_slot) for r in
                session.scalars(select(CreditRequest).order_by(CreditRequest.id))]
    assert rows == [(1, "L-1", "approved", None), (2, "L-2", "denied", "L-2"), (3, "L-1", "approved", "L-1")]
    with pytest.raises(IntegrityError):
        with db.transaction() as session:
            session.add(_request(lead_id="L-1", lead_slot="L-1"))
    db.dispose()


def test_times_come_back_aware_and_equal(database_url):
    db = Database(database_url)
    ny = timezone(timedelta(hours=-4))
    with db.transaction() as session:
        lead = _lead("L-TZ")
        lead.received_at = datetime(2026, 7, 2, 22, 0, tzinfo=ny)
        session.add(lead)
    with db.read() as session:
        got = session.get(Lead, "L-TZ").received_at
    assert got.tzinfo is not None and got == datetime(2026, 7, 3, 2, 0, tzinfo=UTC)
    db.dispose()


def test_the_head_read_from_the_files_is_alembics():
    from alembic.script import ScriptDirectory

    from storage.db import head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_migration_0010_renames_stored_intents_both_ways(database_url):
    """Intents stored under their listener function's name (before 0010) carry the listener's
    fixed name after it, finished or not; names it does not know stay; the downgrade undoes it."""
    db = Database(database_url)
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008")
    old = ["button_approve", "submit_deny", "on_message", "file_from_anywhere", "something_else"]
    with db.engine.begin() as conn:
        for n, name in enumerate(old):
            conn.execute(text("INSERT INTO intents (key, kind, name, body, attempts, created_at, done_at) "
                              "VALUES (:key, 'action', :name, '{}', 0, :t, :done)"),
                         {"key": f"k-{n}", "name": name, "t": NOW, "done": NOW if n % 2 else None})

    def names():
        with db.engine.connect() as conn:
            return [r[0] for r in conn.execute(text("SELECT name FROM intents ORDER BY key"))]

    upgrade(db.engine)
    assert names() == ["button.approve", "form.deny", "event.thread_message", "shortcut.file_credit_request",
                       "something_else"]
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008")
    assert names() == old
    upgrade(db.engine)
    db.dispose()


def test_a_requested_leads_evidence_holds_even_when_a_write_skips_the_importers_check(database_url):
    """The importer refuses a row that changes a requested lead's evidence; a request filed
    between that check and the write (the race) must still keep it: the upsert itself
    leaves the evidence alone, while other columns and unrequested leads still update."""
    from zoneinfo import ZoneInfo

    from bot.usecases.importing import LEAD_COLUMNS, LEAD_OPTIONAL, LeadRows, StampMaker
    from storage.bulk import load_leads

    db = Database(database_url)
    parse = LeadRows(StampMaker(ZoneInfo("America/New_York"), postgresql=db.dialect == "postgresql"))

    def row(lead_id: str, phone: str, price: str):
        cells = dict(lead_id=lead_id, client_id="C-1", lead_type="standard", category="Roofing",
                     received_at="2026-07-06T09:00:00-04:00", first_name="Ann", last_name="Lee", phone=phone,
                     email="ann@example.com", street="1 Main St", city="Brooklyn", state="NY", zip="11201",
                     price=price)
        return parse(tuple(cells.get(c, "") for c in LEAD_COLUMNS + LEAD_OPTIONAL))[0]

    def load(*rows):
        with db.engine.connect() as conn:
            load_leads(conn, iter([list(rows)]))

    load(row("L-1", "212-555-0101", "40"), row("L-2", "212-555-0102", "40"))
    with db.transaction() as session:
        session.add(_request("L-1", lead_slot="L-1"))
    def stored() -> dict[str, tuple[str, str]]:
        with db.read() as session:
            return {lead.lead_id: (lead.phone, str(lead.price)) for lead in session.scalars(select(Lead))}

    load(row("L-1", "917-555-0199", "55"), row("L-2", "917-555-0199", "40"))  # the phone changes
    assert stored() == {"L-1": ("212-555-0101", "40.00"), "L-2": ("917-555-0199", "40.00")}
    load(row("L-1", "212-555-0101", "55"))  # only the price changes
    assert stored()["L-1"] == ("212-555-0101", "55.00")
    db.dispose()


def test_sqlite_writers_take_turns_most_urgent_first_and_none_is_forgotten():
    """The writer queue wakes one waiter per turn: the most urgent waiting one. Many writers of
    every priority all get their turn (no lost wake-up), one at a time, and writers queued
    behind a holder are served urgent first."""
    import threading

    from storage.db import BACKGROUND, FOREGROUND, URGENT, WriterQueue

    queue, order, inside = WriterQueue(), [], []
    hold = threading.Event()

    def writer(priority: int, name: str, wait: threading.Event | None = None):
        with queue.turn(priority):
            inside.append(name)
            assert len(inside) == 1
            if wait is not None:
                wait.wait(5)
            order.append(name)
            inside.remove(name)

    first = threading.Thread(target=writer, args=(BACKGROUND, "holder", hold))
    first.start()
    while not inside:
        pass
    queued = [threading.Thread(target=writer, args=(p, f"{p}-{i}")) for i in range(10)
              for p in (BACKGROUND, FOREGROUND, URGENT)]
    for t in queued:
        t.start()
    while sum(len(q) for q in queue._waiting) < len(queued):  # every one of them is waiting for the holder
        threading.Event().wait(0.001)
    hold.set()
    for t in [first, *queued]:
        t.join(10)
    assert order[0] == "holder" and len(order) == 31
    priorities = [int(name.split("-")[0]) for name in order[1:]]
    assert priorities == sorted(priorities) and priorities[0] == URGENT
