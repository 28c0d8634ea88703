"""``credit-bot sandbox`` without a browser: the page's JSON API drives the real app through
signed Slack requests, and what the bot says lands in the Slack stand-in."""

from __future__ import annotations

import base64
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
import yaml
from sqlalchemy import select

from bot.sandbox import demo
from bot.sandbox.run import start_sandbox
from bot.sandbox.web import MAX_UPLOAD_BYTES, SHORTCUTS
from storage.models import CreditRequest, LedgerEntry, RequestEvent, RequestFile, RequestMessage

CONTRACTOR, REVIEWER, MANAGER = "U0ROOF1", "U0REV1", "U0AM1"
ROOT = Path(__file__).resolve().parents[2]


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


def buttons(message: dict, *, trail: bool = False) -> dict[str, str]:
    """The lifecycle's buttons on a message (with ``trail``, the card's Trail button too)."""
    return {e["action_id"]: e["value"] for b in message["blocks"] if b["type"] == "actions"
            for e in b["elements"] if e["type"] == "button" and (trail or e["action_id"] != "open_trail")}


def modal(sb, user: str, callback: str) -> dict:
    def opened():
        m = state(sb, user)["modal"]
        return m if m and m["view"]["callback_id"] == callback else None
    return wait_until(opened, what=f"the {callback} modal")


def upload(sb, user: str, name: str, content: bytes, mimetype: str = "application/octet-stream"):
    """``POST /api/upload`` as the page sends it: JSON with the bytes as base64."""
    return api(sb, "/api/upload", {"user": user, "name": name, "mimetype": mimetype,
                                   "content_base64": base64.b64encode(content).decode()})


def request_for(sb, lead_id: str) -> CreditRequest | None:
    return next((r for r in requests_in(sb) if r.lead_id == lead_id), None)


def home_rows(home: dict) -> list[dict]:
    return [b for b in home["blocks"] if re.fullmatch(r"queue_\d+", str(b.get("block_id", "")))]


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
    # The page shows message times in the policy's zone and says the database was reset.
    assert info["timezone"] == sandbox.settings.calendar.tz.key == "America/New_York"
    assert info["database"] == {"name": "sandbox.db", "kept": False}
    with urllib.request.urlopen(sandbox.url + "static/app.js", timeout=5) as resp:
        script = resp.read().decode()
    assert "timeZone: S.info.timezone" in script and "recreated with the demo data" in script


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
    # another client's lead reads exactly like an unknown one
    assert body["ok"] is False and "There is no lead with id" in body["errors"]["lead_id"]
    assert "L-2001" in state(sandbox, CONTRACTOR)["modal"]["errors"]["lead_id"]
    assert not [r for r in requests_in(sandbox) if r.lead_id in ("L-2001", "L-1002")]

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
    assert set(buttons(post, trail=True)) == {"approve_request", "deny_request", "request_info", "open_trail"}
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

    [req] = [r for r in requests_in(sandbox) if r.lead_id == "L-1002"]
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


# -- more ways in, through the page's API ---------------------------------------------------------

def test_the_demo_has_a_queue_and_a_lead_delivery(sandbox):
    assert sandbox.seeded["requests"] == 3
    filed = {r.lead_id: r for r in requests_in(sandbox) if r.lead_id in ("L-1008", "L-1009")}
    assert {(r.status, r.requested_by) for r in filed.values()} == {("pending", "U0ROOF2")}
    with sandbox.runtime.desk.read() as session:
        [evidence] = session.scalars(select(RequestFile).where(RequestFile.request_id == filed["L-1008"].id))
    assert evidence.name == "call-log.txt" and evidence.permalink.startswith(sandbox.fake.root_url + "/files/")
    st = state(sandbox, CONTRACTOR)
    delivery = next(m for m in channel(st, demo.CONTRACTOR_CHANNEL)["messages"] if m["user"] == demo.LEAD_BOT)
    assert delivery["app"] and "L-1010" in delivery["text"] and st["names"][demo.LEAD_BOT] == "LeadFlow"
    info = api(sandbox, "/api/info")[1]
    assert info["shortcuts"] == list(SHORTCUTS) and info["max_upload_bytes"] == MAX_UPLOAD_BYTES
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    assert [{k: s[k] for k in ("callback_id", "type", "name", "description")}
            for s in manifest["features"]["shortcuts"]] == list(SHORTCUTS)


