"""Tests for the local Slack Web API stand-in (bot/sandbox/slack_api.py)."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from urllib.parse import urlencode

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.slack_api import BOT_USER_ID, FakeSlack, SlackError


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
    assert err.value.response["error"] == "invalid_auth"
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
    fake.delay(0.3, method="auth.test", times=1)
    start = time.monotonic()
    client.auth_test()
    assert time.monotonic() - start >= 0.3
    start = time.monotonic()
    client.auth_test()
    assert time.monotonic() - start < 0.25
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
