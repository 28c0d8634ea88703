"""Credits that move money: the ledger (one entry per decision, whatever the clicks), the
export, the signed webhook, and client terms — end to end on both databases."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import threading
from dataclasses import replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from bot.config.settings import Settings, SettingsError
from bot.usecases.importing import import_clients, import_leads
from storage.db import Database
from storage.models import CreditRequest, LedgerEntry, OutboxMessage
from tests.conftest import STANDARD_LEADS
from tests.support.bot import FAST_RETRIES, MANAGERS, REVIEW, RunningBot, seed, settings_for
from tests.support.cli import cli_in_process
from tests.support.flows import button_values, file_request, opened_view, receipt, reviewer_post

EMPTY = (b"", b"{}")
PRICED = [dict(lead, price={"L-BAD": "45.00", "L-OK": "30.50", "L-OK2": "12"}.get(lead["lead_id"], ""))
          for lead in STANDARD_LEADS]
HEADER = "client_id,name,slack_channel_id,slack_user_ids,account_manager_user_id,service_zips,service_counties," \
         "base_zip,radius_miles"


def _entries(bot):
    with bot.desk.read() as session:
        return [(e.request_id, e.kind, str(e.amount), e.actor) for e in
                session.scalars(select(LedgerEntry).order_by(LedgerEntry.entry_id))]


@pytest.fixture
def priced(settings, tmp_path):
    seed(settings, tmp_path, PRICED)
    return settings


@pytest.fixture
def bot(priced):
    running = RunningBot(priced)
    yield running
    running.stop()


def _approve(bot, fake, lead_id, reviewer="U0REV"):
    post = reviewer_post(fake, lead_id)
    bot.slack.block_action(reviewer, "approve_request", button_values(post)["approve_request"], channel=REVIEW,
                           message_ts=post["ts"])
    bot.wait_idle()
    return post


def test_credits_reversals_and_double_clicks_book_once_each(bot, fake_slack):
    file_request(bot, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-BAD", reason="invalid_number",
                 details="Not a real number.")  # approved by the policy
    file_request(bot, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK", reason="incorrect_contact",
                 details="Someone else answered.")
    post = reviewer_post(fake_slack, "L-OK")
    rid = button_values(post)["approve_request"]
    clicks = [threading.Thread(target=bot.slack.block_action, args=(user, "approve_request", rid),
                               kwargs={"channel": REVIEW, "message_ts": post["ts"]})
              for user in ("U0REV", "U0REV2") * 5]
    for c in clicks:
        c.start()
    for c in clicks:
        c.join()
    bot.wait_idle()
    [bad, ok] = sorted(r.id for r in _list(bot))
    assert _entries(bot) == [(bad, "credit", "45.00", "auto"), (ok, "credit", "30.50", _entries(bot)[1][3])]
    # Reverse the second credit: a negative entry; reversing again is refused and books nothing.
    post = fake_slack.message(REVIEW, post["ts"])
    for _ in range(2):
        bot.slack.block_action("U0REV", "reverse_request", rid, channel=REVIEW, message_ts=post["ts"])
    view = opened_view(fake_slack, "reverse_request")
    assert bot.slack.view_submission("U0REV", view, {"note": "Homeowner answered today."}).body in EMPTY
    assert bot.slack.view_submission("U0REV", view, {"note": "Again."}).json()["response_action"] == "errors"
    bot.wait_idle()
    assert _entries(bot)[2:] == [(ok, "reversal", "-30.50", "U0REV")]


def _list(bot):
    with bot.desk.read() as session:
        return list(session.scalars(select(CreditRequest)))


def test_a_granted_exception_books_a_credit(bot, fake_slack):
    file_request(bot, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK2", reason="incorrect_contact",
                 details="Someone else answered.")
    post = reviewer_post(fake_slack, "L-OK2")
    rid = button_values(post)["deny_request"]
    bot.slack.block_action("U0REV", "deny_request", rid, channel=REVIEW, message_ts=post["ts"])
    bot.slack.view_submission("U0REV", opened_view(fake_slack, "deny_request"),
                              {"deny_reason": "contradicting_info", "note": ""})
    bot.wait_idle()
    assert _entries(bot) == []
    parent = receipt(fake_slack, "C0ROOF", "L-OK2")
    denial = next(m for m in fake_slack.replies("C0ROOF", parent["ts"]) if "request_exception" in button_values(m))
    bot.slack.block_action("U0ROOF1", "request_exception", rid, channel="C0ROOF", message_ts=denial["ts"])
    bot.slack.view_submission("U0ROOF1", opened_view(fake_slack, "request_exception"), {"note": "Hospital."})
    bot.wait_idle()
    card = next(m for m in fake_slack.messages(MANAGERS) if "L-OK2" in m["text"])
    bot.slack.block_action("U0AM", "grant_exception", rid, channel=MANAGERS, message_ts=card["ts"])
    view = opened_view(fake_slack, "grant_exception")
    for _ in range(2):
        bot.slack.view_submission("U0AM", view, {"note": ""})
    bot.wait_idle()
    assert _entries(bot) == [(int(rid), "credit", "12.00", "U0AM")]


def test_export_csv_json_and_period(bot, fake_slack, monkeypatch, capsys):
    file_request(bot, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-BAD", reason="invalid_number",
                 details="Not a real number.")
    bot.wait_idle()
    url = bot.desk.settings.database_url
    month = datetime.now(UTC).astimezone(bot.desk.tz).strftime("%Y-%m")
    run = cli_in_process(monkeypatch, capsys, "credits", "export", "--period", month, DATABASE_URL=url)
    assert run.code == 0
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert list(rows[0]) == ["entry_id", "request_id", "lead_id", "client_id", "kind", "amount", "at",
                             "supplier_id", "supplier_amount"]
    assert [(r["lead_id"], r["client_id"], r["kind"], r["amount"]) for r in rows] == [
        ("L-BAD", "C-ROOF", "credit", "45.00")]
    assert datetime.fromisoformat(rows[0]["at"]).tzinfo is not None
    run = cli_in_process(monkeypatch, capsys, "credits", "export", "--format", "json", DATABASE_URL=url)
    [doc] = run.lines
    assert doc["amount"] == "45.00" and doc["kind"] == "credit" and doc["entry_id"] == int(rows[0]["entry_id"])
    run = cli_in_process(monkeypatch, capsys, "credits", "export", "--period", "2001-01", DATABASE_URL=url)
    assert run.out.splitlines() == ["entry_id,request_id,lead_id,client_id,kind,amount,at,supplier_id,supplier_amount"]
    run = cli_in_process(monkeypatch, capsys, "credits", "export", "--period", "2026-13", DATABASE_URL=url)
    assert run.code == 1 and run.err.count("\n") == 1 and "--period" in run.err
    run = cli_in_process(monkeypatch, capsys, "report", DATABASE_URL=url)
    assert "45.00" in run.out


class Receiver:
    """A billing system's webhook endpoint: fails the first ``failures`` calls, checks signatures."""

    def __init__(self, secret: str, failures: int = 0):
        self.secret, self.failures = secret, failures
        self.calls: list[tuple[int, dict, bytes, bool]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
                good = hmac.compare_digest(expected, self.headers.get("X-Credit-Signature", ""))
                with receiver.lock:
                    fail = len(receiver.calls) < receiver.failures
                    status = 503 if fail else (200 if good else 401)
                    receiver.calls.append((status, dict(self.headers), body, good))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/credits"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def test_webhook_signed_retried_until_2xx_and_never_blocking_slack(database_url, fake_slack, tmp_path):
    receiver = Receiver("s3cret", failures=2)
    settings = settings_for(database_url, fake_slack.url, CREDIT_WEBHOOK_URL=receiver.url,
                            CREDIT_WEBHOOK_SECRET="s3cret")
    seed(settings, tmp_path, PRICED)
    bot = RunningBot(settings, retries=replace(FAST_RETRIES, sender_scale=0.001))
    try:
        file_request(bot, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-BAD", reason="invalid_number",
                     details="Not a real number.")
        receipt(fake_slack, "C0ROOF", "L-BAD")  # Slack is served while the receiver still fails
        bot.wait_idle()
        assert [c[0] for c in receiver.calls] == [503, 503, 200]
        status, headers, body, good = receiver.calls[-1]
        doc = json.loads(body)
        assert good and headers["X-Credit-Delivery"] == str(doc["entry_id"])
        assert {c[1]["X-Credit-Delivery"] for c in receiver.calls} == {str(doc["entry_id"])}
        assert (doc["lead_id"], doc["kind"], doc["amount"]) == ("L-BAD", "credit", "45.00")
        with bot.desk.read() as session:
            hooks = list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "webhook")))
        assert [(h.status, h.attempts) for h in hooks] == [("done", 3)]
    finally:
        bot.stop()
        receiver.stop()


