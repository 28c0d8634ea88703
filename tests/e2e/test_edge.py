"""The HTTP edge, probed the way an attacker and a careless operator would: every hostile
input from the issue, sent to the running server over HTTP.

Unsigned → 401, signed but malformed → 400, too large → 413, another app → 403, an exact
replay → 401; never a 500, never a traceback in the log, never the raw body in the log."""

from __future__ import annotations

import getpass
import json
import logging
import os
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, func, make_url, select, text

from bot.entrypoints.edge import MAX_BODY
from bot.slack.observability import SLACK_KINDS
from storage.models import CreditRequest, ProcessedEvent, RequestEvent, RequestMessage
from tests.conftest import PG_URL, STANDARD_LEADS
from tests.support.bot import REVIEW, RunningBot, seed, settings_for
from tests.support.flows import file_request, opened_view, receipt, reviewer_post
from tests.support.signing import APP, TEAM, sign

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MARKER = "zz-hostile-marker"

# The unsigned bodies of the issue, and a few more of the same family.
HOSTILE = [
    (b"payload=%7Bnot+json", FORM),
    (b"payload=null", FORM),
    (b"\xff", FORM),
    (b"\xff", JSON),
    (b'{"type": "event_callback", "event": {"type": "mess', JSON),  # truncated
    (b"[" * 100_000, JSON),  # 100k-deep nesting
    (b"payload=" + urllib.parse.quote_plus("[" * 100_000).encode(), FORM),
    (b'{"type": "event_callback", "event": ' * 5000 + b"{}" + b"}" * 5000, JSON),
    (b"payload=" + urllib.parse.quote_plus(json.dumps({"type": MARKER, "user": {"id": "U0ROOF1"}})).encode(), FORM),
    (json.dumps({"type": MARKER}).encode(), JSON),
    (b"", FORM),
    (b"command=%2Fcredit-request&text=%00%ff", FORM),
]


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def assert_quiet(caplog, *secrets: str) -> None:
    """No traceback, nothing at ERROR, no raw body in the log."""
    for record in caplog.records:
        assert record.exc_info is None, record.getMessage()
        assert record.levelno < logging.ERROR, record.getMessage()
        message = record.getMessage()
        for secret in (MARKER, *secrets):
            assert secret not in message, message


