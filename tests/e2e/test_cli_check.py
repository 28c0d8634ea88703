"""`credit-bot check`: the policy verdict for a stored lead, printed as JSON.

Every test runs on SQLite and on PostgreSQL (the ``database_url`` fixture). The data is
loaded with ``credit-bot clients import`` / ``leads import``; the verdicts are read back from
the command's stdout. A representative subset runs a real ``credit-bot`` process."""

from __future__ import annotations

import gc
import os
import re
import subprocess
from pathlib import Path

import pytest

from bot.usecases.checking import CheckRow, read_check_rows
from bot.usecases.importing import ImportFileError
from tests.support.cli import Run, cli_in_process

ROOT = Path(__file__).resolve().parents[2]
POLICY_VARS = ("POLICY_TIMEZONE", "POLICY_HOLIDAYS", "AUTO_APPROVE", "AUTO_DENY")
CHECKS = ["window", "reason", "notes", "phone", "duplicate", "service_area", "details"]
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")

CLIENTS = """client_id,name,slack_channel_id,slack_user_ids,account_manager_user_id,service_zips,service_counties,base_zip,radius_miles
C-ROOF,Brooklyn Roofing Co,C0ROOF,U0ROOF1;U0ROOF2,U0AM1,11201;11215;11217,"Kings County, NY",11201,15
C-SOLAR,Sunrise Solar,C0SOLAR,U0SOLAR1,U0AM1,,"Essex County, NJ;Hudson County, NJ",,
C-HVAC,Metro HVAC,C0HVAC,U0HVAC1,U0AM2,10001;10011,,10001,25
C-NOAREA,No Area Inc,C0NOAREA,U0NA,U0AM2,,,,
"""
LEADS = """lead_id,client_id,lead_type,category,received_at,first_name,last_name,phone,email,street,city,state,zip,price
L-INV,C-ROOF,inbound_call,Roofing,2026-07-01T10:15:00,Maria,Lopez,123-456-7891,maria@example.com,12 Clark St,Brooklyn,NY,11201,45.00
L-VALID,C-ROOF,standard,Roofing,2026-07-01T11:00:00,James,Chen,(212) 555-0123,jchen@example.com,80 Court St,Brooklyn,NY,11201,38.50
L-PRIOR,C-ROOF,standard,Roofing,2026-06-20T09:30:00,Ana,Silva,718-555-0142,ana.silva@example.com,5 Smith St,Brooklyn,NY,11217,38.50
L-DUP,C-ROOF,standard,Roofing,2026-07-02T16:45:00,Ana,Silva,+1 718 555 0142,Ana.Silva@Example.com,5 Smith St,Brooklyn,NY,11217,38.50
L-OTHERCAT,C-ROOF,standard,Gutters,2026-07-02T17:00:00,Ana,Silva,718-555-0142,ana.silva@example.com,5 Smith St,Brooklyn,NY,11217,22.00
L-EMAILDUP,C-ROOF,STANDARD, roofing ,2026-07-02T18:00:00-04:00,Ana,Silva,,ANA.SILVA@EXAMPLE.COM,5 Smith St,Brooklyn,NY,11217,$38.50
L-H1,C-HVAC,standard,HVAC,2026-05-01T10:00:00,Sam,Ortiz,646-555-0199,sam@example.com,350 5th Ave,New York,NY,10118,52.00
L-H2,C-HVAC,standard,HVAC,2026-06-15T10:00:00,Sam,Ortiz,646-555-0199,sam@example.com,350 5th Ave,New York,NY,10118,52.00
L-FAR,C-ROOF,inbound_call,Roofing,2026-07-03T02:00:00Z,Tom,Reed,917-555-0188,,200 Main St,Albany,NY,12207,45.00
L-NJ,C-SOLAR,standard,Solar,2026-07-02T09:00:00,Rosa,Diaz,201-555-0177,rosa@example.com,30 Newark Ave,Jersey City,NJ,07302,60.00
L-NOAREA,C-NOAREA,standard,Solar,2026-07-02T09:00:00,Al,Bo,201-555-0178,al@example.com,1 X St,Montauk,NY,11954,60.00
L-WED,C-ROOF,inbound_call,Roofing,2026-07-01T12:00:00,Wed,Lead,123-456-7891,,1 St,Brooklyn,NY,11201,1
"""
MONDAY = "2026-07-06T09:00:00"  # inside every July window below
TIME_HINT = "use ISO 8601 like 2026-07-06T09:00:00-04:00 or a spreadsheet time like 7/6/2026 9:00 AM"


