"""``credit-bot sandbox`` without a browser: the page's JSON API drives the real app through
signed Slack requests, and what the bot says lands in the Slack stand-in."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.sandbox import demo
from bot.sandbox.run import start_sandbox
from storage.models import CreditRequest, RequestEvent, RequestMessage

CONTRACTOR, REVIEWER, MANAGER = "U0ROOF1", "U0REV1", "U0AM1"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    sb = start_sandbox(tmp_path_factory.mktemp("sandbox") / "sandbox.db")
    yield sb
    sb.stop()


def api(sb, path: str, data: dict | None = None):
    url = sb.url.rstrip("/") + path
    req = urllib.request.Request(url, data=None if data is None else json.dumps(data).encode(),
                                 headers={"Content-Type": "application/json"},
                                 method="GET" if data is None else "POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def state(sb, user: str) -> dict:
    status, body = api(sb, f"/api/state?user={user}")
    assert status == 200, body
    return body


def wait_until(fn, timeout: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def channel(st: dict, cid: str) -> dict:
    return next(c for c in st["channels"] if c["id"] == cid)


def buttons(message: dict) -> dict[str, str]:
    return {e["action_id"]: e["value"] for b in message["blocks"] if b["type"] == "actions"
            for e in b["elements"] if e["type"] == "button"}


def modal(sb, user: str, callback: str) -> dict:
    def opened():
        m = state(sb, user)["modal"]
        return m if m and m["view"]["callback_id"] == callback else None
    return wait_until(opened, what=f"the {callback} modal")


def requests_in(sb) -> list[CreditRequest]:
    with sb.runtime.desk.read() as session:
        return list(session.scalars(select(CreditRequest).order_by(CreditRequest.id)))


def test_page_and_people_are_served(sandbox):
    with urllib.request.urlopen(sandbox.url, timeout=5) as resp:
        page = resp.read().decode()
    assert 'id="act-as"' in page and "/static/app.js" in page
    for name in ("app.js", "style.css"):
        with urllib.request.urlopen(sandbox.url + "static/" + name, timeout=5) as resp:
            assert resp.status == 200 and resp.read()
    status, info = api(sandbox, "/api/info")
    roles = {p["role"] for p in info["people"]}
    assert {"contractor", "reviewer", "account_manager"} <= roles
    assert {lead["lead_id"] for lead in info["leads"]} >= {"L-1001", "L-1002", "L-1004", "L-1005", "L-1006"}
    assert api(sandbox, "/api/state?user=UNOBODY")[0] == 400
    assert api(sandbox, "/static/../run.py")[0] == 404


def test_each_person_sees_their_own_channels(sandbox):
    contractor = {c["id"] for c in state(sandbox, CONTRACTOR)["channels"]}
    reviewer = {c["id"] for c in state(sandbox, REVIEWER)["channels"]}
    admin = {c["id"] for c in state(sandbox, "U0ADMIN")["channels"]}
    assert demo.CONTRACTOR_CHANNEL in contractor and demo.REVIEWER_CHANNEL not in contractor
    assert demo.REVIEWER_CHANNEL in reviewer and demo.CONTRACTOR_CHANNEL not in reviewer
    assert {demo.CONTRACTOR_CHANNEL, demo.REVIEWER_CHANNEL, demo.MANAGER_CHANNEL} <= admin


def test_the_app_only_takes_signed_requests(sandbox):
    req = urllib.request.Request(sandbox.app_url + "/slack/events", method="POST",
                                 data=b"command=%2Fcredit-request&user_id=U0ROOF1&channel_id=C0ROOF",
                                 headers={"X-Slack-Request-Timestamp": str(int(time.time())),
                                          "X-Slack-Signature": "v0=" + "0" * 64,
                                          "Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=5)
    assert err.value.code == 401


def test_file_approve_reverse_story(sandbox):
    fake = sandbox.fake
    status, body = api(sandbox, "/api/command", {"user": CONTRACTOR, "channel": demo.CONTRACTOR_CHANNEL,
                                                 "text": "/credit-request L-1002"})
    assert status == 200 and body["modal"] is True
    form = modal(sandbox, CONTRACTOR, "credit_request")
    lead_input = next(b for b in form["view"]["blocks"] if b.get("block_id") == "lead_id")
    assert lead_input["element"]["initial_value"] == "L-1002"

    # Bad input comes back as field errors and the modal stays open with them.
    status, body = api(sandbox, "/api/submit", {"user": CONTRACTOR, "view_id": form["view"]["id"], "values": {
        "lead_id": "L-2001", "reason": "invalid_number", "details": "Rang it."}})
    assert body["ok"] is False and "not delivered to your company" in body["errors"]["lead_id"]
    assert "not delivered" in state(sandbox, CONTRACTOR)["modal"]["errors"]["lead_id"]
    assert requests_in(sandbox) == []

    status, body = api(sandbox, "/api/submit", {"user": CONTRACTOR, "view_id": form["view"]["id"], "values": {
        "lead_id": "L-1002", "reason": "invalid_number", "details": "Rang it twice: disconnected tone."}})
    assert body == {"ok": True, "closed": True}
    assert state(sandbox, CONTRACTOR)["modal"] is None
    assert sandbox.wait_idle()

    # The receipt and its thread, as the contractor sees them.
    msgs = channel(state(sandbox, CONTRACTOR), demo.CONTRACTOR_CHANNEL)["messages"]
    receipt = next(m for m in msgs if "L-1002" in m["text"])
    assert receipt["bot"] and "Checks for lead L-1002" in receipt["replies"][0]["text"]
    assert fake.replies(demo.CONTRACTOR_CHANNEL, receipt["ts"])[0]["text"] == receipt["replies"][0]["text"]

    # The reviewer approves.
    post = next(m for m in channel(state(sandbox, REVIEWER), demo.REVIEWER_CHANNEL)["messages"] if "L-1002" in m["text"])
    assert set(buttons(post)) == {"approve_request", "deny_request", "request_info"}
    status, body = api(sandbox, "/api/action", {"user": REVIEWER, "action_id": "approve_request",
                                                "value": buttons(post)["approve_request"], "block_id": "review_1",
                                                "channel": demo.REVIEWER_CHANNEL, "message_ts": post["ts"]})
    assert body == {"ok": True}
    assert sandbox.wait_idle()
    updated = wait_until(lambda: (m := fake.message(demo.REVIEWER_CHANNEL, post["ts"])) and "Credited" in m["text"]
                         and m, what="the reviewer post to show the approval")
    assert updated["edited"] and set(buttons(updated)) == {"reverse_request"}
    assert "<@U0REV1>" in json.dumps(updated["blocks"])
    thread = [r["text"] for r in fake.replies(demo.CONTRACTOR_CHANNEL, receipt["ts"])]
    assert any("approved" in t for t in thread)
    home = wait_until(lambda: (h := state(sandbox, CONTRACTOR)["home"]) and "Credited" in json.dumps(h) and h,
                      what="the contractor's App Home to say Credited")
    assert "L-1002" in json.dumps(home)

    # The reviewer reverses it, with a note.
    api(sandbox, "/api/action", {"user": REVIEWER, "action_id": "reverse_request",
                                 "value": buttons(updated)["reverse_request"], "channel": demo.REVIEWER_CHANNEL,
                                 "message_ts": post["ts"]})
    form = modal(sandbox, REVIEWER, "reverse_request")
    status, body = api(sandbox, "/api/submit", {"user": REVIEWER, "view_id": form["view"]["id"],
                                                "values": {"note": "Homeowner confirmed they made the request."}})
    assert body == {"ok": True, "closed": True}
    assert sandbox.wait_idle()
    final = wait_until(lambda: (m := fake.message(demo.REVIEWER_CHANNEL, post["ts"])) and "Reversed" in m["text"]
                       and m, what="the reviewer post to say Reversed")
    assert buttons(final) == {}
    assert "reversed" in fake.replies(demo.CONTRACTOR_CHANNEL, receipt["ts"])[-1]["text"]

    [req] = requests_in(sandbox)
    assert (req.lead_id, req.status, req.decided_by) == ("L-1002", "reversed", REVIEWER)
    assert req.contractor_ts == receipt["ts"] and req.reviewer_ts == post["ts"]
    with sandbox.runtime.desk.read() as session:
        actions = [e.action for e in session.scalars(select(RequestEvent).where(RequestEvent.request_id == req.id)
                                                     .order_by(RequestEvent.id))]
    assert actions[0] == "filed" and actions[-1] == "reverse" and "approve" in actions

    # A contractor's reply in the receipt thread reaches the reviewers' thread.
    status, body = api(sandbox, "/api/reply", {"user": CONTRACTOR, "channel": demo.CONTRACTOR_CHANNEL,
                                               "thread_ts": receipt["ts"], "text": "Thanks <!channel>"})
    assert body["ok"] is True
    mirrored = wait_until(lambda: [r for r in fake.replies(demo.REVIEWER_CHANNEL, post["ts"])
                                   if "Thanks" in r["text"]], what="the reply mirrored to reviewers")
    assert "&lt;!channel&gt;" in mirrored[0]["text"]
    with sandbox.runtime.desk.read() as session:
        assert session.scalar(select(RequestMessage.text).where(RequestMessage.request_id == req.id)) == \
            "Thanks <!channel>"


def test_auto_approval_and_ephemeral_answers(sandbox):
    api(sandbox, "/api/command", {"user": CONTRACTOR, "channel": demo.CONTRACTOR_CHANNEL,
                                  "text": "/credit-request L-1001"})
    form = modal(sandbox, CONTRACTOR, "credit_request")
    api(sandbox, "/api/submit", {"user": CONTRACTOR, "view_id": form["view"]["id"], "values": {
        "lead_id": "L-1001", "reason": "invalid_number", "details": "123-456-7891 is not a real number."}})
    assert sandbox.wait_idle()
    receipt = next(m for m in sandbox.fake.messages(demo.CONTRACTOR_CHANNEL) if "L-1001" in m["text"])
    assert any("approved" in r["text"] for r in sandbox.fake.replies(demo.CONTRACTOR_CHANNEL, receipt["ts"]))

    # A reviewer is not linked to a client: the command's answer is shown only to them.
    api(sandbox, "/api/command", {"user": REVIEWER, "channel": demo.REVIEWER_CHANNEL, "text": "/credit-request"})
    api(sandbox, "/api/command", {"user": REVIEWER, "channel": demo.REVIEWER_CHANNEL, "text": "/nope"})
    texts = [e["text"] for e in state(sandbox, REVIEWER)["ephemerals"]]
    assert any("not linked to a client" in t for t in texts) and any("/nope" in t for t in texts)
    assert state(sandbox, CONTRACTOR)["ephemerals"] == [] or all(
        "not linked" not in e["text"] for e in state(sandbox, CONTRACTOR)["ephemerals"])

    # Opening the App Home tab publishes it.
    status, body = api(sandbox, "/api/home", {"user": MANAGER})
    assert body == {"ok": True}
    wait_until(lambda: state(sandbox, MANAGER)["home"], what="the manager's App Home")


def test_home_button_and_the_exception_story(sandbox):
    fake = sandbox.fake
    # "New credit request" on the App Home tab: a block action from a view, not a message.
    api(sandbox, "/api/home", {"user": CONTRACTOR})
    home = wait_until(lambda: state(sandbox, CONTRACTOR)["home"], what="the contractor's App Home")
    assert buttons(home) == {"open_credit_request": "home"}
    api(sandbox, "/api/action", {"user": CONTRACTOR, "action_id": "open_credit_request", "value": "home",
                                 "block_id": "home_actions"})
    form = modal(sandbox, CONTRACTOR, "credit_request")
    api(sandbox, "/api/submit", {"user": CONTRACTOR, "view_id": form["view"]["id"], "values": {
        "lead_id": "L-1006", "reason": "incorrect_contact", "details": "The person says they never asked."}})
    assert sandbox.wait_idle()

    # Reported too late: denied at once, with a button to ask for an exception in the thread.
    receipt = next(m for m in fake.messages(demo.CONTRACTOR_CHANNEL) if "L-1006" in m["text"])
    denial = wait_until(lambda: [r for r in fake.replies(demo.CONTRACTOR_CHANNEL, receipt["ts"])
                                 if "request_exception" in buttons(r)], what="the denial with its button")[0]
    api(sandbox, "/api/action", {"user": CONTRACTOR, "action_id": "request_exception",
                                 "value": buttons(denial)["request_exception"], "channel": demo.CONTRACTOR_CHANNEL,
                                 "message_ts": denial["ts"]})
    form = modal(sandbox, CONTRACTOR, "request_exception")
    status, body = api(sandbox, "/api/submit", {"user": CONTRACTOR, "view_id": form["view"]["id"],
                                                "values": {"note": "The homeowner was in hospital."}})
    assert body["ok"] is True
    assert sandbox.wait_idle()

    # The account manager grants it from their channel.
    ask = wait_until(lambda: [m for m in channel(state(sandbox, MANAGER), demo.MANAGER_CHANNEL)["messages"]
                              if "L-1006" in m["text"]], what="the exception thread")[0]
    assert "<@U0AM1>" in ask["text"]
    api(sandbox, "/api/action", {"user": MANAGER, "action_id": "grant_exception",
                                 "value": buttons(ask)["grant_exception"], "channel": demo.MANAGER_CHANNEL,
                                 "message_ts": ask["ts"]})
    form = modal(sandbox, MANAGER, "grant_exception")
    status, body = api(sandbox, "/api/submit", {"user": MANAGER, "view_id": form["view"]["id"],
                                                "values": {"note": "Hospital stay: we credit it."}})
    assert body["ok"] is True
    assert sandbox.wait_idle()
    req = next(r for r in requests_in(sandbox) if r.lead_id == "L-1006")
    assert (req.status, req.exception_outcome, req.decided_by) == ("approved", "granted", MANAGER)
    assert any("granted" in r["text"] for r in fake.replies(demo.CONTRACTOR_CHANNEL, receipt["ts"]))


def test_cli_sandbox_prints_the_url_and_stops_on_sigterm(tmp_path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "bot.entrypoints.cli", "sandbox", "--port", "0", "--no-browser",
                             "--db", str(tmp_path / "cli.db")], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = None
        deadline = time.monotonic() + 30
        lines = []
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            match = re.search(r"running at (http://\S+)", line)
            url = match.group(1) if match else None
        assert url, "".join(lines)
        with urllib.request.urlopen(url + "api/info", timeout=5) as resp:
            assert json.loads(resp.read())["command"] == "/credit-request"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert (tmp_path / "cli.db").exists()
