"""`credit-bot clients import` / `credit-bot leads import`, run the way an operator runs them.

Every test runs on SQLite and on PostgreSQL (the ``database_url`` fixture). A representative
few go through a real ``credit-bot`` process; the rest call ``bot.entrypoints.cli.main`` in-process."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from bot.usecases import csvfiles, importing
from bot.usecases.importing import StampMaker, _price, fast_e164
from policy.phone import normalize_phone
from policy.spreadsheet import read_phone
from storage import bulk
from storage.db import Database
from storage.models import Client, ClientUser, Lead
from tests.support.cli import Run, cli_in_process

POLICY_VARS = ("POLICY_TIMEZONE", "POLICY_HOLIDAYS", "AUTO_APPROVE", "AUTO_DENY")

CLIENT_HEADER = (
    "client_id,name,slack_channel_id,slack_user_ids,account_manager_user_id,"
    "service_zips,service_counties,base_zip,radius_miles"
)
LEAD_HEADER = (
    "lead_id,client_id,lead_type,category,received_at,first_name,last_name,phone,email,"
    "street,city,state,zip,price"
)
CLIENTS = f"""{CLIENT_HEADER}
C-ROOF,Brooklyn Roofing Co,C0ROOF,U0ROOF1;U0ROOF2,U0AM1,11201;11215;11217,"Kings County, NY",11201,15
C-SOLAR,Sunrise Solar,C0SOLAR,U0SOLAR1,U0AM1,,"Essex County, NJ;Hudson County, NJ",,
"""
LEADS = f"""{LEAD_HEADER}
L-1,C-ROOF,inbound_call,Roofing,2026-07-01T10:15:00,Maria,Lopez,123-456-7891,maria@example.com,12 Clark St,Brooklyn,NY,11201,45.00
L-2,C-ROOF,standard,Roofing,2026-07-02T16:45:00,Ana,Silva,+1 718 555 0142,Ana.Silva@Example.com,5 Smith St,Brooklyn,NY,11217,38.50
L-3,C-SOLAR,standard,Solar,2026-07-03T02:00:00Z,Tom,Reed,917-555-0188,,200 Main St,Albany,NY,12207,
"""




ROOT = Path(__file__).resolve().parents[2]
TIME_HINT = "use ISO 8601 like 2026-07-06T09:00:00-04:00 or a spreadsheet time like 7/6/2026 9:00 AM"


def _clean_env(url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in POLICY_VARS and k != "DATABASE_URL"}
    env["DATABASE_URL"] = url
    # this checkout's code, whichever checkout the installed ``credit-bot`` script was made from
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    env.update(extra)
    return env


def run_cli(url: str, *args: str, cwd: Path, **env: str) -> Run:
    """A real ``credit-bot`` process."""
    proc = subprocess.run(["credit-bot", *args], env=_clean_env(url, **env), cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli_main(database_url, tmp_path, monkeypatch, capsys):
    """``bot.entrypoints.cli.main`` in this process, with DATABASE_URL (and any POLICY_* given) set."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in POLICY_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)

    def call(*args: str, **env: str) -> Run:
        return cli_in_process(monkeypatch, capsys, *args, **env)

    yield call


def write(tmp_path: Path, name: str, content: str | bytes, *, newline: str = "\n") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.replace("\n", newline).encode("utf-8"))
    return path


def leads_in(url: str) -> dict[str, Lead]:
    db = Database(url)
    try:
        with db.read() as session:
            return {lead.lead_id: lead for lead in session.scalars(select(Lead))}
    finally:
        db.dispose()


def clients_in(url: str) -> dict[str, tuple[Client, list[str]]]:
    db = Database(url)
    try:
        with db.read() as session:
            out = {}
            for client in session.scalars(select(Client)):
                users = sorted(session.scalars(
                    select(ClientUser.slack_user_id).where(ClientUser.client_id == client.client_id)))
                out[client.client_id] = (client, users)
            return out
    finally:
        db.dispose()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def no_traceback(run: Run) -> None:
    assert "Traceback" not in run.err
    assert "Traceback" not in run.out


# --- through a real process -------------------------------------------------------------------


def test_import_through_the_installed_command(database_url, tmp_path):
    clients = write(tmp_path, "clients.csv", CLIENTS)
    leads = write(tmp_path, "leads.csv", LEADS)

    r = run_cli(database_url, "clients", "import", str(clients), cwd=tmp_path)
    assert (r.code, r.out.strip(), r.err) == (0, "clients: 2 loaded, 0 rejected", "")
    r = run_cli(database_url, "leads", "import", str(leads), cwd=tmp_path)
    assert (r.code, r.out.strip(), r.err) == (0, "leads: 3 loaded, 0 rejected", "")

    stored = clients_in(database_url)
    roof, roof_users = stored["C-ROOF"]
    assert (roof.name, roof.slack_channel_id, roof.account_manager_user_id) == (
        "Brooklyn Roofing Co", "C0ROOF", "U0AM1")
    assert roof.service_zips == "11201;11215;11217"
    assert roof.service_counties == "Kings County, NY"
    assert (roof.base_zip, roof.radius_miles) == ("11201", 15.0)
    assert roof_users == ["U0ROOF1", "U0ROOF2"]
    solar, _ = stored["C-SOLAR"]
    assert solar.service_counties == "Essex County, NJ;Hudson County, NJ"
    assert (solar.service_zips, solar.base_zip, solar.radius_miles) == ("", None, None)

    leads_by_id = leads_in(database_url)
    assert sorted(leads_by_id) == ["L-1", "L-2", "L-3"]
    one, two, three = leads_by_id["L-1"], leads_by_id["L-2"], leads_by_id["L-3"]
    # naive times are New York wall time (EDT in July); "Z" is UTC
    assert one.received_at == utc(2026, 7, 1, 14, 15)
    assert two.received_at == utc(2026, 7, 2, 20, 45)
    assert three.received_at == utc(2026, 7, 3, 2, 0)
    assert (one.lead_type, one.category, one.category_key) == ("inbound_call", "Roofing", "roofing")
    # phones and emails kept as delivered, plus their match keys
    assert (one.phone, one.phone_e164) == ("123-456-7891", "+11234567891")
    assert (two.phone, two.phone_e164) == ("+1 718 555 0142", "+17185550142")
    assert (two.email, two.email_key) == ("Ana.Silva@Example.com", "ana.silva@example.com")
    assert (three.email, three.email_key) == ("", None)
    assert (one.street, one.city, one.state, one.zip) == ("12 Clark St", "Brooklyn", "NY", "11201")
    assert (one.first_name, one.last_name) == ("Maria", "Lopez")
    assert one.price == Decimal("45.00")
    assert two.price == Decimal("38.50")
    assert three.price is None