def _env(url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in POLICY_VARS and k != "DATABASE_URL"}
    env.update(DATABASE_URL=url, **extra)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


@pytest.fixture
def desk(database_url, tmp_path, monkeypatch, capsys):
    """The clients and leads above, imported; ``desk.main(...)`` runs the CLI in-process,
    ``desk.process(...)`` runs the installed command."""
    monkeypatch.chdir(tmp_path)
    for name in POLICY_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)

    class Desk:
        url = database_url
        tmp = tmp_path

        @staticmethod
        def main(*args: str, **env: str) -> Run:
            return cli_in_process(monkeypatch, capsys, *args, **env)

        @staticmethod
        def process(*args: str, **env: str) -> Run:
            proc = subprocess.run(["credit-bot", *args], env=_env(database_url, **env), cwd=tmp_path,
                                  capture_output=True, text=True, timeout=120)
            return Run(proc.returncode, proc.stdout, proc.stderr)

        def check(self, lead_id: str, reason: str, details: str, requested_at: str | None = MONDAY,
                  **env: str) -> dict:
            args = ["check", "--lead-id", lead_id, "--reason", reason, "--details", details]
            if requested_at is not None:
                args += ["--requested-at", requested_at]
            run = self.main(*args, **env)
            assert (run.code, run.err) == (0, ""), run
            return run.json

    (tmp_path / "clients.csv").write_text(CLIENTS)
    (tmp_path / "leads.csv").write_text(LEADS)
    d = Desk()
    assert d.main("clients", "import", "clients.csv").out.strip() == "clients: 4 loaded, 0 rejected"
    assert d.main("leads", "import", "leads.csv").out.strip() == "leads: 12 loaded, 0 rejected"
    yield d
    gc.collect()  # engines made by main() hold pooled connections until collected


def outcomes(verdict: dict) -> dict[str, str]:
    return {f["check"]: f["outcome"] for f in verdict["findings"]}


def detail(verdict: dict, check: str) -> str:
    return next(f["detail"] for f in verdict["findings"] if f["check"] == check)


def assert_shape(verdict: dict) -> None:
    assert verdict["verdict"] in ("approve", "deny", "review")
    assert ISO_WITH_OFFSET.match(verdict["deadline"]), verdict["deadline"]
    assert [f["check"] for f in verdict["findings"]] == CHECKS
    for f in verdict["findings"]:
        assert set(f) == {"check", "outcome", "detail"}
        assert f["outcome"] in ("pass", "fail", "warn", "info")
        assert f["detail"].strip()
    assert ("deny_reason" in verdict) == (verdict["verdict"] == "deny")


# --- through a real process -------------------------------------------------------------------


def test_check_prints_the_verdict_as_json(desk):
    run = desk.process("check", "--lead-id", "L-INV", "--reason", "invalid_number",
                       "--details", "Called twice, the number is not a real number.",
                       "--requested-at", "2026-07-02T10:00:00-04:00")
    assert (run.code, run.err) == (0, "")
    verdict = run.json
    assert_shape(verdict)
    assert verdict["lead_id"] == "L-INV"
    assert verdict["verdict"] == "approve"
    assert verdict["deadline"] == "2026-07-09T23:59:59-04:00"  # Wed 07-01 + 5 business days, Fri 07-03 a holiday
    assert outcomes(verdict) == {"window": "pass", "reason": "pass", "notes": "pass", "phone": "pass",
                                 "duplicate": "info", "service_area": "info", "details": "pass"}
    assert detail(verdict, "phone") == "123-456-7891 is not a valid phone number (no such area code or exchange)"
    assert detail(verdict, "window").startswith("Reported Thu Jul 2 2026, 10:00 AM EDT, inside the window ending "
                                                "Thu Jul 9 2026, 11:59 PM EDT")