def test_global_shortcut_files_a_request(sandbox):
    status, body = api(sandbox, "/api/shortcut", {"user": CONTRACTOR, "callback_id": "file_credit_request"})
    assert (status, body) == (200, {"ok": True, "modal": True})
    form = modal(sandbox, CONTRACTOR, "credit_request")
    lead = next(b for b in form["view"]["blocks"] if b.get("block_id") == "lead_id")
    assert not lead["element"].get("initial_value") and form["view"]["private_metadata"] == ""
    status, body = api(sandbox, "/api/submit", {"user": CONTRACTOR, "view_id": form["view"]["id"], "values": {
        "lead_id": "L-1005", "reason": "out_of_service_area", "details": "Albany is 150 miles away.",
        "evidence": []}})
    assert body == {"ok": True, "closed": True}
    assert sandbox.wait_idle()
    assert request_for(sandbox, "L-1005").status == "approved"
    assert any("L-1005" in m["text"] for m in sandbox.fake.messages(demo.CONTRACTOR_CHANNEL))  # the client's channel

    # Someone not linked to a client gets the app's notice instead of the form.
    assert api(sandbox, "/api/shortcut", {"user": REVIEWER, "callback_id": "file_credit_request"})[1]["modal"]
    notice = wait_until(lambda: state(sandbox, REVIEWER)["modal"], what="the notice modal")
    assert notice["view"]["callback_id"] != "credit_request" and "not linked" in json.dumps(notice["view"])
    api(sandbox, "/api/close", {"user": REVIEWER, "view_id": notice["view"]["id"]})

    assert api(sandbox, "/api/shortcut", {"user": CONTRACTOR, "callback_id": "nope"})[0] == 400
    status, body = api(sandbox, "/api/shortcut", {"user": CONTRACTOR,
                                                  "callback_id": "file_credit_request_from_message"})
    assert status == 400 and "message_ts" in body["error"]