def test_bad_rows_are_reported_by_line_and_good_rows_load(cli_main, database_url, tmp_path):
    write(tmp_path, "clients.csv", CLIENTS)
    leads = write(tmp_path, "leads.csv", f"""{LEAD_HEADER}
L-OK1,C-ROOF,standard,Roofing,2026-07-01T10:00:00,A,B,212-555-0123,a@example.com,1 St,Brooklyn,NY,11201,10
L-BADTYPE,C-ROOF,phone_call,Roofing,2026-07-01T10:00:00,A,B,212-555-0123,a@example.com,1 St,Brooklyn,NY,11201,10
L-BADTIME,C-ROOF,standard,Roofing,1 July 2026 10:00,A,B,212-555-0123,a@example.com,1 St,Brooklyn,NY,11201,10
,C-ROOF,standard,Roofing,2026-07-01T10:00:00,A,B,212-555-0123,a@example.com,1 St,Brooklyn,NY,11201,10
L-BADPRICE,C-ROOF,standard,Roofing,2026-07-01T10:00:00,A,B,212-555-0123,a@example.com,1 St,Brooklyn,NY,11201,ten dollars
L-OK2,C-ROOF,standard,Roofing,2026-07-01T11:00:00,C,D,not a phone,,,,,ZZZZZ,
""")
    cli_main("clients", "import", str(tmp_path / "clients.csv"))
    r = run_cli(database_url, "leads", "import", str(leads), cwd=tmp_path)  # the installed command
    no_traceback(r)
    assert r.code == 0
    assert r.out.strip() == "leads: 2 loaded, 4 rejected"
    assert r.err.splitlines() == [
        "error: line 3: lead_type 'phone_call' is not inbound_call or standard",
        f"error: line 4: received_at '1 July 2026 10:00' is not a time; {TIME_HINT}",
        "error: line 5: lead_id is empty",
        "error: line 6: price 'ten dollars' is not a number",
    ]
    stored = leads_in(database_url)
    assert sorted(stored) == ["L-OK1", "L-OK2"]
    # an invalid phone and an unknown zip are what claims are about: the row loads as delivered
    assert (stored["L-OK2"].phone, stored["L-OK2"].phone_e164, stored["L-OK2"].zip) == ("not a phone", None, "ZZZZZ")

    r = cli_main("leads", "import", "--strict", str(leads))
    assert r.code == 1
    assert r.out.strip() == "leads: 2 loaded, 4 rejected"


def test_file_level_errors_are_one_line_and_load_nothing(cli_main, database_url, tmp_path):
    """The wrong header through the installed command; the other file errors in process."""
    wrong = write(tmp_path, "wrong.csv", "id,client,type\nL-1,C-ROOF,standard\n")
    r = run_cli(database_url, "leads", "import", str(wrong), cwd=tmp_path)
    no_traceback(r)
    assert r.code != 0
    assert r.out == ""
    assert r.err.splitlines() == [
        f"credit-bot: {wrong}: header is missing column(s): lead_id, client_id, lead_type, category, "
        "received_at, first_name, last_name, phone, email, street, city, state, zip, price"
    ]

    r = cli_main("clients", "import", str(tmp_path / "missing.csv"))
    no_traceback(r)
    assert r.code != 0
    assert r.err.splitlines() == [f"credit-bot: cannot read {tmp_path / 'missing.csv'}: No such file or directory"]

    latin1 = write(tmp_path, "latin1.csv", (
        f"{LEAD_HEADER}\n"
        "L-1,C-ROOF,standard,Roofing,2026-07-01T10:00:00,Ana,Silva,,,,,,,\n"
        "L-2,C-ROOF,standard,Roofing,2026-07-01T10:00:00,Jos\u00e9,Pe\u00f1a,,,,,,,\n"
    ).encode("latin-1"))
    r = cli_main("leads", "import", str(latin1))
    no_traceback(r)
    assert r.code != 0
    assert r.err.splitlines() == [f"credit-bot: {latin1} is not UTF-8 text (line 3)"]
    assert leads_in(database_url) == {}  # not even the good first row


# --- in-process -------------------------------------------------------------------------------