def test_unknown_lead_or_reason_is_one_line_on_stderr(desk):
    for args, message in [
        (["--lead-id", "L-NOPE", "--reason", "invalid_number"], "credit-bot: unknown lead id 'L-NOPE'"),
        (["--lead-id", "L-INV", "--reason", "bad_vibes"], "credit-bot: unknown reason code 'bad_vibes' (`credit-bot check --help` lists them)"),
        (["--lead-id", "L-INV", "--reason", "invalid_numbr"],
         "credit-bot: unknown reason code 'invalid_numbr' (did you mean 'invalid_number'?)"),
        (["--lead-id", "L-INV", "--reason", "invalid_number", "--requested-at", "last tuesday"],
         f"credit-bot: --requested-at 'last tuesday' is not a time; {TIME_HINT}"),
    ]:
        run = desk.process("check", *args, "--details", "x")
        assert run.code != 0
        assert run.out == ""
        assert run.err.splitlines() == [message]
        assert "Traceback" not in run.err


def test_check_csv_prints_one_json_line_per_row_in_order(desk):
    (desk.tmp / "requests.csv").write_text(
        "lead_id,reason,details,requested_at\n"
        "L-INV,invalid_number,\"Called twice, not a real number.\",2026-07-06T09:00:00\n"
        "L-DUP,duplicate_lead,Same homeowner we got on June 20.,2026-07-06T13:00:00Z\n"
        "L-VALID,did_not_win_job,Went with another contractor.,2026-07-06T09:00:00\n"
        "L-FAR,out_of_service_area,Albany is far.,2026-07-11T09:00:00\n"
    )
    run = desk.process("check", "--csv", "requests.csv")
    assert (run.code, run.err) == (0, "")
    lines = run.lines
    assert [(v["lead_id"], v["verdict"], v.get("deny_reason")) for v in lines] == [
        ("L-INV", "approve", None),
        ("L-DUP", "approve", None),
        ("L-VALID", "deny", "did_not_win_job"),
        ("L-FAR", "deny", "late_report"),
    ]
    for v in lines:
        assert_shape(v)
    assert lines[3]["deadline"] == "2026-07-10T23:59:59-04:00"


# --- every verdict path (in-process) ------------------------------------------------------------


def test_approve_invalid_number_and_review_when_the_phone_is_valid(desk):
    approve = desk.check("L-INV", "invalid_number", "The number is not a real number")
    assert approve["verdict"] == "approve" and outcomes(approve)["phone"] == "pass"

    review = desk.check("L-VALID", "invalid_number", "Number is disconnected")
    assert_shape(review)
    assert review["verdict"] == "review"
    assert outcomes(review)["phone"] == "warn"
    assert detail(review, "phone").startswith("(212) 555-0123 is a valid US number")


def test_approve_duplicate_lead_and_review_without_a_prior_delivery(desk):
    dup = desk.check("L-DUP", "duplicate_lead", "Same homeowner as two weeks ago")
    assert dup["verdict"] == "approve"
    assert outcomes(dup)["duplicate"] == "pass"
    assert detail(dup, "duplicate") == "Same contact delivered as lead L-PRIOR on 2026-06-20 (12 days before)"

    # no phone; the email matches case-insensitively, the category with other case and padding
    by_email = desk.check("L-EMAILDUP", "duplicate_lead", "Same homeowner again")
    assert by_email["verdict"] == "approve"
    assert detail(by_email, "duplicate").startswith("Same contact delivered as lead L-DUP on 2026-07-02")

    other_category = desk.check("L-OTHERCAT", "duplicate_lead", "Same homeowner as before")
    assert other_category["verdict"] == "review"
    assert outcomes(other_category)["duplicate"] == "warn"

    too_old = desk.check("L-H2", "duplicate_lead", "Same homeowner as in May", requested_at="2026-06-16T09:00:00")
    assert too_old["verdict"] == "review"  # the May delivery is 45 days before
    assert outcomes(too_old)["duplicate"] == "warn"