def raw_post(bot: RunningBot, body: bytes, headers: dict, path: str = "/slack/events"):
    req = urllib.request.Request(bot.url + path, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def get(bot: RunningBot, path: str, headers: dict | None = None):
    req = urllib.request.Request(bot.url + path, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def command_fields(text: str = "", **over) -> dict:
    fields = {"token": "legacy", "team_id": TEAM, "team_domain": "acme", "channel_id": "C0ROOF",
              "channel_name": "contractor", "user_id": "U0ROOF1", "user_name": "u0roof1",
              "command": "/credit-request", "text": text, "api_app_id": APP,
              "is_enterprise_install": "false", "response_url": "https://hooks.slack.invalid/commands/1",
              "trigger_id": f"trig-{time.monotonic_ns()}"}
    fields.update(over)
    return fields


def interactive_body(payload: dict) -> bytes:
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


def click(user: str, action_id: str, value: str, channel: str = REVIEW, **over) -> dict:
    payload = {"type": "block_actions", "team": {"id": TEAM, "domain": "acme"},
               "user": {"id": user, "username": user.lower(), "team_id": TEAM}, "api_app_id": APP,
               "token": "legacy", "trigger_id": f"trig-{time.monotonic_ns()}",
               "container": {"type": "message", "message_ts": "1.0", "channel_id": channel},
               "channel": {"id": channel, "name": "c"},
               "message": {"type": "message", "ts": "1.0", "text": ""},
               "actions": [{"action_id": action_id, "block_id": "b", "value": value, "type": "button",
                            "action_ts": "1.0"}]}
    payload.update(over)
    return payload


def metrics_text(bot: RunningBot, token: str | None = None) -> str:
    status, body = get(bot, "/metrics", {"Authorization": f"Bearer {token}"} if token else None)
    assert status == 200
    return body.decode()


@contextmanager
def bot_with(database_url: str, fake_slack, tmp_path, **env):
    settings = settings_for(database_url, fake_slack.url, **env)
    seed(settings, tmp_path, STANDARD_LEADS)
    bot = RunningBot(settings)
    try:
        yield bot
    finally:
        bot.stop()


# -- unsigned, forged, malformed, too large ------------------------------------------------

def test_unsigned_hostile_bodies_get_401_before_any_parsing(running, logs):
    for body, ctype in HOSTILE:
        forged = running.slack.post(body, ctype, signature="v0=" + "0" * 64)
        assert forged.status == 401, (body[:40], forged.status)
        assert forged.json() == {"ok": False, "error": "invalid_request"}
        bare = raw_post(running, body, {"Content-Type": ctype})
        assert bare[0] == 401, body[:40]
    assert_quiet(logs)
    refused = [r.getMessage() for r in logs.records if r.name == "credit_bot.edge"]
    assert refused and all(m.startswith("rejected: bad or missing signature") for m in refused)
    assert len(refused) < len(HOSTILE)  # rate-limited: one line, then a count


def test_signed_malformed_bodies_get_400_and_no_traceback(running, logs):
    for body, ctype in HOSTILE:
        reply = running.slack.post(body, ctype)
        assert reply.status == 400, (body[:60], reply.status, reply.body)
        assert reply.json() == {"ok": False, "error": "bad_request"}
    more = [
        interactive_body({"type": "block_actions", "user": {"id": "U0ROOF1"}, "actions": []}),
        interactive_body({"type": "block_actions", "user": {"id": "U0ROOF1"}, "team": 5,
                          "actions": [{"action_id": "approve_request"}]}),
        interactive_body({"type": "view_submission", "user": ["U0ROOF1"], "view": {}}),
        interactive_body({"type": "view_submission", "user": {"id": "U0ROOF1"}, "view": "v"}),
        interactive_body({"type": "view_submission", "user": {"id": "U0ROOF1"},
                          "view": {"callback_id": "credit_request", "state": {"values": {"lead_id": "x"}}}}),
        interactive_body({"type": "block_actions", "user": {"id": "U0ROOF1"}, "actions": [{"action_id": 7}]}),
        urllib.parse.urlencode({"payload": json.dumps({"type": "shortcut", "user": {"id": "U1"}}),
                                "command": "/x"}).encode(),  # interactivity with other fields
        b"command=%2Fcredit-request&user_id=U0ROOF1&channel_id=C0ROOF&user_id=U0AM",  # repeated field
        b"command=%2Fcredit-request&channel_id=C0ROOF",  # no user
        b"text=hello",  # neither a command nor interactivity
        b"payload=" + urllib.parse.quote_plus('{"type": "shortcut", "user": {"id": "U1"}, "x": NaN}').encode(),
        b"payload=" + urllib.parse.quote_plus('{"type": "shortcut", "type": "block_actions"}').encode(),
        b"payload=" + urllib.parse.quote_plus('{"type": "shortcut", "n": ' + "9" * 5000 + "}").encode(),
    ]
    for body in more:
        reply = running.slack.post(body, FORM)
        assert reply.status == 400, (body[:80], reply.status, reply.body)
    events = [
        {"type": "event_callback", "event": "message"},
        {"type": "event_callback", "event": {"type": "message", "user": "U" * 40, "text": "hi"}},
        {"type": "event_callback", "event_id": "Ev" + "1" * 80, "event": {"type": "message"}},
        {"type": "event_callback", "event": {"type": "message", "text": "x" * 40_001}},
        {"type": "block_actions", "user": {"id": "U0ROOF1"}},  # interactivity is never JSON
        ["event_callback"],
    ]
    for doc in events:
        reply = running.slack.post(json.dumps(doc).encode(), JSON)
        assert reply.status == 400, (doc, reply.status)
    assert running.slack.post(b"<xml/>", "text/xml").status == 400
    assert_quiet(logs)


def test_timestamps_and_signature_headers_that_are_not_what_slack_sends_get_401(running, logs):
    body = urllib.parse.urlencode(command_fields("L-OK")).encode()
    for ts in ("abc", "", " ", "1e9", "١٧٠٠٠٠٠٠٠٠", "9" * 40, "-1", str(int(time.time()) + 3600),
               str(int(time.time()) - 3600)):
        on_the_wire = ts.encode().decode("latin-1") or " "  # as a server reads UTF-8 header bytes
        reply = running.slack.post(body, FORM, timestamp=on_the_wire, signature=sign("test-signing-secret", ts, body))
        assert reply.status == 401, (ts, reply.status)
    ts = str(int(time.time()))
    for sig in ("v0=" + "é" * 64, "v1=" + "0" * 64, "v0=", "x" * 5000, sign("test-signing-secret", ts, body)[:-1]):
        status, _ = raw_post(running, body, {"Content-Type": FORM, "X-Slack-Request-Timestamp": ts,
                                             "X-Slack-Signature": sig.encode("utf-8").decode("latin-1")})
        assert status == 401, sig[:10]
    assert_quiet(logs)


def test_bodies_over_a_megabyte_get_413_and_store_nothing(running, fake_slack, logs):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK",
                 reason="incorrect_contact", details="Someone else answered.")
    running.slack.command("U0ROOF1", "C0ROOF", "L-OK2")
    view = opened_view(fake_slack, "credit_request", 2)
    huge = "x" * (5 * 1024 * 1024)  # the 5 MB of details
    reply = running.slack.view_submission("U0ROOF1", view, {"lead_id": "L-OK2", "reason": "incorrect_contact",
                                                            "details": huge})
    assert reply.status == 413
    assert reply.json() == {"ok": False, "error": "too_large"}
    forged = running.slack.post(b"x" * (MAX_BODY + 1), FORM, signature="v0=" + "0" * 64)
    assert forged.status == 413
    just_fits = running.slack.post(b"text=" + b"y" * (MAX_BODY - 5), FORM)
    assert just_fits.status == 400  # read, verified, and refused as not a command
    with running.desk.read() as session:
        assert session.scalar(select(func.count()).select_from(CreditRequest)) == 1
    assert_quiet(logs)


# -- metric labels -------------------------------------------------------------------------

def test_made_up_types_add_no_metric_labels(running, logs):
    before = len(metrics_text(running))
    for i in range(300):
        kind = f"{MARKER}-{i}"
        body = interactive_body({"type": kind, "user": {"id": "U0ROOF1"}}) if i % 2 else \
            json.dumps({"type": kind, "event": {"type": kind}}).encode()
        assert running.slack.post(body, FORM if i % 2 else JSON, signature="v0=" + "1" * 64).status == 401
    for i in range(20):  # signed, with types Slack does not send
        reply = running.slack.post(interactive_body({"type": f"{MARKER}-s{i}", "user": {"id": "U0ROOF1"}}), FORM)
        assert reply.status == 400
    running.slack.post(json.dumps({"type": "app_rate_limited", "minute_rate_limited": 1}).encode(), JSON)
    page = metrics_text(running)
    assert MARKER not in page
    assert len(page) < before + 4000  # a few fixed series more, not one per made-up value
    kinds = {line.split('kind="')[1].split('"')[0] for line in page.splitlines()
             if line.startswith("credit_bot_slack_ack_seconds_count")}
    assert kinds <= set(SLACK_KINDS) and "other" in kinds
    assert 'credit_bot_slack_refused_total{reason="bad_signature"} 300.0' in page
    assert_quiet(logs)


# -- the word "payload" ----------------------------------------------------------------------

def test_commands_that_say_payload_open_the_modal(running, fake_slack, logs):
    cases = [command_fields("payload L-1001"), command_fields("L-OK", channel_name="payload"),
             command_fields("L-OK", user_name="payload"), command_fields("payload=L-OK"),
             command_fields("L-OK", response_url="https://hooks.slack.invalid/payload")]
    for n, fields in enumerate(cases, start=1):
        reply = running.slack.post(urllib.parse.urlencode(fields).encode(), FORM)
        assert reply.status == 200, (fields, reply.status, reply.body)
        view = opened_view(fake_slack, "credit_request", n)
        assert view["private_metadata"] == "C0ROOF"
    first = opened_view(fake_slack, "credit_request", 1)
    lead = next(b for b in first["blocks"] if b.get("block_id") == "lead_id")
    assert "L-1001" in lead["element"].get("initial_value", "")
    # The exact body, in the order Slack sends the fields.
    body = ("token=legacy&team_id=T0TEAM&team_domain=acme&channel_id=C0ROOF&channel_name=payload"
            "&user_id=U0ROOF1&user_name=payload&command=%2Fcredit-request&text=payload+L-1001"
            "&api_app_id=A0APP&is_enterprise_install=false"
            "&response_url=https%3A%2F%2Fhooks.slack.invalid%2Fcommands%2F1&trigger_id=1.2.payload")
    assert running.slack.post(body.encode(), FORM).status == 200
    opened_view(fake_slack, "credit_request", len(cases) + 1)
    assert_quiet(logs)


def test_a_filing_whose_details_say_payload_is_filed(running, fake_slack):
    reply = file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK",
                         reason="incorrect_contact", details="payload=payload; the payload was someone else.")
    assert reply.status == 200 and reply.body in (b"", b"{}")
    reviewer_post(fake_slack, "L-OK")