def test_reimport_updates_rows_instead_of_duplicating(cli_main, database_url, tmp_path):
    assert cli_main("clients", "import", str(write(tmp_path, "c.csv", CLIENTS))).code == 0
    assert cli_main("leads", "import", str(write(tmp_path, "l.csv", LEADS))).out.strip() == (
        "leads: 3 loaded, 0 rejected")

    changed = LEADS.replace("123-456-7891", "(646) 555-0199").replace(",45.00", ",50.25").replace(
        "L-3,C-SOLAR,standard,Solar", "L-3,C-SOLAR,inbound_call,Solar")
    changed += "L-4,C-SOLAR,standard,Solar,2026-07-04T09:00:00-04:00,New,Lead,,,,,,07302,1\n"
    r = cli_main("leads", "import", str(write(tmp_path, "l2.csv", changed)))
    assert (r.code, r.out.strip(), r.err) == (0, "leads: 4 loaded, 0 rejected", "")
    stored = leads_in(database_url)
    assert sorted(stored) == ["L-1", "L-2", "L-3", "L-4"]
    assert (stored["L-1"].phone, stored["L-1"].phone_e164, stored["L-1"].price) == (
        "(646) 555-0199", "+16465550199", Decimal("50.25"))
    assert stored["L-3"].lead_type == "inbound_call"
    assert stored["L-2"].email_key == "ana.silva@example.com"  # untouched row unchanged

    # the same file again changes nothing
    assert cli_main("leads", "import", str(tmp_path / "l2.csv")).out.strip() == "leads: 4 loaded, 0 rejected"
    assert {k: (v.phone, v.price, v.received_at) for k, v in leads_in(database_url).items()} == {
        k: (v.phone, v.price, v.received_at) for k, v in stored.items()}

    # clients: re-import replaces fields and the contractor list
    clients2 = CLIENTS.replace("Brooklyn Roofing Co", "Brooklyn Roofing LLC").replace(
        "U0ROOF1;U0ROOF2", "U0ROOF3")
    r = cli_main("clients", "import", str(write(tmp_path, "c2.csv", clients2)))
    assert (r.code, r.out.strip()) == (0, "clients: 2 loaded, 0 rejected")
    stored_clients = clients_in(database_url)
    assert len(stored_clients) == 2
    assert stored_clients["C-ROOF"][0].name == "Brooklyn Roofing LLC"
    assert stored_clients["C-ROOF"][1] == ["U0ROOF3"]
    assert stored_clients["C-SOLAR"][1] == ["U0SOLAR1"]


def test_the_later_row_wins_within_one_file(cli_main, database_url, tmp_path):
    path = write(tmp_path, "l.csv", f"""{LEAD_HEADER}
L-1,C-ROOF,standard,Roofing,2026-07-01T10:00:00,First,Row,,,,,,,1
L-1,C-ROOF,standard,Roofing,2026-07-01T10:00:00,Second,Row,,,,,,,2
""")
    r = cli_main("leads", "import", str(path))
    assert r.out.strip() == "leads: 1 loaded, 0 rejected"
    assert r.err.splitlines() == [
        "warning: line 2: client 'C-ROOF' is not imported yet; its leads load, but service-area checks need the client",
        "warning: line 3: lead id 'L-1' repeats line 2; the later row wins",
    ]
    assert leads_in(database_url)["L-1"].first_name == "Second"


def test_more_bad_lead_rows(cli_main, database_url, tmp_path):
    path = write(tmp_path, "l.csv", f"""{LEAD_HEADER}
L-A,,standard,Roofing,2026-07-01T10:00:00,,,,,,,,,
L-B,C-ROOF,standard,,2026-07-01T10:00:00,,,,,,,,,
L-C,C-ROOF,standard,Roofing,,,,,,,,,,
L-D,C-ROOF,standard,Roofing,2026-02-30T10:00:00,,,,,,,,,
L-E,C-ROOF,standard,Roofing,2026-07-01T10:00:00,,,,,,,,,-5
L-F,C-ROOF,standard,Roofing,2026-07-01T10:00:00,Bob,Smith,212-555-0123,b@example.com,1 Main St, Apt 2,Brooklyn,NY,11201,5
L-G,C-ROOF,standard,Roofing,2026-07-01T10:00:00,,,,,,,,{'9' * 17},
L-H,C-ROOF,standard,Roofing,2026-07-01T10:00:00,,,,,,,,,$1e12
L-OK,C-ROOF,standard,Roofing,2026-07-01T10:00:00,,,,,,,,,
""")
    r = cli_main("leads", "import", str(path))
    no_traceback(r)
    assert r.code == 0
    assert r.out.strip() == "leads: 1 loaded, 8 rejected"
    assert r.err.splitlines() == [
        "error: line 2: client_id is empty",
        "error: line 3: category is empty",
        "error: line 4: received_at is empty",
        f"error: line 5: received_at '2026-02-30T10:00:00' is not a time; {TIME_HINT}",
        "error: line 6: price '-5' is negative",
        "error: line 7: 15 values but the header has 14 columns (a value containing a comma must be in double quotes)",
        "error: line 8: zip is longer than 16 characters",
        "error: line 9: price '$1e12' is too large",
        "warning: line 10: client 'C-ROOF' is not imported yet; its leads load, but service-area checks need the client",
    ]
    assert sorted(leads_in(database_url)) == ["L-OK"]


def test_bad_client_rows(cli_main, database_url, tmp_path):
    path = write(tmp_path, "c.csv", f"""{CLIENT_HEADER}
C-RADIUS,Radius Only,C1,U1,U0AM,,,,25
C-BADZIP,Bad Zip,C2,U2,U0AM,11201;abcde,,,
,No Id,C3,U3,U0AM,,,,
C-BADRADIUS,Bad Radius,C4,U4,U0AM,,,11201,far
C-OK,Fine,C5,U5 ; U6,U0AM,11201,,11201,10 mi
""")
    r = cli_main("clients", "import", str(path))
    no_traceback(r)
    assert r.code == 0
    assert r.out.strip() == "clients: 1 loaded, 4 rejected"
    assert r.err.splitlines() == [
        "error: line 2: radius_miles is set but base_zip is empty: a radius needs a base zip",
        "error: line 3: Invalid zip code 'abcde' (expected 5 digits or ZIP+4)",
        "error: line 4: client_id is empty",
        "error: line 5: Invalid radius_miles 'far' (expected a non-negative number of miles)",
    ]
    stored = clients_in(database_url)
    assert list(stored) == ["C-OK"]
    client, users = stored["C-OK"]
    assert (client.radius_miles, client.base_zip, users) == (10.0, "11201", ["U5", "U6"])