def test_approve_out_of_service_area_and_review_when_inside(desk):
    far = desk.check("L-FAR", "out_of_service_area", "Albany is 150 miles away")
    assert far["verdict"] == "approve"
    assert outcomes(far)["service_area"] == "pass"
    assert "12207 is outside the service area" in detail(far, "service_area")

    inside = desk.check("L-NJ", "out_of_service_area", "Jersey City is not in our area")
    assert inside["verdict"] == "review"
    assert outcomes(inside)["service_area"] == "warn"
    assert detail(inside, "service_area") == "Zip 07302 is in Hudson County, NJ, a service county"

    unknown_area = desk.check("L-NOAREA", "out_of_service_area", "Montauk is not ours")
    assert unknown_area["verdict"] == "review"
    assert detail(unknown_area, "service_area") == "No service area is configured for this client"


def test_nothing_to_check_offline_goes_to_review(desk):
    for reason in ("incorrect_contact", "testing_solicitation"):
        verdict = desk.check("L-VALID", reason, "The person who answered never asked for a roof")
        assert verdict["verdict"] == "review", reason
        assert outcomes(verdict)["reason"] == "pass"


def test_deny_paths(desk):
    late = desk.check("L-INV", "invalid_number", "Not a real number", requested_at="2026-07-10T00:00:00")
    assert_shape(late)
    assert (late["verdict"], late["deny_reason"]) == ("deny", "late_report")
    assert outcomes(late)["window"] == "fail"

    for code in ("did_not_win_job", "homeowner_shopping", "unresponsive", "invalid_address", "late_report"):
        verdict = desk.check("L-INV", code, "Some words about it")
        assert (verdict["verdict"], verdict["deny_reason"]) == ("deny", code)
        assert outcomes(verdict)["reason"] == "fail"

    for details in ("", "   "):
        no_notes = desk.check("L-INV", "invalid_number", details)
        assert (no_notes["verdict"], no_notes["deny_reason"]) == ("deny", "no_notes")
        assert outcomes(no_notes)["notes"] == "fail"
    run = desk.main("check", "--lead-id", "L-INV", "--reason", "invalid_number", "--requested-at", MONDAY)
    assert run.json["deny_reason"] == "no_notes"  # --details left out

    # a late report is denied as late, whatever else is wrong with it
    both = desk.check("L-INV", "did_not_win_job", "", requested_at="2026-08-01T09:00:00")
    assert both["deny_reason"] == "late_report"


@pytest.mark.parametrize("details", [
    "No answer, the number must be fake",
    "They hired someone else already",
    "Homeowner is not ready, maybe next year",
    "The address doesn't exist",
    "They already signed with a competitor last week",
    "Customer wants to wait until after the holidays to start",
    "The price was way too high for them",
    "They decided to wait until spring",
    "We already had him in our system from a job two years ago",
])
def test_non_creditable_wording_is_never_auto_approved(desk, details):
    verdict = desk.check("L-INV", "invalid_number", details)
    assert verdict["verdict"] == "review"
    assert outcomes(verdict)["details"] == "warn"
    assert outcomes(verdict)["phone"] == "pass"  # the evidence alone would have approved it
    assert detail(verdict, "details").startswith("Details read like a non-creditable reason")


def test_reason_codes_are_read_without_regard_to_case_and_space(desk):
    verdict = desk.check("  L-INV ", " Invalid_Number ", "Not a real number")
    assert (verdict["lead_id"], verdict["verdict"]) == ("L-INV", "approve")


# --- windows, time zones and holidays ---------------------------------------------------------------