def test_message_shortcut_and_evidence_files(sandbox):
    fake = sandbox.fake
    delivery = next(m for m in fake.messages(demo.CONTRACTOR_CHANNEL) if m["user"] == demo.LEAD_BOT)
    status, body = api(sandbox, "/api/shortcut", {"user": CONTRACTOR, "callback_id": "file_credit_request_from_message",
                                                  "channel": demo.CONTRACTOR_CHANNEL, "message_ts": delivery["ts"]})
    assert body == {"ok": True, "modal": True}
    form = modal(sandbox, CONTRACTOR, "credit_request")
    lead = next(b for b in form["view"]["blocks"] if b.get("block_id") == "lead_id")
    assert lead["element"]["initial_value"] == "L-1010"
    assert form["view"]["private_metadata"] == demo.CONTRACTOR_CHANNEL
    evidence = next(b for b in form["view"]["blocks"] if b.get("block_id") == "evidence")
    assert evidence["element"]["type"] == "file_input"

    # Upload, as the page does (JSON with base64).
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(200))
    status, body = upload(sandbox, CONTRACTOR, "carrier-message.png", png, "image/png")
    assert status == 200 and body["ok"]
    shot = body["file"]
    assert shot["id"].startswith("F") and (shot["name"], shot["mimetype"], shot["size"]) == (
        "carrier-message.png", "image/png", len(png))
    assert shot["permalink"] == shot["url_private"] == f"{fake.root_url}/files/{shot['id']}/carrier-message.png"
    with urllib.request.urlopen(shot["permalink"], timeout=5) as resp:
        assert resp.read() == png
    with urllib.request.urlopen(sandbox.url + f"api/file/{shot['id']}", timeout=5) as resp:
        assert resp.read() == png and resp.headers["Content-Type"] == "image/png"
    status, body = api(sandbox, "/api/upload", {"user": CONTRACTOR, "name": "call log.pdf", "mimetype": "application/pdf",
                                                "content_base64": base64.b64encode(b"%PDF-1.4 calls").decode()})
    log = body["file"]
    assert status == 200 and log["name"] == "call log.pdf" and log["permalink"].endswith("/call%20log.pdf")

    # Too big, empty, anonymous, or not an upload: refused with a clear message; nothing stored.
    files_before = len(fake.files())
    status, body = upload(sandbox, CONTRACTOR, "huge.png", b"0" * (MAX_UPLOAD_BYTES + 1), "image/png")
    assert status == 413 and "up to 5 MB" in body["error"]
    status, body = upload(sandbox, CONTRACTOR, "huge.png", b"0" * (MAX_UPLOAD_BYTES + 200_000), "image/png")
    assert status == 413 and "up to 5 MB" in body["error"]
    assert upload(sandbox, CONTRACTOR, "empty.txt", b"")[1]["error"] == "that file is empty"
    assert upload(sandbox, "UNOBODY", "x.txt", b"x")[0] == 400
    assert api(sandbox, "/api/upload", {"user": CONTRACTOR, "content_base64": "not base64!"})[0] == 400
    assert len(fake.files()) == files_before

    # Files that are not this person's uploads, or too many, are refused before the app hears of them.
    theirs = upload(sandbox, "U0ROOF2", "theirs.png", png, "image/png")[1]["file"]
    values = {"lead_id": "L-1010", "reason": "incorrect_contact", "details": "A dentist's office answers."}
    for files, words in (([theirs["id"]], "uploaded by you"), (["FNOPE"], "uploaded by you"),
                         ([shot["id"]] * 2 + [log["id"]] * 4, "at most 5")):
        status, body = api(sandbox, "/api/submit", {"user": CONTRACTOR, "view_id": form["view"]["id"],
                                                    "values": {**values, "evidence": files}})
        assert status == 400 and words in body["error"]
    assert request_for(sandbox, "L-1010") is None

    status, body = api(sandbox, "/api/submit", {"user": CONTRACTOR, "view_id": form["view"]["id"],
                                                "values": {**values, "evidence": [shot["id"], log["id"]]}})
    assert body == {"ok": True, "closed": True}
    assert sandbox.wait_idle()
    req = request_for(sandbox, "L-1010")
    with sandbox.runtime.desk.read() as session:
        stored = [(f.file_id, f.name, f.permalink, f.source) for f in
                  session.scalars(select(RequestFile).where(RequestFile.request_id == req.id).order_by(RequestFile.id))]
    assert stored == [(shot["id"], "carrier-message.png", shot["permalink"], "modal"),
                      (log["id"], "call log.pdf", log["permalink"], "modal")]
    card = next(m for m in fake.messages(demo.REVIEWER_CHANNEL) if "L-1010" in m["text"])
    assert "carrier-message.png" in json.dumps(card["blocks"]) and "call log.pdf" in json.dumps(card["blocks"])

    # A file shared later in the receipt thread joins the evidence (a file_share message event).
    receipt = next(m for m in fake.messages(demo.CONTRACTOR_CHANNEL) if m["user"] == "U0BOT" and "L-1010" in m["text"])
    later = upload(sandbox, CONTRACTOR, "voicemail.txt", b"Transcript: wrong number.", "text/plain")[1]["file"]
    status, body = api(sandbox, "/api/message", {"user": CONTRACTOR, "channel": demo.CONTRACTOR_CHANNEL,
                                                 "thread_ts": receipt["ts"], "text": "", "files": [later["id"]]})
    assert status == 200 and body["ok"]
    shared = fake.message(demo.CONTRACTOR_CHANNEL, body["ts"])
    assert shared["subtype"] == "file_share" and [f["id"] for f in shared["files"]] == [later["id"]]
    assert sandbox.wait_idle()
    wait_until(lambda: "voicemail.txt" in json.dumps(fake.message(demo.REVIEWER_CHANNEL, card["ts"])["blocks"]),
               what="the thread's file on the reviewer card")
    page_reply = [r for r in channel(state(sandbox, CONTRACTOR), demo.CONTRACTOR_CHANNEL)["messages"]
                  if r["ts"] == receipt["ts"]][0]["replies"]
    assert any(f["name"] == "voicemail.txt" for r in page_reply for f in r["files"])
    assert api(sandbox, "/api/message", {"user": CONTRACTOR, "channel": demo.CONTRACTOR_CHANNEL,
                                         "text": "", "files": []})[0] == 400