def test_a_receiver_that_keeps_failing_goes_to_dead_letters(database_url, fake_slack, tmp_path, monkeypatch,
                                                            capsys):
    receiver = Receiver("s3cret", failures=10_000)
    settings = settings_for(database_url, fake_slack.url, CREDIT_WEBHOOK_URL=receiver.url,
                            CREDIT_WEBHOOK_SECRET="s3cret")
    seed(settings, tmp_path, PRICED)
    bot = RunningBot(settings, retries=replace(FAST_RETRIES, sender_scale=0.00001))
    try:
        file_request(bot, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-BAD", reason="invalid_number",
                     details="Not a real number.")
        bot.wait_idle(timeout=20)
        run = cli_in_process(monkeypatch, capsys, "outbox", "list", DATABASE_URL=database_url)
        [line] = [x for x in run.out.splitlines() if "webhook" in x]
        assert "\tdead\twebhook\t" in line and "HTTP 503" in line
        assert len(receiver.calls) == 11  # the first try and ten more on the schedule
    finally:
        bot.stop()
        receiver.stop()


def test_a_webhook_url_that_is_not_http_stops_start_up():
    for url in ("ftp://billing.example.com/x", "billing.example.com", "file:///etc/passwd"):
        with pytest.raises(SettingsError, match="CREDIT_WEBHOOK_URL must be an http"):
            Settings.from_env({"CREDIT_WEBHOOK_URL": url, "CREDIT_WEBHOOK_SECRET": "x"}, dotenv=False)
    with pytest.raises(SettingsError, match="CREDIT_WEBHOOK_SECRET"):
        Settings.from_env({"CREDIT_WEBHOOK_URL": "https://billing.example.com/x"}, dotenv=False)