def test_the_deadline_second_and_requested_at_spellings(desk):
    # L-INV: inbound call received Wed 2026-07-01 → end of Thu 2026-07-09, New York time
    for at, verdict in [
        ("2026-07-09T23:59:59", "approve"),         # naive: policy time zone
        ("2026-07-10T00:00:00", "deny"),
        ("2026-07-10T03:59:59Z", "approve"),        # the same second in UTC
        ("2026-07-10T04:00:00+00:00", "deny"),
        ("2026-07-09T20:59:59-07:00", "approve"),
        ("2026-07-09T21:00:00-07:00", "deny"),
    ]:
        result = desk.check("L-INV", "invalid_number", "Not a real number", requested_at=at)
        assert result["verdict"] == verdict, at
        assert result["deadline"] == "2026-07-09T23:59:59-04:00"


def test_requested_at_defaults_to_now(desk):
    # every lead above was received in 2026: today is far past every window... or before it
    result = desk.check("L-INV", "invalid_number", "Not a real number", requested_at=None)
    assert_shape(result)
    assert result["deadline"] == "2026-07-09T23:59:59-04:00"


def test_the_day_of_receipt_is_taken_in_the_policy_timezone(desk):
    # L-FAR: 2026-07-03T02:00Z is Jul 2 in New York; Fri Jul 3 is the observed holiday
    ny = desk.check("L-FAR", "out_of_service_area", "Far away")
    assert ny["deadline"] == "2026-07-10T23:59:59-04:00"
    # in UTC it was received on the holiday itself: day 1 is Mon Jul 6
    utc = desk.check("L-FAR", "out_of_service_area", "Far away", POLICY_TIMEZONE="UTC")
    assert utc["deadline"] == "2026-07-10T23:59:59+00:00"
    # a standard lead shows the date shift: Jul 2 + 8 days in New York, Jul 3 + 8 in UTC
    assert desk.check("L-NJ", "out_of_service_area", "x")["deadline"] == "2026-07-10T23:59:59-04:00"
    late_utc = desk.main("check", "--lead-id", "L-DUP", "--reason", "duplicate_lead", "--details", "x",
                         "--requested-at", MONDAY, POLICY_TIMEZONE="Asia/Tokyo").json
    assert late_utc["deadline"] == "2026-07-11T23:59:59+09:00"  # 16:45 EDT Jul 2 is Jul 3 in Tokyo


def test_policy_holidays_change_an_inbound_deadline(desk):
    assert desk.check("L-WED", "invalid_number", "fake")["deadline"] == "2026-07-09T23:59:59-04:00"
    without = desk.check("L-WED", "invalid_number", "fake", POLICY_HOLIDAYS="none")
    assert without["deadline"] == "2026-07-08T23:59:59-04:00"
    # so a request on Thu 07-09 is late only without the holiday
    at = "2026-07-09T12:00:00"
    assert desk.check("L-WED", "invalid_number", "fake", requested_at=at)["verdict"] == "approve"
    late = desk.check("L-WED", "invalid_number", "fake", requested_at=at, POLICY_HOLIDAYS="none")
    assert (late["verdict"], late["deny_reason"]) == ("deny", "late_report")
    # a standard lead counts calendar days: holidays do not matter
    assert desk.check("L-VALID", "incorrect_contact", "x", POLICY_HOLIDAYS="none")["deadline"] == (
        "2026-07-09T23:59:59-04:00")


def test_a_bad_policy_setting_is_one_line(desk):
    run = desk.main("check", "--lead-id", "L-INV", "--reason", "invalid_number", "--details", "x",
                    POLICY_TIMEZONE="Mars/Olympus")
    assert run.code != 0 and run.out == ""
    assert len(run.err.splitlines()) == 1 and "Mars/Olympus" in run.err


def test_in_process_errors_leave_stdout_empty(desk):
    for args in (["--lead-id", "L-NOPE", "--reason", "invalid_number"],
                 ["--lead-id", "L-INV", "--reason", "nope"],
                 ["--lead-id", "", "--reason", "invalid_number"]):
        run = desk.main("check", *args, "--details", "x", "--requested-at", MONDAY)
        assert run.code == 1 and run.out == ""
        assert len(run.err.splitlines()) == 1 and run.err.startswith("credit-bot: ")


