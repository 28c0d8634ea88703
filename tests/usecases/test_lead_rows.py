"""Leads given as rows of the CSV columns (the HTTP API's JSON objects) load through the same
steps as the file import: per-row rejects with index, good rows load, the same rows twice
change nothing, a requested lead keeps its evidence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.config.settings import Settings
from bot.usecases.importing import load_lead_rows
from storage.db import Database
from storage.models import CreditRequest, Lead

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def _row(lead_id: str, **over) -> dict:
    row = dict(lead_id=lead_id, client_id="C-ROOF", lead_type="standard", category="Roofing",
               received_at="2026-12-06T10:00:00-05:00", first_name="Ann", last_name="Lee",
               phone="212-555-0123", email="ann@example.com", street="1 Main St", city="Brooklyn",
               state="NY", zip="11201", price="40")
    row.update(over)
    return row


def test_rows_load_like_the_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'rows.db'}"
    db = Database(url)
    calendar = Settings.from_env({"DATABASE_URL": url}, dotenv=False).calendar
    try:
        rows = [_row("L-1"), _row("L-2", received_at="yesterday"), _row("", phone="x"), _row("L-3", zip="7042")]
        report = load_lead_rows(db, rows, calendar=calendar)
        assert report.loaded == 2
        assert [(i, lead_id) for i, lead_id, _ in report.rejects] == [(1, "L-2"), (2, "")]
        assert "received_at 'yesterday' is not a time" in report.rejects[0][2]
        assert any(w.startswith("leads[3]: zip '7042' read as 07042") for w in report.warnings)

        again = load_lead_rows(db, rows, calendar=calendar)
        assert (again.loaded, len(again.rejects)) == (2, 2)

        with db.transaction() as session:
            session.add(CreditRequest(
                lead_id="L-1", client_id="C-ROOF", reason="invalid_number", details="dead line",
                requested_by="U0ROOF1", requested_at=NOW, status="pending", verdict="review",
                deadline=NOW + timedelta(days=5), updated_at=NOW, lead_slot="L-1"))
        changed = load_lead_rows(db, [_row("L-1", phone="718-555-0142"), _row("L-1b")], calendar=calendar)
        assert changed.loaded == 1
        ((index, lead_id, why),) = changed.rejects
        assert (index, lead_id) == (0, "L-1") and why.startswith("phone cannot change: credit request CR-")
        same = load_lead_rows(db, [_row("L-1", first_name="Anne")], calendar=calendar)
        assert (same.loaded, same.rejects) == (1, [])
        with db.read() as session:
            assert session.scalar(select(Lead.phone).where(Lead.lead_id == "L-1")) == "212-555-0123"
            assert session.scalar(select(func.count()).select_from(Lead)) == 3
    finally:
        db.dispose()


def test_file_import_keeps_a_requested_leads_evidence(tmp_path):
    from bot.usecases.importing import LEAD_COLUMNS, import_leads

    url = f"sqlite:///{tmp_path / 'file.db'}"
    db = Database(url)
    calendar = Settings.from_env({"DATABASE_URL": url}, dotenv=False).calendar
    path = tmp_path / "leads.csv"

    def write(*rows: dict) -> None:
        path.write_text("\n".join([",".join(LEAD_COLUMNS)] + [",".join(r[c] for c in LEAD_COLUMNS) for r in rows])
                        + "\n")
    try:
        write(_row("L-1"), _row("L-2"))
        assert import_leads(db, path, calendar=calendar).loaded == 2
        with db.transaction() as session:
            session.add(CreditRequest(
                lead_id="L-1", client_id="C-ROOF", reason="invalid_number", details="dead line",
                requested_by="U0ROOF1", requested_at=NOW, status="pending", verdict="review",
                deadline=NOW + timedelta(days=5), updated_at=NOW, lead_slot="L-1"))
        write(_row("L-1", zip="11215"), _row("L-2", zip="11215"))
        report = import_leads(db, path, calendar=calendar)
        assert report.loaded == 1
        assert len(report.errors) == 1 and report.errors[0].startswith("line 2: lead 'L-1': zip cannot change")
        with db.read() as session:
            assert dict(session.execute(select(Lead.lead_id, Lead.zip)).all()) == {"L-1": "11201", "L-2": "11215"}
    finally:
        db.dispose()