# -- what gets stored -------------------------------------------------------------------------

def _submit(bot, fake, lead: str, details: str, n: int):
    bot.slack.command("U0ROOF1", "C0ROOF", lead)
    view = opened_view(fake, "credit_request", n)
    return bot.slack.view_submission("U0ROOF1", view, {"lead_id": lead, "reason": "incorrect_contact",
                                                       "details": details})


def test_nul_bytes_and_lone_surrogates_are_removed_before_storing(running, fake_slack, logs):
    reply = _submit(running, fake_slack, "L-OK", "Wrong\x00 person \ud800answered.", 1)
    assert reply.status == 200, reply.body
    reply = _submit(running, fake_slack, "L-OK2", "Another\x00 wrong\udfff one.", 2)
    assert reply.status == 200, reply.body
    running.wait_idle()
    with running.desk.read() as session:
        details = sorted(session.scalars(select(CreditRequest.details)))
    assert details == ["Another wrong one.", "Wrong person answered."]
    assert_quiet(logs)


def test_nul_in_a_thread_reply_is_mirrored_without_it(running, fake_slack, logs):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK",
                 reason="incorrect_contact", details="Someone else answered.")
    parent = receipt(fake_slack, "C0ROOF", "L-OK")
    running.wait_idle()
    reply = running.slack.message_event("U0ROOF1", "C0ROOF", "Photo\x00 attached.", f"{time.time():.6f}",
                                        thread_ts=parent["ts"])
    assert reply.status == 200
    running.wait_idle()
    with running.desk.read() as session:
        texts = list(session.scalars(select(RequestMessage.text)))
    assert texts == ["Photo attached."]
    fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and c.params.get("channel") == REVIEW
                        and "Photo attached." in c.params.get("text", ""))
    assert_quiet(logs)