def test_check_csv_reports_bad_rows_and_keeps_the_order(desk):
    (desk.tmp / "batch.csv").write_text(
        "lead_id,reason,details,requested_at\n"
        "L-NOPE,invalid_number,x,2026-07-06T09:00:00\n"
        "L-INV,invalid_number,fake,2026-07-06T09:00:00\n"
        "L-INV,bad_vibes,x,2026-07-06T09:00:00\n"
        "L-INV,invalid_number,fake,soon\n"
        "L-INV,invalid_number,fake,\n"
    )
    run = desk.main("check", "--csv", "batch.csv")
    assert run.code == 1
    lines = run.lines
    assert len(lines) == 5  # one output line per input row, in order
    assert lines[0] == {"line": 2, "error": "unknown lead id 'L-NOPE'"}
    assert (lines[1]["lead_id"], lines[1]["verdict"]) == ("L-INV", "approve")
    assert lines[2] == {"line": 4, "error": "unknown reason code 'bad_vibes' (`credit-bot check --help` lists them)"}
    assert lines[3] == {"line": 5, "error": f"requested_at 'soon' is not a time; {TIME_HINT}"}
    # an empty requested_at is not silently "now": a historical request would be denied as late
    assert lines[4] == {"line": 6, "error": f"requested_at is empty; {TIME_HINT}"}
    assert run.err.splitlines() == [
        "line 2: unknown lead id 'L-NOPE'",
        "line 4: unknown reason code 'bad_vibes' (`credit-bot check --help` lists them)",
        f"line 5: requested_at 'soon' is not a time; {TIME_HINT}",
        f"line 6: requested_at is empty; {TIME_HINT}",
    ]

    run = desk.main("check", "--csv", "missing.csv")
    assert (run.code, run.out) == (1, "")
    assert run.err.strip() == "credit-bot: cannot read missing.csv: No such file or directory"


def test_check_csv_reads_files_like_the_imports_do(desk):
    (desk.tmp / "latin1.csv").write_bytes("lead_id,reason,details\nL-INV,invalid_number,Jos\u00e9\n".encode("latin-1"))
    run = desk.process("check", "--csv", "latin1.csv")
    assert "Traceback" not in run.err
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines() == ["credit-bot: latin1.csv is not UTF-8 text (line 2)"]

    (desk.tmp / "upper.csv").write_bytes(b"\xef\xbb\xbfLead_ID,Reason,Details,Requested_At\r\n"
                                         b"L-INV,invalid_number,fake,2026-07-06T09:00:00\r\n")
    run = desk.main("check", "--csv", "upper.csv")
    assert (run.code, run.err) == (0, "")
    assert [v["verdict"] for v in run.lines] == ["approve"]


def test_read_check_rows(tmp_path):
    """The reader ``check --csv`` can use: like the import files (BOM, header case, extra
    columns, quoting, CRLF), rows that cannot be read kept in order as errors."""
    path = tmp_path / "batch.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (
        b"Reason , LEAD_ID,Details,notes\r\n"
        b"invalid_number, L-1 ,\"Called, twice\",x\r\n"
        b"duplicate_lead,L-2,Same person,y,extra\r\n"
        b"\r\n"
        b"incorrect_contact,L-3,Wrong person,\r\n"
    ))
    assert list(read_check_rows(path)) == [
        CheckRow(line=2, lead_id="L-1", reason="invalid_number", details="Called, twice", requested_at=""),
        CheckRow(line=3, error="5 values but the header has 4 columns (a value containing a comma must be "
                                "in double quotes)"),
        CheckRow(line=5, lead_id="L-3", reason="incorrect_contact", details="Wrong person", requested_at=""),
    ]
    (tmp_path / "latin1.csv").write_bytes("lead_id,reason,details\nL-1,invalid_number,Jos\u00e9\n".encode("latin-1"))
    with pytest.raises(ImportFileError, match=r"is not UTF-8 text \(line 2\)"):
        list(read_check_rows(tmp_path / "latin1.csv"))
    (tmp_path / "short.csv").write_text("lead_id,details\n")
    with pytest.raises(ImportFileError, match=r"header is missing column\(s\): reason$"):
        list(read_check_rows(tmp_path / "short.csv"))


