"""Leaks found by the second trust review, each pinned through the running server."""

from __future__ import annotations

import http.client
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.sandbox.run import start_sandbox
from bot.usecases.csvout import safe_cell
from bot.usecases.staffing import grant
from storage.models import Base, Client, Intent
from tests.e2e.test_exceptions_and_roles import _ask_exception, _denied
from tests.e2e.test_ways_in import EMPTY, FILE
from tests.support.bot import REVIEW
from tests.support.flows import file_request, opened_view, receipt, reviewer_post


def _home(bot, fake, user: str) -> str:
    assert bot.slack.event({"type": "app_home_opened", "user": user, "channel": "D0" + user, "tab": "home"}).status == 200
    bot.wait_idle()
    return json.dumps(fake.home(user))


def test_account_manager_home_lists_only_their_own_clients_exceptions(running, fake_slack):
    grant(running.desk.db, "U0AM2", "account_manager", actor="test", now=datetime.now(UTC))
    rid = _denied(running, fake_slack)
    _ask_exception(running, fake_slack, rid)  # C-ROOF's account manager is U0AM
    assert "Open exceptions (1)" in _home(running, fake_slack, "U0AM")
    assert "Open exceptions (1)" in _home(running, fake_slack, "U0ADMIN")  # admins see all
    other = _home(running, fake_slack, "U0AM2")
    assert "Open exceptions (0)" in other and "L-OK" not in other and "Brooklyn Roofing" not in other
    with running.desk.transaction() as session:  # no account manager on file: any one may decide it
        session.get(Client, "C-ROOF").account_manager_user_id = None
    assert "Open exceptions (1)" in _home(running, fake_slack, "U0AM2")


def _every_row(bot) -> str:
    with bot.desk.read() as session:
        return "\n".join(repr(tuple(row)) for table in Base.metadata.sorted_tables
                         for row in session.execute(select(table)))


def test_a_reply_in_a_thread_unrelated_to_any_request_stores_nothing(running, fake_slack):
    file_request(running, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK", reason="incorrect_contact",
                 details="Someone else answered.")
    running.wait_idle()
    parent = receipt(fake_slack, "C0ROOF", "L-OK")
    chatter = fake_slack.add_user_message("C0ROOF", "U0ROOF1", "Team lunch thread")
    elsewhere = fake_slack.add_user_message("C0OTHER", "U0ROOF1", "Payroll thread")
    for n, (channel, thread) in enumerate((("C0ROOF", chatter["ts"]), ("C0OTHER", elsewhere["ts"]),
                                           ("C0OTHER", parent["ts"]))):  # a receipt's ts in another channel
        text, ts = f"private salary talk {n}", f"{float(thread) + 1 + n:.6f}"
        assert running.slack.message_event("U0ROOF1", channel, text, ts, thread_ts=thread).status == 200
    real = fake_slack.add_user_message("C0ROOF", "U0ROOF1", "The number belongs to a stranger.", thread_ts=parent["ts"])
    assert running.slack.message_event("U0ROOF1", "C0ROOF", real["text"], real["ts"], thread_ts=parent["ts"]).status == 200
    fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and "stranger" in c.params.get("text", ""))
    running.wait_idle()
    stored = _every_row(running)
    assert "stranger" in stored  # the receipt thread's reply is kept (and mirrored once)
    assert "salary" not in stored
    with running.desk.read() as session:
        assert all("salary" not in repr(i.body) for i in session.scalars(select(Intent)))


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    sb = start_sandbox(tmp_path_factory.mktemp("sandbox") / "sandbox.db", seed=False)
    yield sb
    sb.stop()


def _raw(sb, method: str, path: str, body: bytes | None = None, **headers):
    """A request with exactly these headers (``Host`` too), as another site's page or a rebound
    DNS name would send it."""
    conn = http.client.HTTPConnection("127.0.0.1", sb.web_server.port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        headers.setdefault("Host", f"127.0.0.1:{sb.web_server.port}")
        for name, value in headers.items():
            conn.putheader(name.replace("_", "-"), value)
        conn.putheader("Content-Length", str(len(body or b"")))
        conn.endheaders(body or b"")
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"{}")
    finally:
        conn.close()