def test_csv_variants_an_exporter_might_produce(cli_main, database_url, tmp_path):
    """Columns in another order, extra columns, CRLF, a BOM, quoted commas, offsets, padding,
    upper-case lead types, currency signs, header case, blank lines."""
    header = " Price ,ZIP,Lead_ID,notes,Client_ID,Lead Type,Category,Received_At,First_Name,Last_Name,Phone,Email,Street,City,State"
    body = [
        '"$1,234.50",11201,L-V1,"call after 5, please",C-ROOF,INBOUND_CALL,Roofing,2026-07-01T10:15:00Z,Ann,Lee,212-555-0123,ann@example.com,"12 Clark St, Apt 2",Brooklyn,NY',
        ' 38.5 , 11215 , L-V2 ,, C-ROOF , Standard , Roofing , 2026-07-01T10:15:00+00:00 , Bob , Ray , (212) 555-0124 , BOB@EXAMPLE.COM , 1 Main St , Brooklyn , NY ',
        "",
        "$45,07302,L-V3,,C-SOLAR,inbound call,Solar,2026-07-01 06:15:00-04:00,Cy,Do,+1 (212) 555-0125,,,,",
        "USD 7,07302,L-V4,,C-SOLAR,standard,Solar,2026-07-01T06:15:00.250,Di,Ed,2125550126,,,,",
        "0,07302,L-V5,,C-SOLAR,standard,Solar,2026-07-01t10:15:00z,Ed,Fo,,,,,",
        "",
    ]
    path = tmp_path / "variants.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join([header, *body]).encode("utf-8"))
    r = cli_main("leads", "import", str(path))
    no_traceback(r)
    assert (r.code, r.out.strip()) == (0, "leads: 5 loaded, 0 rejected")
    assert [line for line in r.err.splitlines() if line.startswith("error")] == []
    stored = leads_in(database_url)
    v1, v2, v3, v4, v5 = (stored[f"L-V{i}"] for i in range(1, 6))
    assert (v1.price, v1.lead_type, v1.street, v1.received_at) == (
        Decimal("1234.50"), "inbound_call", "12 Clark St, Apt 2", utc(2026, 7, 1, 10, 15))
    assert (v2.lead_id, v2.client_id, v2.lead_type, v2.price, v2.zip) == (
        "L-V2", "C-ROOF", "standard", Decimal("38.50"), "11215")
    assert (v2.first_name, v2.city, v2.email, v2.email_key) == ("Bob", "Brooklyn", "BOB@EXAMPLE.COM", "bob@example.com")
    assert (v2.phone, v2.phone_e164, v2.received_at) == ("(212) 555-0124", "+12125550124", utc(2026, 7, 1, 10, 15))
    assert (v3.lead_type, v3.price, v3.received_at, v3.phone_e164) == (
        "inbound_call", Decimal("45.00"), utc(2026, 7, 1, 10, 15), "+12125550125")
    assert (v4.price, v4.received_at) == (Decimal("7.00"), utc(2026, 7, 1, 10, 15, 0, 250000))
    assert (v5.price, v5.received_at) == (Decimal("0.00"), utc(2026, 7, 1, 10, 15))


def test_naive_times_are_read_in_the_policy_timezone(cli_main, database_url, tmp_path):
    path = write(tmp_path, "l.csv", f"""{LEAD_HEADER}
L-W,C-ROOF,standard,Roofing,2026-01-15T09:00:00,,,,,,,,,
L-S,C-ROOF,standard,Roofing,2026-07-15T09:00:00,,,,,,,,,
L-D,C-ROOF,standard,Roofing,2026-07-15,,,,,,,,,
""")
    assert cli_main("leads", "import", str(path)).code == 0
    stored = leads_in(database_url)
    assert stored["L-W"].received_at == utc(2026, 1, 15, 14)  # EST
    assert stored["L-S"].received_at == utc(2026, 7, 15, 13)  # EDT
    assert stored["L-D"].received_at == utc(2026, 7, 15, 4)   # a date alone: local midnight

    assert cli_main("leads", "import", str(path), POLICY_TIMEZONE="America/Los_Angeles").code == 0
    stored = leads_in(database_url)
    assert stored["L-W"].received_at == utc(2026, 1, 15, 17)  # PST
    assert stored["L-S"].received_at == utc(2026, 7, 15, 16)  # PDT


def test_empty_and_blank_files(cli_main, database_url, tmp_path):
    r = cli_main("leads", "import", str(write(tmp_path, "empty.csv", "")))
    no_traceback(r)
    assert (r.code, r.out) == (1, "")
    assert r.err.strip() == f"credit-bot: {tmp_path / 'empty.csv'} is empty (expected a header row)"

    r = cli_main("leads", "import", str(write(tmp_path, "header.csv", LEAD_HEADER + "\n\n,,,\n")))
    assert (r.code, r.out.strip(), r.err) == (0, "leads: 0 loaded, 0 rejected", "")

    r = cli_main("clients", "import", str(tmp_path))
    assert r.code == 1
    assert r.err.strip() == f"credit-bot: {tmp_path} is not a regular file"