def test_status_and_help_answer_only_the_person(sandbox):
    status, body = api(sandbox, "/api/command", {"user": "U0ROOF2", "channel": demo.CONTRACTOR_CHANNEL,
                                                 "text": "/credit-request status"})
    assert body == {"ok": True, "modal": False}
    answer = wait_until(lambda: [e for e in state(sandbox, "U0ROOF2")["ephemerals"] if "Refund Status" in e["text"]],
                        what="the status answer")[0]
    assert "Lead *L-1008*" in answer["text"] and "Lead *L-1009*" in answer["text"] and "\n" in answer["text"]
    assert answer["channel"] == demo.CONTRACTOR_CHANNEL
    receipt = next(m for m in sandbox.fake.messages(demo.CONTRACTOR_CHANNEL) if "L-1009" in m["text"])
    replies = len(sandbox.fake.replies(demo.CONTRACTOR_CHANNEL, receipt["ts"]))
    status, body = api(sandbox, "/api/message", {"user": "U0ROOF2", "channel": demo.CONTRACTOR_CHANNEL,
                                                 "thread_ts": receipt["ts"], "text": "/credit-request help"})
    assert body == {"ok": True, "modal": False}  # a command, from a thread's composer too, as in Slack
    assert len(sandbox.fake.replies(demo.CONTRACTOR_CHANNEL, receipt["ts"])) == replies
    texts = [e["text"] for e in state(sandbox, "U0ROOF2")["ephemerals"]]
    assert any("/credit-request status" in t for t in texts)
    assert not any("Refund Status" in e["text"] for e in state(sandbox, "U0SOLAR1")["ephemerals"])
    assert state(sandbox, "U0ROOF2")["modal"] is None


def test_reviewer_queue_claim_and_filter(sandbox):
    fake = sandbox.fake
    api(sandbox, "/api/home", {"user": REVIEWER})
    home = wait_until(lambda: (h := state(sandbox, REVIEWER)["home"]) and home_rows(h) and h, what="the queue")
    seeded = request_for(sandbox, "L-1008")
    other = request_for(sandbox, "L-1009")
    rows = {r["block_id"]: r for r in home_rows(home)}
    row = rows[f"queue_{seeded.id}"]
    assert row["accessory"]["action_id"] == "claim_request" and row["accessory"]["value"] == str(seeded.id)
    picker = next(b for b in home["blocks"] if b.get("block_id") == "queue_filter")["accessory"]
    assert picker["type"] == "static_select" and picker["initial_option"]["value"] == "all"

    status, body = api(sandbox, "/api/action", {"user": REVIEWER, "action_id": "claim_request",
                                                "value": str(seeded.id), "block_id": f"queue_{seeded.id}"})
    assert body == {"ok": True}
    assert sandbox.wait_idle()
    wait_until(lambda: "claimed by you" in json.dumps(state(sandbox, REVIEWER)["home"]), what="the claim on the home")
    card = next(m for m in fake.messages(demo.REVIEWER_CHANNEL) if "L-1008" in m["text"])
    assert f"Claimed by <@{REVIEWER}>" in json.dumps(card["blocks"])
    assert request_for(sandbox, "L-1008").claimed_by == REVIEWER

    def shown(choice: str) -> set[int]:
        status, body = api(sandbox, "/api/select", {"user": REVIEWER, "action_id": "queue_filter", "value": choice,
                                                    "block_id": "queue_filter", "text": choice})
        assert body == {"ok": True}

        def published():
            h = state(sandbox, REVIEWER)["home"]
            block = next(b for b in h["blocks"] if b.get("block_id") == "queue_filter")
            return block["accessory"]["initial_option"]["value"] == choice and h
        home = wait_until(published, what=f"the {choice} filter")
        return {int(r["block_id"].split("_")[1]) for r in home_rows(home)}

    assert shown("mine") == {seeded.id}
    unclaimed = shown("unclaimed")
    assert seeded.id not in unclaimed and other.id in unclaimed
    assert shown("overdue") == set()  # everything in the demo was filed today
    assert {seeded.id, other.id} <= shown("all")
    assert api(sandbox, "/api/select", {"user": REVIEWER, "action_id": "queue_filter"})[0] == 400


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