# -- client terms ---------------------------------------------------------------------------

TERMS_HEADER = HEADER + ",inbound_call_days,standard_days,monthly_cap_percent,auto_approve"


def _clients(settings, tmp_path, *rows: str):
    db = Database(settings.database_url)
    try:
        (tmp_path / "terms.csv").write_text(TERMS_HEADER + "\n" + "\n".join(rows) + "\n")
        return import_clients(db, tmp_path / "terms.csv", now=datetime.now(UTC))
    finally:
        db.dispose()


def test_malformed_terms_are_line_errors(priced, tmp_path):
    report = _clients(priced, tmp_path,
                      'C-ROOF,Brooklyn Roofing,C0ROOF,U0ROOF1,U0AM,11201,,,,3,10,12.5,false',
                      'C-X,X,,,,,,,,three,,,',
                      'C-Y,Y,,,,,,,,,,150%,',
                      'C-Z,Z,,,,,,,,,,,maybe')
    assert report.loaded == 1
    assert [e.split(":")[0] for e in report.errors] == ["line 3", "line 4", "line 5"]
    assert "inbound_call_days 'three'" in report.errors[0]
    assert "monthly_cap_percent '150%'" in report.errors[1]
    assert "auto_approve 'maybe'" in report.errors[2]


def test_window_overrides_apply_in_check(priced, tmp_path, monkeypatch, capsys):
    url = priced.database_url
    args = ("check", "--lead-id", "L-OLD", "--reason", "invalid_number", "--details", "Not a real number.")
    assert cli_in_process(monkeypatch, capsys, *args, DATABASE_URL=url).json["deny_reason"] == "late_report"
    _clients(priced, tmp_path, 'C-ROOF,Brooklyn Roofing,C0ROOF,U0ROOF1;U0ROOF2,U0AM,11201,,,,,30,,')
    verdict = cli_in_process(monkeypatch, capsys, *args, DATABASE_URL=url).json
    assert verdict["verdict"] != "deny"
    assert "under the client's contract" in verdict["findings"][0]["detail"]