# --- spreadsheet-shaped data ---------------------------------------------------------------------

SPREADSHEET_LEADS = """lead_id,client_id,lead_type,category,received_at,first_name,last_name,phone,email,street,city,state,zip,price
L-SS-DOT,C-ROOF,inbound_call,Roofing,7/1/2026 10:15 AM,Sam,Dot,3125550101.0,,1 St,Brooklyn,NY,11201,45
L-SS-EXP,C-ROOF,inbound_call,Roofing,7/1/2026 10:15 AM,Sam,Exp,6.175550113E+09,,1 St,Brooklyn,NY,11201,45
L-SS-LOST,C-ROOF,inbound_call,Roofing,7/1/2026 10:15 AM,Sam,Lost,6.18E+09,,1 St,Brooklyn,NY,11201,45
L-SS-INV,C-ROOF,inbound_call,Roofing,7/1/2026 10:15 AM,Sam,Inv,1234567891.0,,1 St,Brooklyn,NY,11201,45
L-SS-DUP,C-ROOF,standard,Roofing,7/2/2026 16:45,Ana,Silva,7185550142.0,,5 Smith St,Brooklyn,NY,11217,38.50
L-SS-ZIP,C-HVAC,standard,HVAC,7/2/2026 9:00 AM,Bo,Ston,,,1 Beacon St,Boston,MA,2134,52
L-SS-ZIP5,C-HVAC,standard,HVAC,7/2/2026 9:00 AM,Bo,Ston,,,1 Beacon St,Boston,MA,02134,52
"""


def test_repaired_or_unreadable_values_never_approve(desk):
    """The issue's numbers: once read back they are valid numbers, so no automatic credit; a
    repaired invalid number, a lost-digit number, a duplicate matched on a read-back phone and
    a padded zip all go to a person, saying why."""
    (desk.tmp / "ss.csv").write_text(SPREADSHEET_LEADS)
    run = desk.main("leads", "import", "ss.csv")
    assert (run.code, run.out.strip()) == (0, "leads: 7 loaded, 0 rejected")
    assert [line.split(": ", 2)[1] for line in run.err.splitlines()] == ["line 4", "line 7"]

    for lead_id, delivered, shown in [("L-SS-DOT", "3125550101.0", "(312) 555-0101 is a valid US number"),
                                      ("L-SS-EXP", "6.175550113E+09", "(617) 555-0113 is a valid US number"),
                                      ("L-SS-INV", "1234567891.0", "1234567891 is not a valid phone number")]:
        verdict = desk.check(lead_id, "invalid_number", "The number is not a real number")
        assert_shape(verdict)
        assert (verdict["verdict"], outcomes(verdict)["phone"]) == ("review", "warn"), lead_id
        assert detail(verdict, "phone").startswith(shown)
        assert f"read back from spreadsheet notation ({delivered}); a person must confirm" in detail(verdict, "phone")

    lost = desk.check("L-SS-LOST", "invalid_number", "The number is not a real number")
    assert (lost["verdict"], outcomes(lost)["phone"]) == ("review", "warn")
    assert "lost digits in a spreadsheet (unreadable)" in detail(lost, "phone")

    # typed as delivered, the invalid number still approves
    assert desk.check("L-INV", "invalid_number", "The number is not a real number")["verdict"] == "approve"

    dup = desk.check("L-SS-DUP", "duplicate_lead", "Same homeowner as June 20")
    assert (dup["verdict"], outcomes(dup)["duplicate"]) == ("review", "warn")
    assert detail(dup, "duplicate").startswith("Same contact delivered as lead L-PRIOR on 2026-06-20")
    assert "matched on a phone read back from spreadsheet notation" in detail(dup, "duplicate")

    far = desk.check("L-SS-ZIP5", "out_of_service_area", "Boston is not our area")
    assert far["verdict"] == "approve"
    padded = desk.check("L-SS-ZIP", "out_of_service_area", "Boston is not our area")
    assert (padded["verdict"], outcomes(padded)["service_area"]) == ("review", "warn")
    assert detail(padded, "service_area").startswith("Zip 02134 is outside the service area")
    assert "zip 02134 was repaired on import" in detail(padded, "service_area")