def test_the_demo_shows_a_dead_number_credited_after_its_carrier_look_up(sandbox):
    deadline = time.monotonic() + 20
    while (req := request_for(sandbox, "L-1011")) is None or req.status != "approved":
        assert time.monotonic() < deadline, "L-1011 was not credited after its look-up"
        time.sleep(0.1)
    line = next(f for f in req.findings if f["check"] == "phone_line")
    assert req.auto_decided and line["outcome"] == "pass" and "Twilio line status: inactive" in line["detail"]
    assert sandbox.carrier.calls and sandbox.carrier.calls[0]["auth_ok"]


def test_the_dual_control_story_an_expensive_lead_takes_two_approvals(sandbox):
    """L-1012 ($450) is above the sandbox's SECOND_APPROVAL_OVER ($300): Riley's approval is
    the first, Riley again is told why, Alex's credits once and claws the supplier cost back."""
    fake = sandbox.fake
    api(sandbox, "/api/command", {"user": CONTRACTOR, "channel": demo.CONTRACTOR_CHANNEL,
                                  "text": "/credit-request L-1012"})
    form = modal(sandbox, CONTRACTOR, "credit_request")
    status, body = api(sandbox, "/api/submit", {"user": CONTRACTOR, "view_id": form["view"]["id"], "values": {
        "lead_id": "L-1012", "reason": "incorrect_contact", "details": "A different family lives there."}})
    assert body == {"ok": True, "closed": True} and sandbox.wait_idle()
    post = wait_until(lambda: next((m for m in channel(state(sandbox, REVIEWER), demo.REVIEWER_CHANNEL)["messages"]
                                    if "L-1012" in m["text"]), None), what="the reviewer card")

    def click(user):
        api(sandbox, "/api/action", {"user": user, "action_id": "approve_request",
                                     "value": buttons(post)["approve_request"], "channel": demo.REVIEWER_CHANNEL,
                                     "message_ts": post["ts"]})
        assert sandbox.wait_idle()

    click(REVIEWER)
    card = wait_until(lambda: (m := fake.message(demo.REVIEWER_CHANNEL, post["ts"]))
                      and "waiting for a second reviewer" in json.dumps(m["blocks"]) and m, what="first approval")
    assert "Pending review" in json.dumps(card["blocks"]) and "Give second approval" in json.dumps(card["blocks"])
    assert request_for(sandbox, "L-1012").status == "pending"
    receipt = next(m for m in channel(state(sandbox, CONTRACTOR), demo.CONTRACTOR_CHANNEL)["messages"]
                   if "L-1012" in m["text"])
    wait_until(lambda: any("first approval" in r["text"] for r in fake.replies(demo.CONTRACTOR_CHANNEL, receipt["ts"])),
               what="the contractor to hear of the first approval")

    click(REVIEWER)
    wait_until(lambda: any("You already gave the first approval" in e["text"]
                           for e in state(sandbox, REVIEWER)["ephemerals"]), what="the same reviewer told why")
    assert request_for(sandbox, "L-1012").status == "pending"

    click("U0ADMIN")
    wait_until(lambda: (m := fake.message(demo.REVIEWER_CHANNEL, post["ts"])) and "Credited" in m["text"],
               what="the second approval to credit")
    with sandbox.runtime.desk.read() as session:
        entries = [(str(e.amount), e.supplier_id, str(e.supplier_amount)) for e in session.scalars(
            select(LedgerEntry).where(LedgerEntry.lead_id == "L-1012"))]
    assert entries == [("450.00", "SUP-HOMEFIND", "260.00")]