def test_ids_and_numbers_out_of_range_are_400_or_field_errors(running, fake_slack, logs):
    long_user = "U" + "1" * 40
    assert running.slack.command(long_user, "C0ROOF", "L-OK").status == 400
    assert running.slack.command("U0ROOF1", "C" + "1" * 40, "L-OK").status == 400
    assert running.slack.block_action(long_user, "approve_request", "1", channel=REVIEW).status == 400
    view = {"id": "VFORGED1", "type": "modal", "callback_id": "deny_request", "blocks": []}
    for metadata in ("99999999999999999999", json.dumps({"request_id": 99999999999999999999}), "-3", "1e3",
                     "\x00", "{\"request_id\": [1]}", "{" * 2000, '{"request_id": "' + "9" * 2000 + '"}'):
        reply = running.slack.view_submission("U0REV", {**view, "private_metadata": metadata},
                                              {"deny_reason": "did_not_win_job", "note": "x"})
        assert reply.status == 200, (metadata, reply.status)
        assert reply.json()["response_action"] == "errors", metadata
    too_long = running.slack.view_submission("U0REV", {**view, "private_metadata": "1" * 3001}, {"note": "x"})
    assert too_long.status == 400  # Slack's own limit on private_metadata
    ids_in_buttons = ("99999999999999999999", "-1", "١", "0x10")
    for value in ids_in_buttons:
        assert running.slack.block_action("U0REV", "approve_request", value, channel=REVIEW).status == 200
    running.wait_idle()
    # A view submission without a user (Slack always sends one).
    no_user = {"type": "view_submission", "team": {"id": TEAM}, "api_app_id": APP,
               "view": {**view, "private_metadata": "1", "state": {"values": {}}}}
    assert running.slack.interactive(no_user).status == 400
    assert running.slack.interactive({**no_user, "user": {"name": "x"}}).status == 400
    with running.desk.read() as session:
        assert session.scalar(select(func.count()).select_from(CreditRequest)) == 0
    assert_quiet(logs)


# -- replays and other apps --------------------------------------------------------------------