def test_check_takes_us_spreadsheet_times(desk):
    # L-INV: the window ends at the end of Thu 2026-07-09, New York time
    assert desk.check("L-INV", "invalid_number", "fake", requested_at="7/9/2026 11:59 PM")["verdict"] == "approve"
    late = desk.check("L-INV", "invalid_number", "fake", requested_at="7/10/2026 12:00 AM")
    assert (late["verdict"], late["deny_reason"]) == ("deny", "late_report")
    assert desk.check("L-INV", "invalid_number", "fake", requested_at="07/09/2026 23:59:59")["verdict"] == "approve"

    (desk.tmp / "us.csv").write_text(
        "lead_id,reason,details,requested_at\n"
        "L-INV,invalid_number,fake,7/6/2026 9:00 AM\n"
        "L-INV,invalid_number,fake,7/10/2026 09:00\n"
        "L-INV,invalid_number,fake,6 July 2026\n"
    )
    run = desk.main("check", "--csv", "us.csv")
    assert run.code == 1
    lines = run.lines
    assert [v.get("verdict") for v in lines] == ["approve", "deny", None]
    assert lines[2] == {"line": 4, "error": f"requested_at '6 July 2026' is not a time; {TIME_HINT}"}


def test_check_csv_without_times_fails_row_by_row(desk):
    (desk.tmp / "no_times.csv").write_text("lead_id,reason,details\nL-INV,invalid_number,fake\nL-DUP,duplicate_lead,x\n")
    run = desk.main("check", "--csv", "no_times.csv")
    assert run.code == 1
    assert run.lines == [{"line": 2, "error": f"requested_at is empty; {TIME_HINT}"},
                         {"line": 3, "error": f"requested_at is empty; {TIME_HINT}"}]


def test_check_csv_refuses_files_that_are_not_regular_or_too_large(desk):
    os.mkfifo(desk.tmp / "fifo.csv")
    for name in ("fifo.csv", ".", "/dev/zero"):
        run = desk.main("check", "--csv", name)
        assert (run.code, run.out) == (1, "")
        assert run.err.splitlines() == [f"credit-bot: {name} is not a regular file"]
    (desk.tmp / "batch.csv").write_text("lead_id,reason,details,requested_at\nL-INV,invalid_number,fake,"
                                        "2026-07-06T09:00:00\n")
    size = (desk.tmp / "batch.csv").stat().st_size
    run = desk.main("check", "--csv", "batch.csv", IMPORT_MAX_BYTES=str(size - 1))
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines() == [
        f"credit-bot: batch.csv is {size} bytes, over the import limit of {size - 1} bytes (IMPORT_MAX_BYTES)"]
    assert [v["verdict"] for v in desk.main("check", "--csv", "batch.csv").lines] == ["approve"]


def test_auto_deny_contradicted_applies_to_check(desk):
    inside = desk.check("L-NJ", "out_of_service_area", "Jersey City is not in our area", AUTO_DENY_CONTRADICTED="true")
    assert (inside["verdict"], inside["deny_reason"]) == ("deny", "contradicting_info")
    assert desk.check("L-NJ", "out_of_service_area", "Jersey City is not in our area")["verdict"] == "review"
    # carrier facts come from the cache only: nothing cached, no look-up, no phone_line finding
    looked = desk.check("L-NJ", "invalid_number", "The number is dead", PHONE_LOOKUP="twilio",
                        TWILIO_ACCOUNT_SID="AC1", TWILIO_AUTH_TOKEN="t", PHONE_LOOKUP_URL="http://127.0.0.1:9")
    assert "phone_line" not in {f["check"] for f in looked["findings"]}


def test_a_semicolon_separated_batch_names_the_separator(desk, tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text("lead_id;reason;details;requested_at\nL-INV;invalid_number;x;2026-07-06T09:00\n")
    run = desk.main("check", "--csv", str(path))
    assert run.code != 0
    assert "separated by semicolons (;), not commas" in run.err
    assert "missing column" not in run.err
