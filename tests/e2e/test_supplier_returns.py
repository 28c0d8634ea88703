"""Returns charged to the supplier, end to end: leads imported with their supplier and cost, a
reviewer's approval and a reversal through the real server, the ledger's supplier columns in
the export (csv, json), ``--by supplier`` and the webhook body; bad supplier costs in the import."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import STANDARD_LEADS
from tests.support.bot import REVIEW, RunningBot, seed
from tests.support.cli import cli_in_process
from tests.support.flows import button_values, file_request, opened_view, reviewer_post

SUPPLIED = {"L-BAD": ("45.00", "SUP-HOMEFIND", "27.00"), "L-OK": ("30.50", "SUP-CALLPRO", "18.30"),
            "L-OK2": ("12", "=SUP-EVIL", "5")}
LEADS = [dict(lead, price=SUPPLIED.get(lead["lead_id"], ("", "", ""))[0],
              supplier_id=SUPPLIED.get(lead["lead_id"], ("", "", ""))[1],
              supplier_cost=SUPPLIED.get(lead["lead_id"], ("", "", ""))[2])
         for lead in STANDARD_LEADS]


@pytest.fixture
def bot(settings, tmp_path):
    seed(settings, tmp_path, LEADS)
    running = RunningBot(settings)
    yield running
    running.stop()


def _export(monkeypatch, capsys, url, *args):
    run = cli_in_process(monkeypatch, capsys, "credits", "export", *args, DATABASE_URL=url)
    assert run.code == 0, run.err
    return run


def test_credit_and_reversal_carry_the_supplier(bot, fake_slack, monkeypatch, capsys):
    url = bot.desk.settings.database_url
    file_request(bot, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-BAD", reason="invalid_number",
                 details="Not a real number.")  # approved automatically
    file_request(bot, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK2", reason="incorrect_contact",
                 details="The man who answered is not the homeowner.")
    bot.wait_idle()
    post = reviewer_post(fake_slack, "L-OK2")
    rid = button_values(post)["approve_request"]
    bot.slack.block_action("U0REV", "approve_request", rid, channel=REVIEW, message_ts=post["ts"])
    bot.wait_idle()
    post = reviewer_post(fake_slack, "L-OK2")
    bot.slack.block_action("U0REV2", "reverse_request", rid, channel=REVIEW, message_ts=post["ts"])
    bot.slack.view_submission("U0REV2", opened_view(fake_slack, "reverse_request"), {"note": "Wrong call."})
    bot.wait_idle()

    rows = list(csv.DictReader(io.StringIO(_export(monkeypatch, capsys, url).out)))
    assert [(r["lead_id"], r["kind"], r["amount"], r["supplier_id"], r["supplier_amount"]) for r in rows] == [
        ("L-BAD", "credit", "45.00", "SUP-HOMEFIND", "27.00"),
        ("L-OK2", "credit", "12.00", "'=SUP-EVIL", "5.00"),  # formula-guarded
        ("L-OK2", "reversal", "-12.00", "'=SUP-EVIL", "-5.00"),
    ]
    docs = _export(monkeypatch, capsys, url, "--format", "json").lines
    assert [(d["supplier_id"], d["supplier_amount"]) for d in docs] == [
        ("SUP-HOMEFIND", "27.00"), ("=SUP-EVIL", "5.00"), ("=SUP-EVIL", "-5.00")]
    by = _export(monkeypatch, capsys, url, "--by", "supplier").out.splitlines()
    assert by == ["supplier_id,credits,reversals,net_supplier_amount", "'=SUP-EVIL,1,1,0.00",
                  "SUP-HOMEFIND,1,0,27.00"]
    assert _export(monkeypatch, capsys, url, "--by", "supplier", "--period", "2001-01").out.splitlines() == [
        "supplier_id,credits,reversals,net_supplier_amount"]

    report = cli_in_process(monkeypatch, capsys, "report", DATABASE_URL=url)
    assert report.code == 0, report.err
    assert "## Returns by supplier" in report.out
    line = next(row for row in report.out.splitlines() if "SUP-HOMEFIND" in row)
    assert "| 1 |" in line.replace("  ", " ") and "27.00" in line
    rows = list(csv.reader(io.StringIO(cli_in_process(monkeypatch, capsys, "report", "--format", "csv",
                                                      DATABASE_URL=url).out)))
    assert ["supplier", "SUP-HOMEFIND", "returns", "1"] in rows
    assert ["supplier", "SUP-HOMEFIND", "clawed_back", "27.00"] in rows
    assert ["supplier", "'=SUP-EVIL", "returns", "0"] in rows


def test_supplier_cost_validation_on_import(settings, tmp_path, monkeypatch, capsys):
    path = tmp_path / "leads.csv"
    path.write_text(
        "lead_id,client_id,lead_type,category,received_at,first_name,last_name,phone,email,street,city,state,"
        "zip,price,supplier_id,supplier_cost\n"
        "L-S1,C-ROOF,standard,Roofing,2026-07-01T10:00:00,A,B,,,,,,11201,40.00,SUP-A,24.00\n"
        "L-S2,C-ROOF,standard,Roofing,2026-07-01T10:00:00,A,B,,,,,,11201,40.00,SUP-A,-3\n"
        "L-S3,C-ROOF,standard,Roofing,2026-07-01T10:00:00,A,B,,,,,,11201,40.00,SUP-A,lots\n"
        "L-S4,C-ROOF,standard,Roofing,2026-07-01T10:00:00,A,B,,,,,,11201,40.00,SUP-B,55.5\n"
        "L-S5,C-ROOF,standard,Roofing,2026-07-01T10:00:00,A,B,,,,,,11201,40.00,,\n")
    run = cli_in_process(monkeypatch, capsys, "leads", "import", str(path), DATABASE_URL=settings.database_url)
    assert "line 3: supplier_cost '-3' is negative" in run.err
    assert "line 4: supplier_cost 'lots' is not a number" in run.err
    assert "line 5: supplier_cost 55.50 is above the price 40.00; kept" in run.out + run.err
    from sqlalchemy import select

    from storage.db import Database
    from storage.models import Lead
    db = Database(settings.database_url)
    try:
        with db.read() as session:
            got = {r.lead_id: (r.supplier_id, None if r.supplier_cost is None else str(r.supplier_cost))
                   for r in session.scalars(select(Lead))}
    finally:
        db.dispose()
    assert got == {"L-S1": ("SUP-A", "24.00"), "L-S4": ("SUP-B", "55.50"), "L-S5": (None, None)}


def test_webhook_body_names_the_supplier(settings):
    from datetime import UTC, datetime
    from decimal import Decimal

    from bot.slack.webhook import body_of
    from bot.usecases.ledger import Entry

    e = Entry(7, 3, "L-1", "C-1", "reversal", Decimal("-45.00"), datetime(2026, 12, 7, 15, tzinfo=UTC),
              "SUP-HOMEFIND", Decimal("-27.00"))
    doc = json.loads(body_of(e.document(settings.calendar)))
    assert doc["supplier_id"] == "SUP-HOMEFIND" and doc["supplier_amount"] == "-27.00"