def _refusals(bot) -> int:
    with bot.desk.read() as session:
        return session.scalar(select(func.count()).select_from(RequestEvent).where(RequestEvent.action == "refused"))


def test_an_exact_replay_of_a_signed_click_is_refused(running, fake_slack, logs):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK",
                 reason="incorrect_contact", details="Someone else answered.")
    post = reviewer_post(fake_slack, "L-OK")
    running.wait_idle()
    with running.desk.read() as session:
        rid = str(session.scalar(select(CreditRequest.id)))
    body = interactive_body(click("U0ROOF1", "approve_request", rid))  # a contractor: refused
    ts = str(int(time.time()))
    assert running.slack.post(body, FORM, timestamp=ts).status == 200
    fake_slack.wait_for("chat.postEphemeral")
    running.wait_idle()
    assert _refusals(running) == 1
    for _ in range(3):
        replay = running.slack.post(body, FORM, timestamp=ts)
        assert replay.status == 401
        assert replay.json() == {"ok": False, "error": "invalid_request"}
    running.wait_idle()
    assert _refusals(running) == 1
    assert len(fake_slack.ephemerals("U0ROOF1")) == 1
    # The same click sent again by Slack would carry a new timestamp (and trigger id): fine.
    assert running.slack.post(body, FORM, timestamp=str(int(ts) + 1)).status == 200
    # A replayed command is refused too.
    command = urllib.parse.urlencode(command_fields("L-OK2")).encode()
    assert running.slack.post(command, FORM, timestamp=ts).status == 200
    assert running.slack.post(command, FORM, timestamp=ts).status == 401
    assert post  # the reviewer card was there all along
    assert_quiet(logs)


def test_slack_event_retries_are_not_refused_as_replays(running, fake_slack):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK",
                 reason="incorrect_contact", details="Someone else answered.")
    parent = receipt(fake_slack, "C0ROOF", "L-OK")
    running.wait_idle()
    event = {"type": "message", "channel": "C0ROOF", "user": "U0ROOF1", "text": "Sent the photo.",
             "ts": f"{time.time():.6f}", "thread_ts": parent["ts"], "channel_type": "channel"}
    body = json.dumps({"token": "legacy", "team_id": TEAM, "api_app_id": APP, "event": event,
                       "type": "event_callback", "event_id": "Ev0RETRIED1", "event_time": int(time.time())}).encode()
    ts = str(int(time.time()))
    assert running.slack.post(body, JSON, timestamp=ts).status == 200
    retry = running.slack.post(body, JSON, timestamp=ts, headers={"X-Slack-Retry-Num": "1",
                                                                  "X-Slack-Retry-Reason": "http_timeout"})
    assert retry.status == 200
    running.wait_idle()
    with running.desk.read() as session:
        assert list(session.scalars(select(RequestMessage.text))) == ["Sent the photo."]


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL not configured (set TEST_POSTGRES_URL; CI does)")
def test_a_replay_sent_to_another_replica_is_refused(postgres_url, fake_slack, tmp_path):
    from tests.conftest import _reset_postgres

    _reset_postgres(postgres_url)
    settings = settings_for(postgres_url, fake_slack.url)
    seed(settings, tmp_path, STANDARD_LEADS)
    first, second = RunningBot(settings), RunningBot(settings)
    try:
        body = urllib.parse.urlencode(command_fields("L-OK")).encode()
        ts = str(int(time.time()))
        assert first.slack.post(body, FORM, timestamp=ts).status == 200
        assert second.slack.post(body, FORM, timestamp=ts).status == 401
        with second.desk.read() as session:
            keys = list(session.scalars(select(ProcessedEvent.event_id)))
        assert len(keys) == 1 and keys[0].startswith("sig:") and len(keys[0]) <= 64
    finally:
        first.stop()
        second.stop()