JULY_6 = datetime(2026, 7, 6, 14, 0, tzinfo=UTC)


def _capped_client(settings, tmp_path):
    """C-CAP: ten leads delivered in July 2026 (L-CAP0 has a number that is not real), cap 10%."""
    db = Database(settings.database_url)
    rows = [f"L-CAP{i},C-CAP,standard,Roofing,2026-07-0{1 + i % 5}T10:00,A,B,"
            f"{'123-456-7891' if i == 0 else f'212-555-01{i:02d}'},,,,,11201,25" for i in range(10)]
    (tmp_path / "cap.csv").write_text("lead_id,client_id,lead_type,category,received_at,first_name,last_name,phone,"
                                      "email,street,city,state,zip,price\n" + "\n".join(rows) + "\n")
    import_leads(db, tmp_path / "cap.csv", calendar=settings.calendar)
    db.dispose()
    _clients(settings, tmp_path, "C-CAP,Capped Roofing,C0CAP,U0CAP,U0AM,,,,,,,10,")


def test_a_capped_client_goes_to_review_past_its_cap(priced, tmp_path, monkeypatch, capsys):
    _capped_client(priced, tmp_path)
    url = priced.database_url
    args = ("check", "--lead-id", "L-CAP0", "--reason", "invalid_number", "--details", "Not a real number.",
            "--requested-at", "2026-07-06T10:00")
    verdict = cli_in_process(monkeypatch, capsys, *args, DATABASE_URL=url).json
    assert verdict["verdict"] == "approve"
    assert verdict["findings"][-1] == {"check": "cap", "outcome": "pass",
                                       "detail": "0 of 10 delivered leads credited this month: cap 10%"}
    db = Database(url)
    with db.transaction() as session:  # one credit already booked in July for another lead
        session.add(LedgerEntry(request_id=99, event_id=99, lead_id="L-CAP9", client_id="C-CAP", kind="credit",
                                amount=25, at=datetime(2026, 7, 2, 15, 0, tzinfo=UTC), actor="U0REV"))
    db.dispose()
    verdict = cli_in_process(monkeypatch, capsys, *args, DATABASE_URL=url).json
    assert verdict["verdict"] == "review"
    assert verdict["findings"][-1]["outcome"] == "warn"
    assert "1 of 10 delivered leads credited this month: cap 10%" in verdict["findings"][-1]["detail"]
    # In August the July credits do not count (and no lead was delivered in August).
    august = cli_in_process(monkeypatch, capsys, *args[:-1], "2026-08-03T10:00", DATABASE_URL=url).json
    assert "0 of 0 delivered leads" in august["findings"][-1]["detail"]


def test_the_reviewer_card_shows_cap_usage(priced, tmp_path, fake_slack):
    _capped_client(priced, tmp_path)
    bot = RunningBot(priced, clock=lambda: JULY_6)
    try:
        assert file_request(bot, fake_slack, user="U0CAP", channel="C0CAP", lead_id="L-CAP0",
                            reason="invalid_number", details="Not a real number.").body in EMPTY
        bot.wait_idle()
        assert _entries(bot) == [(_list(bot)[0].id, "credit", "25.00", "auto")]
        card = json.dumps(fake_slack.message(REVIEW, reviewer_post(fake_slack, "L-CAP0")["ts"])["blocks"])
        assert "1 of 10 delivered leads credited this month: cap 10%" in card
    finally:
        bot.stop()


def test_auto_approve_false_sends_approvals_to_reviewers(priced, tmp_path, fake_slack):
    _clients(priced, tmp_path, 'C-ROOF,Brooklyn Roofing,C0ROOF,U0ROOF1;U0ROOF2,U0AM,11201,,,,,,,false')
    bot = RunningBot(priced)
    try:
        file_request(bot, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-BAD", reason="invalid_number",
                     details="Not a real number.")
        bot.wait_idle()
        [req] = _list(bot)
        assert (req.verdict, req.status) == ("approve", "pending")
        assert _entries(bot) == []
        post = reviewer_post(fake_slack, "L-BAD")
        assert "approve_request" in button_values(post)
    finally:
        bot.stop()