def test_sandbox_api_refuses_cross_site_posts_foreign_origins_and_foreign_hosts(sandbox):
    port = sandbox.web_server.port
    body = json.dumps({"user": "U0ROOF1", "channel": "C0ROOF", "text": "/credit-request"}).encode()
    before = len(sandbox.fake.calls)
    status, reply = _raw(sandbox, "POST", "/api/command", body, Content_Type="text/plain")
    assert status == 415 and "application/json" in reply["error"]
    form = b"user=U0ROOF1&ts=1"
    assert _raw(sandbox, "POST", "/api/dismiss", form, Content_Type="application/x-www-form-urlencoded")[0] == 415
    assert _raw(sandbox, "POST", "/api/upload", b"--x--", Content_Type="multipart/form-data; boundary=x")[0] == 415
    assert _raw(sandbox, "POST", "/api/command", body, Content_Type="application/json",
                Origin="https://evil.example")[0] == 403
    for host in (f"evil.example:{port}", "127.0.0.1:1", "rebound.example"):
        assert _raw(sandbox, "GET", "/api/info", Host=host)[0] == 421
        assert _raw(sandbox, "POST", "/api/command", body, Content_Type="application/json", Host=host)[0] == 421
    assert len(sandbox.fake.calls) == before  # none of them reached the app or the stand-in
    # The page itself (same origin, JSON) and non-browser clients (no Origin) are served.
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
        assert _raw(sandbox, "GET", "/api/info", Host=host)[0] == 200
    assert _raw(sandbox, "POST", "/api/home", json.dumps({"user": "U0ROOF1"}).encode(),
                Content_Type="application/json; charset=utf-8", Origin=f"http://localhost:{port}")[0] == 200
    assert _raw(sandbox, "POST", "/api/home", json.dumps({"user": "U0ROOF1"}).encode(),
                Content_Type="application/json")[0] == 200


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def _has_bidi(text: str) -> bool:
    return any(ch in text for ch in BIDI)


def test_bidi_controls_in_file_names_and_details_never_reach_reviewers(running, fake_slack):
    running.slack.command("U0ROOF1", "C0ROOF", "L-OK")
    view = opened_view(fake_slack, "credit_request")
    evil = dict(FILE, name="invoice\u202egnp.exe", title="invoice\u202egnp.exe")
    details = "Wrong \u2067person\u2069 \u200fanswered\u061c; call \u202d555\u202c back."
    assert running.slack.view_submission("U0ROOF1", view, {"lead_id": "L-OK", "reason": "incorrect_contact",
                                                           "details": details, "evidence": [evil]}).body in EMPTY
    post = reviewer_post(fake_slack, "L-OK")
    running.wait_idle()
    card = fake_slack.message(REVIEW, post["ts"])
    shown = card["text"] + json.dumps(card["blocks"], ensure_ascii=False)
    assert "invoicegnp.exe" in shown and "Wrong person answered; call 555 back." in shown
    assert not _has_bidi(shown)
    parent = receipt(fake_slack, "C0ROOF", "L-OK")
    later = dict(FILE, id="F0LATER", name="log\u202efdp.scr")
    msg = fake_slack.add_user_message("C0ROOF", "U0ROOF1", "see \u202eattached", thread_ts=parent["ts"])
    running.slack.message_event("U0ROOF1", "C0ROOF", "see \u202eattached", msg["ts"], thread_ts=parent["ts"],
                                files=[later])
    fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and c.params.get("channel") == REVIEW
                        and "logfdp.scr" in c.params.get("text", ""))
    running.wait_idle()
    posted = [json.dumps(c.params, ensure_ascii=False) for c in fake_slack.calls
              if c.method in ("chat.postMessage", "chat.update", "views.publish", "chat.postEphemeral")]
    assert posted and not any(_has_bidi(p) for p in posted)  # every card, reply, receipt and home
    _home(running, fake_slack, "U0REV")
    assert not _has_bidi(json.dumps(fake_slack.home("U0REV"), ensure_ascii=False))
    assert safe_cell("a\u202eb") == "ab"  # CSV exports too