@pytest.mark.parametrize("bulk_batches", [100, 2])
def test_a_big_file_loads_in_batches_and_keeps_its_indexes(cli_main, database_url, tmp_path, monkeypatch,
                                                           bulk_batches):
    """Many batches, into an empty table (the bulk load, whole or stopping after two batches)
    and again into a full one."""
    monkeypatch.setattr(importing, "BATCH", 1000)
    monkeypatch.setattr(bulk, "BULK_BATCHES", bulk_batches)
    n = 1000 * 4 + 123
    rng = random.Random(5)
    start = datetime(2026, 6, 1)
    lines = [LEAD_HEADER]
    for i in range(n):
        at = start + timedelta(minutes=rng.randint(0, 60 * 24 * 30))
        stamp = at.isoformat() + ("Z" if i % 3 == 0 else "")
        lines.append(f"L-{i:06d},C-{i % 40:02d},{'standard' if i % 4 else 'inbound_call'},Cat{i % 7},{stamp},"
                     f"F{i},L{i},({200 + i % 700}) 555-{i % 10000:04d},e{i}@Example.com,{i} Main St,City,NY,"
                     f"{10000 + i % 900},{i % 90}.{i % 100:02d}")
    lines.append("L-BAD,C-00,standard,Cat1,yesterday,,,,,,,,,")
    path = write(tmp_path, "big.csv", "\n".join(lines) + "\n")
    r = cli_main("leads", "import", str(path))
    assert r.code == 0
    assert r.out.strip() == f"leads: {n} loaded, 1 rejected"
    assert r.err.splitlines()[0] == f"error: line {n + 2}: received_at 'yesterday' is not a time; {TIME_HINT}"

    db = Database(database_url)
    try:
        with db.read() as session:
            assert session.scalar(select(func.count()).select_from(Lead)) == n
            sample = session.get(Lead, "L-000003")
            assert (sample.phone_e164, sample.email_key, sample.price) == (
                "+12035550003", "e3@example.com", Decimal("3.03"))
            if db.dialect == "sqlite":
                names = set(session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'index' "
                                                 "AND tbl_name = 'leads'")))
            else:
                names = set(session.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'leads'")))
        assert {"ix_leads_dup_phone", "ix_leads_dup_email", "ix_leads_client_received"} <= names
    finally:
        db.dispose()

    # again into the full table, with one row changed
    changed = path.read_text().replace("L-000003,C-03,standard,Cat3", "L-000003,C-03,standard,Cat9")
    r = cli_main("leads", "import", str(write(tmp_path, "big2.csv", changed)))
    assert r.out.strip() == f"leads: {n} loaded, 1 rejected"
    stored = leads_in(database_url)
    assert len(stored) == n
    assert (stored["L-000003"].category, stored["L-000003"].category_key) == ("Cat9", "cat9")
    assert stored["L-000004"].category == "Cat4"


@pytest.mark.parametrize("bulk_batches", [100, 1])
def test_a_lead_repeated_batches_apart_keeps_the_later_row(cli_main, database_url, tmp_path, monkeypatch,
                                                           bulk_batches):
    monkeypatch.setattr(importing, "BATCH", 100)
    monkeypatch.setattr(bulk, "BULK_BATCHES", bulk_batches)
    lines = [LEAD_HEADER]
    lines += [f"L-{i:06d},C-ROOF,standard,Roofing,2026-07-01T10:00:00,First{i},,,,,,,,1" for i in range(250)]
    lines += [f"L-{i:06d},C-ROOF,standard,Roofing,2026-07-01T11:00:00,Again{i},,,,,,,,2" for i in range(3)]
    r = cli_main("leads", "import", str(write(tmp_path, "l.csv", "\n".join(lines) + "\n")))
    assert r.code == 0
    assert [line for line in r.err.splitlines() if line.startswith("error")] == []
    stored = leads_in(database_url)
    assert len(stored) == 250
    assert [(stored[f"L-{i:06d}"].first_name, stored[f"L-{i:06d}"].price) for i in (0, 2, 3)] == [
        ("Again0", Decimal("2.00")), ("Again2", Decimal("2.00")), ("First3", Decimal("1.00"))]
    assert stored["L-000001"].received_at == utc(2026, 7, 1, 15)


# --- spreadsheet-shaped files -------------------------------------------------------------------


def test_phones_a_spreadsheet_turned_into_numbers(cli_main, database_url, tmp_path):
    """Read back exactly where every digit is there (marked repaired, quietly); where digits were
    lost the row still loads, marked unreadable, with a warning."""
    assert cli_main("clients", "import", str(write(tmp_path, "c.csv", CLIENTS))).code == 0
    path = write(tmp_path, "l.csv", f"""{LEAD_HEADER}
L-DOT,C-ROOF,standard,Roofing,2026-07-01T10:00:00,A,B,3125550101.0,,,,,11201,
L-DOT2,C-ROOF,standard,Roofing,2026-07-01T10:00:00,A,B,3125550101.00,,,,,11201,
L-EXP,C-ROOF,standard,Roofing,2026-07-01T10:00:00,A,B,6.175550113E+09,,,,,11201,
L-EXP2,C-ROOF,standard,Roofing,2026-07-01T10:00:00,A,B,6.175550113e9,,,,,11201,
L-ELEVEN,C-ROOF,standard,Roofing,2026-07-01T10:00:00,A,B,1.2125550123E+10,,,,,11201,
L-SHORT,C-ROOF,standard,Roofing,2026-07-01T10:00:00,A,B,212555012.0,,,,,11201,
L-LOST,C-ROOF,standard,Roofing,2026-07-01T10:00:00,A,B,6.18E+09,,,,,11201,
L-PLAIN,C-ROOF,standard,Roofing,2026-07-01T10:00:00,A,B,312.555.0101,,,,,11201,
L-LOCAL,C-ROOF,standard,Roofing,2026-07-01T10:00:00,A,B,555.0123,,,,,11201,
""")
    r = cli_main("leads", "import", str(path))
    no_traceback(r)
    assert (r.code, r.out.strip()) == (0, "leads: 9 loaded, 0 rejected")
    assert r.err.splitlines() == [
        "warning: line 8: phone '6.18E+09' lost digits in a spreadsheet (unreadable); the lead loads, but a "
        "person must find the real number (format the column as text)",
    ]
    stored = {k: (v.phone, v.phone_e164, v.phone_quality) for k, v in leads_in(database_url).items()}
    assert stored == {
        "L-DOT": ("3125550101.0", "+13125550101", "repaired"),
        "L-DOT2": ("3125550101.00", "+13125550101", "repaired"),
        "L-EXP": ("6.175550113E+09", "+16175550113", "repaired"),
        "L-EXP2": ("6.175550113e9", "+16175550113", "repaired"),
        "L-ELEVEN": ("1.2125550123E+10", "+12125550123", "repaired"),
        "L-SHORT": ("212555012.0", normalize_phone("212555012"), "repaired"),  # nine digits, as written
        "L-LOST": ("6.18E+09", None, "unreadable"),
        "L-PLAIN": ("312.555.0101", "+13125550101", ""),
        "L-LOCAL": ("555.0123", normalize_phone("555.0123"), ""),
    }

    # the same file fixed at the source: the marks go away
    fixed = path.read_text().replace("3125550101.0,", "3125550101,").replace("6.18E+09", "6175550188")
    r = cli_main("leads", "import", str(write(tmp_path, "fixed.csv", fixed)))
    assert (r.code, r.err) == (0, "")
    stored = leads_in(database_url)
    assert (stored["L-DOT"].phone_e164, stored["L-DOT"].phone_quality) == ("+13125550101", "")
    assert (stored["L-LOST"].phone_e164, stored["L-LOST"].phone_quality) == ("+16175550188", "")


def test_zips_that_lost_their_leading_zero_are_padded(cli_main, database_url, tmp_path):
    clients = write(tmp_path, "c.csv", f"""{CLIENT_HEADER}
C-BOS,Boston Roofing,C0BOS,U0BOS,U0AM1,2134;2138 02139,,2134,10
""")
    r = cli_main("clients", "import", str(clients))
    assert (r.code, r.out.strip()) == (0, "clients: 1 loaded, 0 rejected")
    assert r.err.splitlines() == [
        "warning: line 2: service_zips zip '2134' read as 02134 (a spreadsheet dropped its leading zero)",
        "warning: line 2: service_zips zip '2138' read as 02138 (a spreadsheet dropped its leading zero)",
        "warning: line 2: base_zip zip '2134' read as 02134 (a spreadsheet dropped its leading zero)",
    ]
    client, _ = clients_in(database_url)["C-BOS"]
    assert (client.service_zips, client.base_zip) == ("02134;02138;02139", "02134")

    path = write(tmp_path, "l.csv", f"""{LEAD_HEADER}
L-PAD,C-BOS,standard,Roofing,2026-07-01T10:00:00,,,,,,,,2134,
L-NUM,C-BOS,standard,Roofing,2026-07-01T10:00:00,,,,,,,,2134.0,
L-READ,C-BOS,standard,Roofing,2026-07-01T10:00:00,,,,,,,,11201.0,
L-FULL,C-BOS,standard,Roofing,2026-07-01T10:00:00,,,,,,,,02134,
L-PLUS4,C-BOS,standard,Roofing,2026-07-01T10:00:00,,,,,,,,02134-1234,
L-SHORT,C-BOS,standard,Roofing,2026-07-01T10:00:00,,,,,,,,501,
""")
    r = cli_main("leads", "import", str(path))
    assert (r.code, r.out.strip()) == (0, "leads: 6 loaded, 0 rejected")
    assert r.err.splitlines() == [
        "warning: line 2: zip '2134' read as 02134 (a spreadsheet dropped its leading zero); a person must "
        "confirm it before a service-area credit",
        "warning: line 3: zip '2134.0' read as 02134 (a spreadsheet dropped its leading zero); a person must "
        "confirm it before a service-area credit",
        "warning: line 4: zip '11201.0' read as 11201 (spreadsheet number notation); a person must confirm it "
        "before a service-area credit",
    ]
    stored = {k: (v.zip, v.zip_quality) for k, v in leads_in(database_url).items()}
    assert stored == {"L-PAD": ("02134", "repaired"), "L-NUM": ("02134", "repaired"),
                      "L-READ": ("11201", "repaired"), "L-FULL": ("02134", ""),
                      "L-PLUS4": ("02134-1234", ""), "L-SHORT": ("501", "")}


@pytest.mark.parametrize("bulk_batches", [100, 1])
def test_a_lead_id_repeated_in_the_file_is_reported(cli_main, database_url, tmp_path, monkeypatch, bulk_batches):
    """The issue's file: five rows, four leads. Also across batches, and a repeat that is rejected."""
    monkeypatch.setattr(importing, "BATCH", 2)
    monkeypatch.setattr(bulk, "BULK_BATCHES", bulk_batches)
    assert cli_main("clients", "import", str(write(tmp_path, "c.csv", CLIENTS))).code == 0
    path = write(tmp_path, "l.csv", f"""{LEAD_HEADER}
L-1,C-ROOF,standard,Roofing,2026-07-01T10:00:00,First,Row,,,,,,,1
L-2,C-ROOF,standard,Roofing,2026-07-01T10:00:00,,,,,,,,,
L-3,C-ROOF,standard,Roofing,2026-07-01T10:00:00,,,,,,,,,
L-4,C-ROOF,standard,Roofing,2026-07-01T10:00:00,,,,,,,,,
L-1,C-ROOF,standard,Roofing,2026-07-01T10:00:00,Second,Row,,,,,,,2
L-1,C-ROOF,standard,Roofing,not a time,Rejected,Row,,,,,,,3
L-1,C-ROOF,standard,Roofing,2026-07-01T10:00:00,Third,Row,,,,,,,4
""")
    r = cli_main("leads", "import", str(path))
    assert (r.code, r.out.strip()) == (0, "leads: 4 loaded, 1 rejected")
    assert r.err.splitlines() == [
        f"error: line 7: received_at 'not a time' is not a time; {TIME_HINT}",
        "warning: line 6: lead id 'L-1' repeats line 2; the later row wins",
        "warning: line 8: lead id 'L-1' repeats line 6; the later row wins",
    ]
    stored = leads_in(database_url)
    assert sorted(stored) == ["L-1", "L-2", "L-3", "L-4"]
    assert (stored["L-1"].first_name, stored["L-1"].price) == ("Third", Decimal("4.00"))


def test_repeats_are_exact_even_when_id_hashes_collide(cli_main, database_url, tmp_path, monkeypatch):
    """Every id hashing alike (the rare path for every row): only real repeats are reported,
    with the physical line numbers of records that span lines."""
    monkeypatch.setattr(importing, "_UNSIGNED", 0)
    monkeypatch.setattr(importing, "BATCH", 3)
    path = write(tmp_path, "l.csv", f"""{LEAD_HEADER}
L-A,C-ROOF,standard,Roofing,2026-07-01T10:00:00,,,,,"1 Main St
Apt 2",,,,
L-B,C-ROOF,standard,Roofing,2026-07-01T10:00:00,,,,,,,,,
L-C,C-ROOF,standard,Roofing,2026-07-01T10:00:00,,,,,,,,,
L-D,C-ROOF,standard,Roofing,2026-07-01T10:00:00,,,,,,,,,
L-A,C-ROOF,standard,Roofing,2026-07-01T10:00:00,,,,,Later,,,,
L-E,C-ROOF,standard,Roofing,2026-07-01T10:00:00,,,,,,,,,
""")
    r = cli_main("leads", "import", str(path))
    assert (r.code, r.out.strip()) == (0, "leads: 5 loaded, 0 rejected")
    assert r.err.splitlines()[1:] == ["warning: line 7: lead id 'L-A' repeats line 3; the later row wins"]
    assert leads_in(database_url)["L-A"].street == "Later"


def test_us_spreadsheet_times(cli_main, database_url, tmp_path):
    """M/D/YYYY with H:MM AM/PM or a 24-hour HH:MM[:SS], in the policy time zone."""
    path = write(tmp_path, "l.csv", f"""{LEAD_HEADER}
L-AM,C-ROOF,standard,Roofing,7/6/2026 9:00 AM,,,,,,,,,
L-PM,C-ROOF,standard,Roofing,7/6/2026 9:05 PM,,,,,,,,,
L-NOON,C-ROOF,standard,Roofing,7/6/2026 12:00 PM,,,,,,,,,
L-MIDNIGHT,C-ROOF,standard,Roofing,7/6/2026 12:00 AM,,,,,,,,,
L-SECS,C-ROOF,standard,Roofing,7/6/2026 9:00:30 am,,,,,,,,,
L-24,C-ROOF,standard,Roofing,07/06/2026 21:05,,,,,,,,,
L-24S,C-ROOF,standard,Roofing,1/15/2026 09:00:59,,,,,,,,,
L-BADDAY,C-ROOF,standard,Roofing,2/30/2026 9:00 AM,,,,,,,,,
L-BADHOUR,C-ROOF,standard,Roofing,7/6/2026 13:00 PM,,,,,,,,,
L-DMY,C-ROOF,standard,Roofing,13/7/2026 09:00,,,,,,,,,
L-WORDS,C-ROOF,standard,Roofing,July 6 2026,,,,,,,,,
""")
    r = cli_main("leads", "import", str(path))
    no_traceback(r)
    assert (r.code, r.out.strip()) == (0, "leads: 7 loaded, 4 rejected")
    assert [line for line in r.err.splitlines() if line.startswith("error")] == [
        f"error: line 9: received_at '2/30/2026 9:00 AM' is not a time; {TIME_HINT}",
        f"error: line 10: received_at '7/6/2026 13:00 PM' is not a time; {TIME_HINT}",
        f"error: line 11: received_at '13/7/2026 09:00' is not a time; {TIME_HINT}",
        f"error: line 12: received_at 'July 6 2026' is not a time; {TIME_HINT}",
    ]
    stored = {k: v.received_at for k, v in leads_in(database_url).items()}
    assert stored == {
        "L-AM": utc(2026, 7, 6, 13), "L-PM": utc(2026, 7, 7, 1, 5), "L-NOON": utc(2026, 7, 6, 16),
        "L-MIDNIGHT": utc(2026, 7, 6, 4), "L-SECS": utc(2026, 7, 6, 13, 0, 30), "L-24": utc(2026, 7, 7, 1, 5),
        "L-24S": utc(2026, 1, 15, 14, 0, 59),  # EST
    }


def test_files_that_are_not_regular_or_too_large_load_nothing(cli_main, database_url, tmp_path):
    leads = write(tmp_path, "l.csv", LEADS)
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    for noun in ("clients", "leads"):
        for path in (tmp_path, fifo, Path("/dev/null")):
            r = cli_main(noun, "import", str(path))
            assert (r.code, r.out) == (1, "")
            assert r.err.splitlines() == [f"credit-bot: {path} is not a regular file"]
    size = leads.stat().st_size
    r = cli_main("leads", "import", str(leads), IMPORT_MAX_BYTES=str(size - 1))
    assert (r.code, r.out) == (1, "")
    assert r.err.splitlines() == [
        f"credit-bot: {leads} is {size:,} bytes, over the import limit of {size - 1:,} bytes (IMPORT_MAX_BYTES)"]
    assert leads_in(database_url) == {}
    r = cli_main("leads", "import", str(leads), IMPORT_MAX_BYTES="1K")
    assert (r.code, r.out.strip()) == (0, "leads: 3 loaded, 0 rejected")
    r = cli_main("leads", "import", str(leads), IMPORT_MAX_BYTES="lots")
    assert r.code == 1
    assert r.err.splitlines() == [
        "credit-bot: IMPORT_MAX_BYTES must be a positive number of bytes (like 2147483648 or 2G), not 'lots'"]


def test_dev_zero_is_refused_at_once(database_url, tmp_path):
    r = run_cli(database_url, "leads", "import", "/dev/zero", cwd=tmp_path)
    no_traceback(r)
    assert (r.code, r.out, r.err.splitlines()) == (1, "", ["credit-bot: /dev/zero is not a regular file"])


def test_slack_ids_in_client_imports_are_validated(cli_main, database_url, tmp_path):
    path = write(tmp_path, "c.csv", f"""{CLIENT_HEADER}
C-AM,Bad Manager,C0AM,U0A,<@<!here>>,,,,
C-CHAN,Bad Channel,#roofing,U0B,U0AM,,,,
C-USER,Bad User,C0USER,U0C;<!channel>,U0AM,,,,
C-LONG,Long User,C0LONG,{'U' * 33},U0AM,,,,
C-OK,Fine,C0OK,U0D U0E,W0AM,,,,
""")
    r = cli_main("clients", "import", str(path))
    no_traceback(r)
    assert (r.code, r.out.strip()) == (0, "clients: 1 loaded, 4 rejected")
    assert r.err.splitlines() == [
        "error: line 2: account_manager_user_id '<@<!here>>' is not a Slack user id (like U0123ABCD)",
        "error: line 3: slack_channel_id '#roofing' is not a Slack channel id (like C0123ABCD)",
        "error: line 4: slack_user_ids: '<!channel>' is not a Slack user id (like U0123ABCD)",
        f"error: line 5: slack_user_ids: '{'U' * 33}' is not a Slack user id (like U0123ABCD)",
    ]
    client, users = clients_in(database_url)["C-OK"]
    assert (client.account_manager_user_id, users) == ("W0AM", ["U0D", "U0E"])


def test_warnings_of_one_kind_are_listed_up_to_a_limit(cli_main, tmp_path, monkeypatch):
    monkeypatch.setattr(csvfiles, "WARNING_LIMIT", 2)
    rows = [f"L-{i},C-ROOF,standard,Roofing,2026-07-01T10:00:00,,,,,,,,2134," for i in range(5)]
    r = cli_main("leads", "import", str(write(tmp_path, "l.csv", "\n".join([LEAD_HEADER, *rows]) + "\n")))
    assert (r.code, r.out.strip()) == (0, "leads: 5 loaded, 0 rejected")
    assert [line.split(":")[1] for line in r.err.splitlines()[1:3]] == [" line 2", " line 3"]
    assert r.err.splitlines()[3:] == ["warning: 3 more zips repaired, not listed (the first 2 are)"]


# --- the fast paths equal the slow ones ---------------------------------------------------------


def test_fast_e164_equals_normalize_phone():
    rng = random.Random(11)
    phones = ["(+1 212 555 0123)", "212+555-0123", "+1 (212) 555-0123", "1 212 555 0123", "+12125550123",
              "2125550123", "+2125550123", "12125550123", "212\t555 0123", "\uff12\uff11\uff12\uff15\uff15\uff15"
              "\uff10\uff11\uff12\uff13", "212.555.0123 x12", "+44 20 7946 0958", "555-0100", "123-456-7891",
              "1-800-FLOWERS", "+1 123 456 7890", "0212 555 0123", "11234567890", "+", "()", "1", "+1"]
    for _ in range(5000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(7, 12)))
        phones.append(rng.choice(["", "+", "1", " "]) + "".join(d + rng.choice(["", "", " ", "-", ".", "(", ")"])
                                                               for d in digits))
    assert [p for p in phones if fast_e164(p) != read_phone(p).e164] == []
    # and read_phone is normalize_phone, except for spreadsheet notation
    assert [p for p in phones if read_phone(p).quality is None and read_phone(p).e164 != normalize_phone(p)] == []