def test_requests_for_another_app_are_refused_when_slack_app_id_is_set(database_url, fake_slack, tmp_path, logs):
    with bot_with(database_url, fake_slack, tmp_path, SLACK_APP_ID=APP) as bot:
        assert bot.slack.command("U0ROOF1", "C0ROOF", "L-OK").status == 200
        other = urllib.parse.urlencode(command_fields("L-OK", api_app_id="A0OTHER")).encode()
        reply = bot.slack.post(other, FORM)
        assert (reply.status, reply.json()) == (403, {"ok": False, "error": "wrong_app"})
        missing = command_fields("L-OK")
        del missing["api_app_id"]
        assert bot.slack.post(urllib.parse.urlencode(missing).encode(), FORM).status == 403
        assert bot.slack.interactive({**click("U0REV", "approve_request", "1"), "api_app_id": "A0OTHER"}).status == 403
        event = {"type": "app_home_opened", "user": "U0REV", "channel": "D0REV", "tab": "home"}
        assert bot.slack.event(event).status == 200
        body = json.dumps({"token": "legacy", "team_id": TEAM, "api_app_id": "A0OTHER", "event": event,
                           "type": "event_callback", "event_id": "Ev0OTHERAPP", "event_time": 1}).encode()
        assert bot.slack.post(body, JSON).status == 403
        challenge = bot.slack.post(json.dumps({"token": "legacy", "challenge": "c-123",
                                               "type": "url_verification"}).encode(), JSON)
        assert challenge.status == 200 and challenge.json() == {"challenge": "c-123"}
        bot.wait_idle()
    assert_quiet(logs)
    assert [r.getMessage() for r in logs.records if r.name == "credit_bot.edge"][0] == \
        "rejected: request for another Slack app"


# -- /healthz and /metrics -------------------------------------------------------------------

def test_healthz_says_unavailable_without_driver_text(tmp_path, fake_slack, logs):
    where = tmp_path / "secret-socket-dir"
    where.mkdir()
    settings = settings_for(f"sqlite:///{where / 'credit_bot.db'}", fake_slack.url)
    seed(settings, tmp_path, STANDARD_LEADS)
    bot = RunningBot(settings, deliver=False)
    try:
        assert get(bot, "/healthz")[0] == 200
        shutil.rmtree(where)
        bot.desk.db.engine.dispose()
        for _ in range(3):
            status, body = get(bot, "/healthz")
            assert status == 503
            assert json.loads(body) == {"ok": False, "database": "unavailable"}
        warnings = [r.getMessage() for r in logs.records if r.name == "credit_bot.server"]
        assert len(warnings) == 1 and warnings[0].startswith("healthz: database unavailable: OperationalError")
        assert "secret-socket-dir" not in warnings[0]
        assert_quiet(logs)
    finally:
        bot.stop()


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL not configured (set TEST_POSTGRES_URL; CI does)")
def test_healthz_on_postgresql_that_went_away_names_no_host_and_logs_no_password(fake_slack, tmp_path, logs):
    base = make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{base.database}_{os.getpid()}_gone"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name, username=base.username or getpass.getuser(), password="hunter2-secret")
    settings = settings_for(url.render_as_string(hide_password=False), fake_slack.url)
    seed(settings, tmp_path, STANDARD_LEADS)
    bot = RunningBot(settings, deliver=False)
    try:
        assert get(bot, "/healthz")[0] == 200
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        status, body = get(bot, "/healthz")
        assert (status, json.loads(body)) == (503, {"ok": False, "database": "unavailable"})
        assert any(r.getMessage().startswith("healthz: database unavailable") for r in logs.records)
        for record in logs.records:
            assert "hunter2-secret" not in record.getMessage()
            assert record.exc_info is None
    finally:
        bot.stop()
        admin.dispose()


def test_metrics_token_guards_metrics(database_url, fake_slack, tmp_path):
    with bot_with(database_url, fake_slack, tmp_path, METRICS_TOKEN="m-0123456789abcdef") as bot:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic bS0wMTIz"},
                        {"Authorization": "Bearer m-0123456789abcdeX"}, {"Authorization": "Bearer"},
                        {"Authorization": "Bearer m-0123456789abcdef\u00e9".encode().decode("latin-1")}):
            status, body = get(bot, "/metrics", headers)
            assert status == 401, headers
            assert b"credit_bot" not in body
        assert "credit_bot_http_requests_total" in metrics_text(bot, "m-0123456789abcdef")
        assert get(bot, "/healthz")[0] == 200  # load balancers need no token


def test_a_made_up_request_id_header_is_not_echoed(running):
    req = urllib.request.Request(running.url + "/healthz", headers={"X-Request-Id": "x" * 500})
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert len(resp.headers["X-Request-Id"]) == 16
    req = urllib.request.Request(running.url + "/healthz", headers={"X-Request-Id": "abc-123"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert resp.headers["X-Request-Id"] == "abc-123"
