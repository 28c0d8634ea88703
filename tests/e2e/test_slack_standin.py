"""Tests for the local Slack Web API stand-in (bot/sandbox/slack_api.py)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.slack_api import BOT_USER_ID, FakeSlack, Limit, SlackError


@pytest.fixture
def fake():
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake):
    return WebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[], timeout=10)


def raw_post(fake, method, body: bytes, content_type: str, token="xoxb-test"):
    req = urllib.request.Request(fake.url + method, data=body, method="POST",
                                 headers={"Content-Type": content_type, "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        return resp.status, json.loads(resp.read())


def test_url_and_auth_test(fake, client):
    assert fake.url.startswith("http://127.0.0.1:") and fake.url.endswith("/api/")
    assert fake.port > 0
    resp = client.auth_test()
    assert resp.status_code == 200
    assert resp["ok"] is True
    assert (resp["user_id"], resp["bot_id"], resp["team_id"]) == ("U0BOT", "B0BOT", "T0TEAM")
    assert resp["url"].startswith("https://")
    [call] = fake.calls
    assert call.method == "auth.test" and call.token == "xoxb-test" and call.status == 200 and call.ok


def test_post_message_records_call_and_models_message(fake, client):
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}]
    first = client.chat_postMessage(channel="C1", text="hello", blocks=blocks)
    second = client.chat_postMessage(channel="C1", text="again")
    assert first["channel"] == "C1"
    assert first["message"]["text"] == "hello" and first["message"]["user"] == BOT_USER_ID
    ts1, ts2 = first["ts"], second["ts"]
    assert len(ts1.split(".")[1]) == 6 and float(ts2) > float(ts1)
    msgs = fake.messages("C1")
    assert [m["text"] for m in msgs] == ["hello", "again"]
    assert msgs[0]["blocks"] == blocks and msgs[0]["ts"] == ts1 and msgs[0]["user"] == "U0BOT"
    assert msgs[0]["reply_count"] == 0 and msgs[0]["edited"] is False and msgs[0]["thread_ts"] is None
    call = fake.calls_to("chat.postMessage")[0]
    assert call.params["blocks"] == blocks and call.params["channel"] == "C1"
    assert call.response["ts"] == ts1
    assert {c["id"] for c in fake.channels()} == {"C1"}


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_message_requires_text_or_blocks(fake, client):
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="")
    assert err.value.response["error"] == "no_text"
    assert fake.messages("C1") == []


def test_thread_reply_broadcast_and_replies(fake, client):
    parent = client.chat_postMessage(channel="C1", text="parent")["ts"]
    reply = client.chat_postMessage(channel="C1", text="reply", thread_ts=parent)
    assert reply["message"]["thread_ts"] == parent
    client.chat_postMessage(channel="C1", text="loud", thread_ts=parent, reply_broadcast=True)
    assert [m["text"] for m in fake.replies("C1", parent)] == ["reply", "loud"]
    top = fake.messages("C1")
    assert [m["text"] for m in top] == ["parent", "loud"]
    assert top[0]["reply_count"] == 2 and top[0]["thread_ts"] == parent
    assert top[1]["subtype"] == "thread_broadcast"
    resp = client.conversations_replies(channel="C1", ts=parent)
    assert [m["text"] for m in resp["messages"]] == ["parent", "reply", "loud"]
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="x", thread_ts="1.000001")
    assert err.value.response["error"] == "thread_not_found"


def test_update_message(fake, client):
    ts = client.chat_postMessage(channel="C1", text="v1")["ts"]
    resp = client.chat_update(channel="C1", ts=ts, text="v2", blocks=[{"type": "divider"}])
    assert (resp["channel"], resp["ts"], resp["text"]) == ("C1", ts, "v2")
    [msg] = fake.messages("C1")
    assert msg["text"] == "v2" and msg["blocks"] == [{"type": "divider"}] and msg["edited"] is True
    with pytest.raises(SlackApiError) as err:
        client.chat_update(channel="C1", ts="1.000002", text="nope")
    assert err.value.response["error"] == "message_not_found"


def test_ephemeral_and_permalink(fake, client):
    resp = client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    assert resp["message_ts"]
    [eph] = fake.ephemerals("U1")
    assert (eph["channel"], eph["text"], eph["message_ts"]) == ("C1", "only you", resp["message_ts"])
    assert fake.ephemerals("U2") == [] and fake.messages("C1") == []
    ts = client.chat_postMessage(channel="C1", text="link me")["ts"]
    link = client.chat_getPermalink(channel="C1", message_ts=ts)["permalink"]
    assert link.endswith("/archives/C1/p" + ts.replace(".", ""))


def test_conversations_open_info_history(fake, client):
    dm = client.conversations_open(users="U123")
    assert dm["channel"]["id"] == "DU123"
    assert client.conversations_open(users=["U123"])["channel"]["id"] == "DU123"
    assert client.conversations_open(users="U2,U1")["channel"]["id"] == client.conversations_open(
        users="U1,U2")["channel"]["id"]
    client.chat_postMessage(channel="DU123", text="psst")
    info = client.conversations_info(channel="DU123")["channel"]
    assert info["is_im"] is True and info["user"] == "U123"
    client.chat_postMessage(channel="DU123", text="second")
    hist = client.conversations_history(channel="DU123")
    assert [m["text"] for m in hist["messages"]] == ["second", "psst"]  # newest first, like Slack
    assert client.conversations_history(channel="DU123", limit=1)["has_more"] is True


def test_views_open_update_push_publish(fake, client):
    modal = {"type": "modal", "callback_id": "credit_request", "private_metadata": "lead=42",
             "title": {"type": "plain_text", "text": "Request"}, "blocks": []}
    opened = client.views_open(trigger_id="123.456", view=modal)["view"]
    vid = opened["id"]
    assert vid.startswith("V") and opened["hash"]
    assert fake.views[vid]["callback_id"] == "credit_request"
    assert fake.views[vid]["private_metadata"] == "lead=42" and fake.views[vid]["state"] == {"values": {}}
    updated = client.views_update(view_id=vid, view={**modal, "private_metadata": "lead=43"},
                                  hash=opened["hash"])["view"]
    assert updated["id"] == vid and updated["hash"] != opened["hash"]
    assert fake.views[vid]["private_metadata"] == "lead=43"
    with pytest.raises(SlackApiError) as err:
        client.views_update(view_id=vid, view=modal, hash=opened["hash"])
    assert err.value.response["error"] == "hash_conflict"
    pushed = client.views_push(trigger_id="789.0", view={**modal, "callback_id": "step2"})["view"]
    assert pushed["id"] != vid and fake.views[pushed["id"]]["callback_id"] == "step2"
    with pytest.raises(SlackApiError) as err:
        client.views_open(trigger_id="", view=modal)
    assert err.value.response["error"] == "invalid_trigger_id"

    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}]}
    first = client.views_publish(user_id="U1", view=home)["view"]
    again = client.views_publish(user_id="U1", view={**home, "blocks": []})["view"]
    assert first["id"] == again["id"]
    assert fake.home("U1")["blocks"] == [] and fake.home("U1")["type"] == "home"
    assert fake.home("U2") is None
    with pytest.raises(SlackApiError) as err:
        client.views_publish(user_id="U1", view=modal)
    assert err.value.response["error"] == "invalid_arguments"


def test_form_encoded_json_fields_are_decoded(fake):
    blocks = [{"type": "divider"}]
    body = urlencode({"channel": "C9", "text": "form", "blocks": json.dumps(blocks)}).encode()
    status, resp = raw_post(fake, "chat.postMessage", body, "application/x-www-form-urlencoded")
    assert status == 200 and resp["ok"] is True
    assert fake.calls_to("chat.postMessage")[0].params["blocks"] == blocks
    assert fake.messages("C9")[0]["blocks"] == blocks
    # token as a form param works too
    body = urlencode({"token": "xoxb-test"}).encode()
    status, resp = raw_post(fake, "auth.test", body, "application/x-www-form-urlencoded", token="")
    assert resp["ok"] is True and fake.calls_to("auth.test")[0].token == "xoxb-test"
    assert "token" not in fake.calls_to("auth.test")[0].params


def test_users_info_and_add_user(fake, client):
    user = client.users_info(user="U7")["user"]
    assert (user["id"], user["tz"]) == ("U7", "America/New_York")
    assert user["name"] and user["real_name"]
    fake.add_user("U8", real_name="Dana Scully", tz="America/Chicago")
    user = client.users_info(user="U8")["user"]
    assert (user["real_name"], user["tz"]) == ("Dana Scully", "America/Chicago")


def test_files_upload_form_and_multipart(fake, client):
    resp = client.api_call("files.upload", data={"content": "a,b\n1,2\n", "channels": "C1",
                                                 "title": "report", "filename": "r.csv"})
    assert resp["file"]["title"] == "report" and resp["file"]["size"] == 8
    resp = client.api_call("files.upload", files={"file": b"\x00\x01binary"},
                           data={"channels": "C1", "filename": "b.bin"})
    assert resp["file"]["name"] == "b.bin"
    stored = fake.files()
    assert [f["content"] for f in stored] == [b"a,b\n1,2\n", b"\x00\x01binary"]
    assert [m["files"][0]["name"] for m in fake.messages("C1")] == ["r.csv", "b.bin"]


def test_a_persons_upload_is_served_at_its_permalink_and_answers_files_info(fake, client):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    doc = fake.upload_file("U0ROOF1", "C:\\Users\\casey\\carrier\u202emsg.png", png, mimetype="image/png")
    assert doc["id"].startswith("F") and doc["id"].isalnum()
    assert (doc["name"], doc["title"], doc["mimetype"], doc["size"]) == ("carriermsg.png", "carriermsg.png",
                                                                         "image/png", len(png))
    assert doc["permalink"] == doc["url_private"] == f"{fake.root_url}/files/{doc['id']}/carriermsg.png"
    assert "content" not in doc and fake.file(doc["id"])["content"] == png
    with urllib.request.urlopen(doc["permalink"], timeout=5) as resp:
        assert resp.read() == png
        assert resp.headers["Content-Type"] == "image/png"
        assert resp.headers["Content-Disposition"].startswith("inline")
    with urllib.request.urlopen(doc["url_private_download"], timeout=5) as resp:
        assert resp.headers["Content-Disposition"].startswith("attachment") and resp.read() == png

    # Something a browser would run is only ever a download.
    page = fake.upload_file("U0ROOF1", "notes.html", b"<script>alert(1)</script>", mimetype="text/html")
    with urllib.request.urlopen(page["permalink"], timeout=5) as resp:
        assert resp.headers["Content-Type"] == "application/octet-stream"
        assert resp.headers["Content-Disposition"].startswith("attachment")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{fake.root_url}/files/F404/x.png", timeout=5)
    assert err.value.code == 404

    info = client.files_info(file=doc["id"])
    assert info["file"]["name"] == "carriermsg.png" and info["file"]["channels"] == []
    with pytest.raises(SlackApiError) as err:
        client.files_info(file="FNOPE")
    assert err.value.response["error"] == "file_not_found"
    assert [c.method for c in fake.calls] == ["files.info", "files.info"]  # downloads are not API calls

    # Shared in a thread reply: the message carries it (subtype file_share) and files.info knows where.
    parent = client.chat_postMessage(channel="C1", text="receipt")
    msg = fake.add_user_message("C1", "U0ROOF1", "here", parent["ts"], files=[doc])
    assert msg["subtype"] == "file_share" and msg["files"][0]["id"] == doc["id"]
    assert fake.replies("C1", parent["ts"])[0]["files"][0]["permalink"] == doc["permalink"]
    assert client.files_info(file=doc["id"])["file"]["channels"] == ["C1"]


def test_membership_archive_and_delete(fake, client):
    client.chat_postMessage(channel="C1", text="fine")
    fake.remove_bot_from("C1")
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="blocked")
    assert err.value.response["error"] == "not_in_channel"
    fake.add_bot_to("C1")
    client.chat_postMessage(channel="C1", text="back")
    fake.archive("C2")
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C2", text="x")
    assert err.value.response["error"] == "is_archived"
    fake.delete_channel("C3")
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C3", text="x")
    assert err.value.response["error"] == "channel_not_found"
    assert [m["text"] for m in fake.messages("C1")] == ["fine", "back"]
    assert [c.error for c in fake.calls_to("chat.postMessage")] == [
        None, "not_in_channel", None, "is_archived", "channel_not_found"]


def test_invalid_and_missing_token(fake):
    bad = WebClient(token="xoxb-wrong", base_url=fake.url, retry_handlers=[])
    with pytest.raises(SlackApiError) as err:
        bad.chat_postMessage(channel="C1", text="x")
    assert err.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as err:
        WebClient(base_url=fake.url, retry_handlers=[]).auth_test()
    assert err.value.response["error"] == "not_authed"  # Slack's word for "no token at all"
    assert fake.messages("C1") == []
    assert [c.token for c in fake.calls] == ["xoxb-wrong", None]


def test_token_none_accepts_anything():
    with FakeSlack(token=None) as fake:
        resp = WebClient(token="xoxb-whatever", base_url=fake.url, retry_handlers=[]).auth_test()
        assert resp["ok"] is True


def test_unknown_method(fake, client):
    with pytest.raises(SlackApiError) as err:
        client.api_call("nope.never")
    assert err.value.response.status_code == 200
    assert err.value.response["error"] == "unknown_method"


def test_fail_500_then_recover(fake, client):
    fake.fail("chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="lost")
    assert err.value.response.status_code == 500
    assert err.value.response["error"] == "internal_error"
    assert fake.messages("C1") == []
    client.chat_postMessage(channel="C1", text="kept")
    assert [m["text"] for m in fake.messages("C1")] == ["kept"]
    assert [c.status for c in fake.calls] == [500, 200]


def test_fail_with_slack_error_and_wildcard(fake, client):
    fake.fail("*", status=200, error="ratelimited", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as err:
            client.auth_test()
        assert err.value.response.status_code == 200 and err.value.response["error"] == "ratelimited"
    assert client.auth_test()["ok"] is True
    fake.fail("chat.update", status=502, times=None)
    fake.clear_failures()
    assert client.auth_test()["ok"] is True


def test_rate_limit_429_with_retry_after(fake, client):
    fake.rate_limit("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="x")
    resp = err.value.response
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == "7"
    assert resp["error"] == "ratelimited"
    assert fake.calls[-1].status == 429 and fake.messages("C1") == []


def test_sdk_default_retry_handler_honours_retry_after(fake):
    from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

    retrying = WebClient(token="xoxb-test", base_url=fake.url,
                         retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    fake.rate_limit("chat.postMessage", retry_after=1)
    resp = retrying.chat_postMessage(channel="C1", text="eventually")
    first, second = fake.calls_to("chat.postMessage")
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 0.9
    assert resp["ts"] == fake.messages("C1")[0]["ts"]


def test_delay_and_latency_are_measurable(fake, client):
    fake.delay(0.6, method="auth.test", times=1)
    start = time.monotonic()
    client.auth_test()
    assert time.monotonic() - start >= 0.6
    start = time.monotonic()
    client.auth_test()
    assert time.monotonic() - start < 0.6  # the delay was for one call only
    fake.latency = 0.2
    start = time.monotonic()
    client.chat_postMessage(channel="C1", text="slow")
    assert time.monotonic() - start >= 0.2
    fake.clear_failures()
    assert fake.latency == 0.0


def test_down_and_up(fake, client):
    fake.down()
    for _ in range(2):
        with pytest.raises(SlackApiError) as err:
            client.chat_postMessage(channel="C1", text="x")
        assert err.value.response.status_code == 503
    fake.up()
    assert client.chat_postMessage(channel="C1", text="ok")["ok"] is True
    assert [c.status for c in fake.calls] == [503, 503, 200]
    assert len(fake.messages("C1")) == 1


def test_wait_for_counts_only_ok_calls_and_wakes_up(fake, client):
    fake.fail("chat.postMessage", status=500)

    def post_later():
        time.sleep(0.1)
        for text in ("a", "b", "c"):
            try:
                client.chat_postMessage(channel="C1", text=text)
            except SlackApiError:
                pass

    worker = threading.Thread(target=post_later)
    worker.start()
    found = fake.wait_for("chat.postMessage", count=2, timeout=5)
    worker.join()
    assert len(found) >= 2 and all(c.ok for c in found)
    assert [c.params["text"] for c in found[:2]] == ["b", "c"]
    by_pred = fake.wait_for(lambda c: c.params.get("text") == "c")
    assert by_pred[0].response["channel"] == "C1"


def test_wait_for_timeout_message(fake, client):
    client.auth_test()
    fake.fail("chat.postMessage", status=500)
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C1", text="x")
    start = time.monotonic()
    with pytest.raises(AssertionError) as err:
        fake.wait_for("chat.postMessage", timeout=0.2)
    assert 0.2 <= time.monotonic() - start < 2
    msg = str(err.value)
    assert "chat.postMessage" in msg and "auth.test(200)" in msg and "chat.postMessage(500 internal_error)" in msg


def test_add_user_message_threads_with_bot(fake, client):
    human = fake.add_user_message("C1", "U5", "need credit")
    assert human["user"] == "U5" and human["bot_id"] is None
    client.chat_postMessage(channel="C1", text="on it", thread_ts=human["ts"])
    fake.add_user_message("C1", "U5", "thanks", thread_ts=human["ts"])
    assert [(m["user"], m["text"]) for m in fake.replies("C1", human["ts"])] == [
        ("U0BOT", "on it"), ("U5", "thanks")]
    assert fake.messages("C1")[0]["reply_count"] == 2
    with pytest.raises(SlackError):
        fake.add_user_message("C1", "U5", "x", thread_ts="9.000009")


def test_clear_and_reset(fake, client):
    client.chat_postMessage(channel="C1", text="x")
    fake.clear()
    assert fake.calls == [] and len(fake.messages("C1")) == 1
    fake.down()
    fake.reset()
    assert fake.messages("C1") == [] and fake.channels() == []
    assert client.auth_test()["ok"] is True


def test_concurrent_posts_get_unique_increasing_ts(fake, client):
    def post(i):
        client.chat_postMessage(channel="C1", text=str(i))

    threads = [threading.Thread(target=post, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps = [m["ts"] for m in fake.messages("C1")]
    assert len(stamps) == 20 and len(set(stamps)) == 20
    assert stamps == sorted(stamps, key=float)


def test_custom_method_and_bolt_app_init(fake, client):
    fake.add_method("reactions.add", lambda params: {"echo": params["name"]})
    assert client.reactions_add(channel="C1", timestamp="1.0", name="eyes")["echo"] == "eyes"
    from slack_bolt import App

    App(client=client, signing_secret="secret")  # runs auth.test against the fake
    assert fake.wait_for("auth.test")[0].token == "xoxb-test"


# ---------------------------------------------------------------- message metadata

TAG = {"event_type": "outbox_delivery", "event_payload": {"outbox_id": 41, "kind": "receipt"}}


def test_metadata_round_trip_and_only_on_request(fake, client):
    posted = client.chat_postMessage(channel="C1", text="receipt", metadata=TAG)
    assert posted["message"]["metadata"] == TAG  # the poster's own answer shows it
    plain = client.chat_postMessage(channel="C1", text="untagged")
    assert "metadata" not in plain["message"]
    history = client.conversations_history(channel="C1")["messages"]
    assert [m["text"] for m in history] == ["untagged", "receipt"]
    assert all("metadata" not in m for m in history)  # not without include_all_metadata
    history = client.conversations_history(channel="C1", include_all_metadata=True)["messages"]
    assert history[1]["metadata"] == TAG and "metadata" not in history[0]

    reply_tag = {"event_type": "outbox_delivery", "event_payload": {"outbox_id": 42}}
    client.chat_postMessage(channel="C1", text="checks", thread_ts=posted["ts"], metadata=reply_tag)
    thread = client.conversations_replies(channel="C1", ts=posted["ts"])["messages"]
    assert [m.get("metadata") for m in thread] == [None, None]
    thread = client.conversations_replies(channel="C1", ts=posted["ts"], include_all_metadata=True)["messages"]
    assert [m.get("metadata") for m in thread] == [TAG, reply_tag]
    assert fake.messages("C1")[0]["metadata"] == TAG  # the inspection helpers always show it


def test_metadata_as_form_json_and_as_sdk_object(fake):
    from slack_sdk.models.metadata import Metadata

    body = urlencode({"channel": "C9", "text": "form", "metadata": json.dumps(TAG)}).encode()
    status, resp = raw_post(fake, "chat.postMessage", body, "application/x-www-form-urlencoded")
    assert resp["ok"] is True and resp["message"]["metadata"] == TAG
    sdk = WebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[])
    sdk.chat_postMessage(channel="C9", text="obj", metadata=Metadata(event_type="t", event_payload={"id": "7"}))
    assert [m["metadata"] for m in fake.messages("C9")] == [TAG, {"event_type": "t", "event_payload": {"id": "7"}}]


@pytest.mark.parametrize("metadata", ["not json", json.dumps([1]), json.dumps({"event_payload": {}}),
                                      json.dumps({"event_type": "t", "event_payload": "x"})])
def test_bad_metadata_is_refused_and_posts_nothing(fake, metadata):
    body = urlencode({"channel": "C9", "text": "x", "metadata": metadata}).encode()
    _, resp = raw_post(fake, "chat.postMessage", body, "application/x-www-form-urlencoded")
    assert resp == {"ok": False, "error": "invalid_metadata_format"}
    assert fake.messages("C9") == []


def test_update_replaces_metadata_or_keeps_it(fake, client):
    ts = client.chat_postMessage(channel="C1", text="v1", metadata=TAG)["ts"]
    client.chat_update(channel="C1", ts=ts, text="v2")
    assert fake.message("C1", ts)["metadata"] == TAG
    newer = {"event_type": "outbox_delivery", "event_payload": {"outbox_id": 43}}
    resp = client.chat_update(channel="C1", ts=ts, text="v3", metadata=newer)
    assert resp["message"]["metadata"] == newer
    found = client.conversations_history(channel="C1", include_all_metadata="true")["messages"]
    assert [(m["text"], m["metadata"]) for m in found] == [("v3", newer)]


# ------------------------------------------------------- history and replies pages

def _post_many(client, channel, n, **kw):
    return [client.chat_postMessage(channel=channel, text=f"m{i}", **kw)["ts"] for i in range(n)]


def test_history_pages_newest_first_with_cursor(fake, client):
    stamps = _post_many(client, "C1", 7)
    first = client.conversations_history(channel="C1", limit=3)
    assert [m["ts"] for m in first["messages"]] == stamps[::-1][:3]
    assert first["has_more"] is True and first["response_metadata"]["next_cursor"]
    seen, cursor = [], None
    while True:
        page = client.conversations_history(channel="C1", limit=3, cursor=cursor)
        seen += [m["ts"] for m in page["messages"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not page["has_more"]:
            assert cursor == ""
            break
    assert seen == stamps[::-1]
    # slack_sdk's own paging (iterating the response) follows the cursor the same way
    # (it yields the same response object, refilled: read each page as it comes)
    pages = [[m["ts"] for m in page["messages"]] for page in client.conversations_history(channel="C1", limit=2)]
    assert [ts for page in pages for ts in page] == stamps[::-1] and len(pages) == 4


def test_history_window_bounds_and_inclusive(fake, client):
    stamps = _post_many(client, "C1", 5)
    inner = client.conversations_history(channel="C1", oldest=stamps[1], latest=stamps[3])["messages"]
    assert [m["ts"] for m in inner] == [stamps[2]]
    both = client.conversations_history(channel="C1", oldest=stamps[1], latest=stamps[3], inclusive=True)
    assert [m["ts"] for m in both["messages"]] == [stamps[3], stamps[2], stamps[1]]
    since = client.conversations_history(channel="C1", oldest=stamps[2], limit=1)
    assert [m["ts"] for m in since["messages"]] == [stamps[4]] and since["has_more"] is True
    rest = client.conversations_history(channel="C1", oldest=stamps[2], limit=5,
                                        cursor=since["response_metadata"]["next_cursor"])
    assert [m["ts"] for m in rest["messages"]] == [stamps[3]] and rest["has_more"] is False
    assert client.conversations_history(channel="C1", latest=stamps[0])["messages"] == []


def test_history_leaves_out_thread_replies_but_not_broadcasts(fake, client):
    parent = client.chat_postMessage(channel="C1", text="parent")["ts"]
    client.chat_postMessage(channel="C1", text="quiet", thread_ts=parent)
    client.chat_postMessage(channel="C1", text="loud", thread_ts=parent, reply_broadcast=True)
    texts = [m["text"] for m in client.conversations_history(channel="C1")["messages"]]
    assert texts == ["loud", "parent"]


def test_history_and_replies_argument_errors(fake, client):
    client.chat_postMessage(channel="C1", text="x")
    for kwargs, error in (({"cursor": "bm9wZQ=="}, "invalid_cursor"), ({"cursor": "%%%"}, "invalid_cursor"),
                          ({"oldest": "yesterday"}, "invalid_ts_oldest"), ({"latest": "soon"}, "invalid_ts_latest"),
                          ({"limit": "many"}, "invalid_limit")):
        with pytest.raises(SlackApiError) as err:
            client.conversations_history(channel="C1", **kwargs)
        assert err.value.response["error"] == error, kwargs
    with pytest.raises(SlackApiError) as err:
        client.conversations_replies(channel="C1", ts="1.000001")
    assert err.value.response["error"] == "thread_not_found"
    fake.remove_bot_from("C1")
    with pytest.raises(SlackApiError) as err:
        client.conversations_history(channel="C1")
    assert err.value.response["error"] == "not_in_channel"


def test_replies_pages_forward_with_the_parent_on_every_page(fake, client):
    parent = client.chat_postMessage(channel="C1", text="parent")["ts"]
    replies = _post_many(client, "C1", 5, thread_ts=parent)
    pages, cursor = [], None
    while True:
        page = client.conversations_replies(channel="C1", ts=parent, limit=2, cursor=cursor)
        pages.append([m["ts"] for m in page["messages"]])
        cursor = page["response_metadata"]["next_cursor"]
        assert bool(cursor) == page["has_more"]
        if not page["has_more"]:
            break
    assert pages == [[parent, *replies[0:2]], [parent, *replies[2:4]], [parent, replies[4]]]
    # any message of the thread names the whole thread; the window selects replies, not the parent
    via_reply = client.conversations_replies(channel="C1", ts=replies[3])["messages"]
    assert [m["ts"] for m in via_reply] == [parent, *replies]
    window = client.conversations_replies(channel="C1", ts=parent, oldest=replies[1], latest=replies[4])
    assert [m["ts"] for m in window["messages"]] == [parent, replies[2], replies[3]]
    window = client.conversations_replies(channel="C1", ts=parent, oldest=replies[1], inclusive=True)
    assert [m["ts"] for m in window["messages"]] == [parent, *replies[1:]]
    lone = client.chat_postMessage(channel="C1", text="no thread")["ts"]
    assert [m["ts"] for m in client.conversations_replies(channel="C1", ts=lone)["messages"]] == [lone]


# ------------------------------------------------------------------ rate limits

class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _try(fn, **kw):
    try:
        return fn(**kw)
    except SlackApiError as exc:
        return exc.response


def test_post_message_bucket_is_per_channel(client):
    clock = ManualClock()
    with FakeSlack(rate_limits=True, clock=clock) as limited:
        sdk = WebClient(token="xoxb-test", base_url=limited.url, retry_handlers=[])
        burst = [_try(sdk.chat_postMessage, channel="C1", text=f"b{i}") for i in range(4)]
        assert [r.status_code for r in burst] == [200, 200, 200, 429]
        refused = burst[3]
        assert refused.headers["Retry-After"] == "1"
        assert refused.data == {"ok": False, "error": "ratelimited"}
        assert [m["text"] for m in limited.messages("C1")] == ["b0", "b1", "b2"]  # the refused one did nothing
        assert _try(sdk.chat_postMessage, channel="C2", text="other channel").status_code == 200
        assert _try(sdk.chat_postMessage, channel="U7", text="a DM is a channel too").status_code == 200
        clock.now += 1.0  # one token back
        assert [_try(sdk.chat_postMessage, channel="C1", text=f"r{i}").status_code for i in range(2)] == [200, 429]
        clock.now += 60  # the bucket fills up to its burst, no further
        assert [_try(sdk.chat_postMessage, channel="C1", text=f"f{i}").status_code
                for i in range(4)] == [200, 200, 200, 429]
        stats = limited.rate_limit_stats()
        assert stats["chat.postMessage"] == {"calls": 12, "rate_limited": 3}
        assert stats["*"] == {"calls": 12, "rate_limited": 3}
        assert len(limited.rate_limited_calls("chat.postMessage")) == 3
        assert all(c.rate_limited and not c.ok for c in limited.rate_limited_calls())


def test_tier_buckets_are_method_wide_and_overridable():
    clock = ManualClock()
    with FakeSlack(rate_limits=True, clock=clock) as limited:
        sdk = WebClient(token="xoxb-test", base_url=limited.url, retry_handlers=[])
        ts = sdk.chat_postMessage(channel="C1", text="card")["ts"]
        other = sdk.chat_postMessage(channel="C2", text="card")["ts"]
        updates = [_try(sdk.chat_update, channel="C1" if i % 2 else "C2", ts=ts if i % 2 else other,
                        text=f"v{i}").status_code for i in range(11)]
        assert updates == [200] * 10 + [429]  # Tier 3: burst 10 across channels
        assert limited.rate_limited_calls("chat.update")[0].response == {"ok": False, "error": "ratelimited"}
        resp = _try(sdk.chat_update, channel="C1", ts=ts, text="again")
        assert resp.headers["Retry-After"] == "2"  # 50 a minute: 1.2 s to the next token, rounded up
        home = {"type": "home", "blocks": []}
        publishes = [_try(sdk.views_publish, user_id=f"U{i}", view=home).status_code for i in range(21)]
        assert publishes == [200] * 20 + [429]  # Tier 4: burst 20
        assert all(_try(sdk.auth_test).status_code == 200 for _ in range(30))  # not limited
        assert limited.rate_limits["views.open"].per_minute == 100

        limited.enforce_rate_limits({"chat.update": Limit(per_minute=6, burst=1), "views.publish": None},
                                    clock=clock)
        assert [_try(sdk.chat_update, channel="C1", ts=ts, text=f"o{i}").status_code
                for i in range(2)] == [200, 429]
        assert limited.rate_limited_calls("chat.update")[-1].status == 429
        assert all(_try(sdk.views_publish, user_id="U1", view=home).status_code == 200 for _ in range(25))
        limited.stop_rate_limits()
        assert _try(sdk.chat_update, channel="C1", ts=ts, text="free").status_code == 200


def test_rate_limit_recovers_after_retry_after_on_the_real_clock():
    with FakeSlack(rate_limits=True) as limited:
        sdk = WebClient(token="xoxb-test", base_url=limited.url, retry_handlers=[])
        statuses = [_try(sdk.chat_postMessage, channel="C1", text=str(i)).status_code for i in range(4)]
        assert statuses[-1] == 429
        [refused] = limited.rate_limited_calls()
        assert refused.response == {"ok": False, "error": "ratelimited"}
        time.sleep(1.0)  # Retry-After: 1, and the bucket refills one call a second
        assert _try(sdk.chat_postMessage, channel="C1", text="later").status_code == 200


def test_rate_limits_leave_failures_and_bad_tokens_alone():
    clock = ManualClock()
    with FakeSlack(rate_limits={"chat.postMessage": Limit(60, 1, scope="channel")}, clock=clock) as limited:
        bad = WebClient(token="xoxb-wrong", base_url=limited.url, retry_handlers=[])
        assert all(_try(bad.chat_postMessage, channel="C1", text="x").data["error"] == "invalid_auth"
                   for _ in range(3))
        sdk = WebClient(token="xoxb-test", base_url=limited.url, retry_handlers=[])
        assert _try(sdk.chat_postMessage, channel="C1", text="a").status_code == 200
        assert _try(sdk.chat_postMessage, channel="C1", text="b").status_code == 429


# ------------------------------------------------- slow calls and unknown outcomes

def test_delayed_post_lands_after_the_client_gave_up(fake):
    impatient = WebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[], timeout=0.2)
    fake.delay(1.5, method="chat.postMessage", times=1, effect="after")
    with pytest.raises(OSError):  # the client's timeout
        impatient.chat_postMessage(channel="C1", text="slow", metadata=TAG)
    [arrived] = fake.wait_for_request("chat.postMessage")
    assert arrived.params["text"] == "slow" and fake.in_flight == 1
    assert fake.messages("C1") == []  # "after": not yet
    [call] = fake.wait_for("chat.postMessage", timeout=5)
    assert call.ok and call.answered >= call.at
    [msg] = fake.messages("C1")
    assert msg["metadata"] == TAG and fake.in_flight == 0


def test_delay_with_effect_before_posts_at_once(fake):
    impatient = WebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[], timeout=0.2)
    fake.delay(1.0, method="chat.postMessage", times=1, effect="before")
    with pytest.raises(OSError):
        impatient.chat_postMessage(channel="C1", text="slow")
    assert [m["text"] for m in fake.messages("C1")] == ["slow"]  # there while the answer is still held
    assert fake.wait_for("chat.postMessage")[0].ok
    with pytest.raises(ValueError):
        fake.delay(1.0, effect="sometimes")


def test_failure_that_took_effect_and_dropped_connection(fake, client):
    fake.fail("chat.postMessage", status=500, take_effect=True)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="posted anyway")
    assert err.value.response.status_code == 500
    fake.drop_connection("chat.postMessage")
    with pytest.raises(OSError):  # http.client.RemoteDisconnected / URLError
        client.chat_postMessage(channel="C1", text="cut")
    fake.drop_connection("chat.postMessage", take_effect=False)
    with pytest.raises(OSError):
        client.chat_postMessage(channel="C1", text="lost")
    assert [m["text"] for m in fake.messages("C1")] == ["posted anyway", "cut"]
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [500, 0, 0]
    client.chat_postMessage(channel="C1", text="fine")
    assert len(fake.all_messages("C1")) == 3