@pytest.mark.parametrize("zone", ["America/New_York", "America/St_Johns", "Asia/Kolkata", "Australia/Lord_Howe"])
def test_stamp_maker_equals_datetime_arithmetic(zone):
    tz = ZoneInfo(zone)
    make, make_pg = StampMaker(tz), StampMaker(tz, postgresql=True)
    rng = random.Random(zone)
    texts = ["2026-03-08T01:59:59", "2026-03-08T02:30:00", "2026-03-08T03:00:00", "2026-11-01T01:30:00",
             "2026-11-01T02:00:00", "2026-04-05T01:45:00", "2026-10-04T02:15:00"]
    for _ in range(4000):
        at = datetime(2026, 1, 1) + timedelta(seconds=rng.randint(0, 86400 * 365))
        texts.append(rng.choice([
            at.isoformat(), at.isoformat(" "), at.isoformat() + "Z", at.isoformat() + "+05:30",
            at.isoformat() + "-04:00", at.isoformat(timespec="milliseconds"), at.isoformat(timespec="minutes"),
        ]))
    for t in texts:
        value = datetime.fromisoformat(t)
        if value.tzinfo is None:
            value = value.replace(tzinfo=tz)
        want = value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        assert (make(t), make_pg(t)) == (want, want + "+00"), t


@pytest.mark.parametrize(("raw", "stored"), [
    ("45", "45.00"), ("45.00", "45.00"), ("$45", "45.00"), ("1,234.5", "1234.50"), ("$ 12.345", "12.35"),
    ("USD 7", "7.00"), ("0", "0.00"), ("9999999999.99", "9999999999.99"),
])
def test_prices(raw, stored):
    assert _price(raw) == stored


def test_the_length_limits_match_the_model():
    assert importing._LEAD_LIMITS == {
        "lead_id": 64, "client_id": 64, "lead_type": 32, "category": 200, "category_key": 200,
        "first_name": 200, "last_name": 200, "phone": 64, "phone_e164": 32, "email": 320, "email_key": 320,
        "street": 300, "city": 200, "state": 32, "zip": 16, "phone_quality": 16, "zip_quality": 16,
        "supplier_id": 64,
    }


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
