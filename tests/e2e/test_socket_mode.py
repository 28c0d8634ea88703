"""Socket Mode against the Slack stand-in: apps.connections.open, the websocket slack_sdk's
built-in client speaks, envelopes and acks, dropped connections, and the real app over it."""

from __future__ import annotations

import json
import logging
import time
from types import SimpleNamespace

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.response import SocketModeResponse
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect as ws_connect

from bot.entrypoints.runtime import Runtime
from bot.sandbox.slack_api import FakeSlack
from bot.sandbox.socket_mode import SocketModeSender
from tests.conftest import STANDARD_LEADS
from tests.support.bot import FAST_RETRIES, REVIEW, seed, settings_for
from tests.support.flows import button_values, file_request, opened_view, receipt, reviewer_post

APP_TOKEN = "xapp-1-A0APP-1-secret"


def _close(client: SocketModeClient, fake: FakeSlack) -> None:
    """Close a client at once: slack_sdk's reader holds its lock through a 3 s receive
    timeout, so the stand-in ends the connection first (with reconnecting turned off)."""
    client.auto_reconnect_enabled = False
    fake.socket_mode.drop()
    client.close()


@pytest.fixture
def fake():
    with FakeSlack(app_token=APP_TOKEN) as server:
        yield server


@pytest.fixture
def client(fake):
    """slack_sdk's built-in Socket Mode client (what Bolt's SocketModeHandler runs), acking
    every envelope with a payload that names it."""
    sm = SocketModeClient(app_token=APP_TOKEN, web_client=WebClient(base_url=fake.url), ping_interval=0.5,
                          logger=logging.getLogger("test.socket_mode"))

    def ack(c, req):
        c.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id,
                                                       payload={"seen": req.type, "retry": req.retry_attempt}))

    sm.socket_mode_request_listeners.append(ack)
    yield sm
    _close(sm, fake)


def test_connections_open_wants_the_app_level_token(fake):
    url = WebClient(base_url=fake.url).apps_connections_open(app_token=APP_TOKEN)["url"]
    assert url.startswith(f"ws://127.0.0.1:{fake.socket_mode.port}/link/?ticket=") and "app_id=A0APP" in url
    for token, error in (("xoxb-test", "not_allowed_token_type"), ("xapp-1-other", "invalid_auth")):
        with pytest.raises(SlackApiError) as err:
            WebClient(base_url=fake.url).apps_connections_open(app_token=token)
        assert err.value.response["error"] == error
    with pytest.raises(SlackApiError) as err:  # and the app-level token is for nothing else
        WebClient(token=APP_TOKEN, base_url=fake.url).chat_postMessage(channel="C1", text="x")
    assert err.value.response["error"] == "not_allowed_token_type"
    assert fake.messages("C1") == []


def test_hello_and_single_use_tickets(fake):
    url = WebClient(base_url=fake.url).apps_connections_open(app_token=APP_TOKEN)["url"]
    with ws_connect(url) as ws:
        hello = json.loads(ws.recv(timeout=5))
        assert hello["type"] == "hello" and hello["num_connections"] == 1
        assert hello["connection_info"] == {"app_id": "A0APP"}
        env = fake.socket_mode.events_api({"type": "event_callback", "event": {"type": "app_home_opened"}})
        got = json.loads(ws.recv(timeout=5))
        assert got == {"envelope_id": env.envelope_id, "type": "events_api", "accepts_response_payload": False,
                       "payload": env.payload, "retry_attempt": 0, "retry_reason": ""}
        ws.send(json.dumps({"envelope_id": env.envelope_id}))
        assert fake.socket_mode.wait_for_ack(env.envelope_id).payload is None
    with pytest.raises(InvalidStatus):  # the same URL twice
        ws_connect(url, open_timeout=5)
    assert fake.socket_mode.rejected == 1


def test_builtin_client_receives_envelopes_and_acks(fake, client):
    client.connect()
    fake.socket_mode.wait_for_connections(1)
    sm = fake.socket_mode
    command = sm.slash_command({"command": "/credit-request", "text": "L-1", "user_id": "U1"})
    assert command.accepts_response_payload is True
    ack = sm.wait_for_ack(command.envelope_id)
    assert ack.payload == {"seen": "slash_commands", "retry": None} and ack.connection == command.connection
    click = sm.interactive({"type": "block_actions", "actions": []})
    submit = sm.interactive({"type": "view_submission", "view": {}})
    assert (click.accepts_response_payload, submit.accepts_response_payload) == (False, True)
    event = sm.events_api({"type": "event_callback", "event": {"type": "message"}}, retry_attempt=2,
                          retry_reason="timeout")
    assert sm.wait_for_ack(event.envelope_id).payload == {"seen": "events_api", "retry": 2}
    for env in (click, submit):
        assert sm.wait_for_ack(env.envelope_id).payload == {"seen": "interactive", "retry": None}
    assert sm.unacked() == [] and len(sm.envelopes) == 4
    assert [c.method for c in fake.calls] == ["apps.connections.open"]


def test_ping_pong_both_ways_keeps_the_connection(fake, client):
    client.connect()
    sm = fake.socket_mode
    sm.wait_for_connections(1)
    assert sm.ping()  # the client answers the server's pings
    # the client pings every 0.5 s and drops a connection that has not ponged for 2 s
    time.sleep(2.5)
    assert client.current_session.last_ping_pong_time is not None
    assert sm.connections_opened == 1 and client.is_connected()


@pytest.mark.parametrize("abrupt", [False, True], ids=["close_frame", "tcp_cut"])
def test_dropped_connection_reconnects_through_a_new_url(fake, client, abrupt):
    client.connect()
    sm = fake.socket_mode
    sm.wait_for_connections(1)
    assert sm.drop(abrupt=abrupt) == 1
    sm.wait_for_connections(2, timeout=30)  # the client noticed and asked for a new URL
    assert [c.method for c in fake.calls] == ["apps.connections.open"] * 2
    env = sm.slash_command({"command": "/credit-request", "text": ""})
    assert sm.wait_for_ack(env.envelope_id, timeout=10).connection == 2


def test_disconnect_message_moves_the_client_to_a_new_connection(fake, client):
    client.connect()
    sm = fake.socket_mode
    sm.wait_for_connections(1)
    assert sm.disconnect("refresh_requested") == 1
    sm.wait_for_connections(2, timeout=10)
    env = sm.slash_command({"command": "/credit-request", "text": ""})
    assert sm.wait_for_ack(env.envelope_id, timeout=10).connection == 2
    assert sm.active_connections() <= 2


def test_send_without_a_connection_says_so(fake):
    with pytest.raises(AssertionError, match="no open connection"):
        fake.socket_mode.slash_command({"command": "/x"}, timeout=0.2)


# ------------------------------------------------------------ the app over Socket Mode

@pytest.fixture
def socket_bot(database_url, tmp_path):
    """The real app (Runtime, its Bolt app and delivery worker) connected over Socket Mode
    to the stand-in, the way ``credit-bot serve`` connects when SLACK_APP_TOKEN is set."""
    with FakeSlack(token="xoxb-test", app_token="xapp-test") as fake:
        settings = settings_for(database_url, fake.url, SLACK_APP_TOKEN="xapp-test", SLACK_SIGNING_SECRET="")
        seed(settings, tmp_path, STANDARD_LEADS)
        runtime = Runtime(settings, retries=FAST_RETRIES)
        runtime.start_background(scheduler=False)
        handler = runtime.connect_socket_mode(ping_interval=1)  # a short ping so a drop is noticed soon
        try:
            yield SimpleNamespace(fake=fake, runtime=runtime, handler=handler,
                                  slack=SocketModeSender(fake.socket_mode))
        finally:
            _close(handler.client, fake)
            handler.close()
            runtime.stop_background(drain_seconds=0)
            runtime.close()


def test_app_files_and_decides_over_socket_mode_and_survives_a_drop(socket_bot):
    fake, bot = socket_bot.fake, socket_bot
    fake.socket_mode.wait_for_connections(1)
    assert fake.calls_to("apps.connections.open")[0].token == "xapp-test"

    # a bad submission comes back in the ack's payload, as field errors
    bot.slack.command("U0ROOF1", "C0ROOF", "L-OK")
    view = opened_view(fake, "credit_request")
    reply = bot.slack.view_submission("U0ROOF1", view, {"lead_id": "L-OK", "reason": "invalid_number",
                                                        "details": ""})
    assert reply.json()["response_action"] == "errors" and "details" in reply.json()["errors"]

    reply = file_request(bot, fake, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK", reason="invalid_number",
                         details="Rang it twice: disconnected tone.")
    assert reply.status == 200 and reply.json().get("response_action") != "errors"
    assert "L-OK" in receipt(fake, "C0ROOF", "L-OK")["text"]
    post = reviewer_post(fake, "L-OK")
    buttons = button_values(post)
    reply = bot.slack.block_action("U0REV", "approve_request", buttons["approve_request"], channel=REVIEW,
                                   message_ts=post["ts"], message=post)
    assert reply.status == 200
    fake.wait_for(lambda c: c.method == "chat.update" and c.params.get("ts") == post["ts"])
    assert bot.runtime.wait_idle()
    assert set(button_values(fake.message(REVIEW, post["ts"]))) == {"reverse_request"}

    # Slack drops the connection: the app gets a new URL, reconnects, and carries on
    fake.socket_mode.drop()
    fake.socket_mode.wait_for_connections(2, timeout=30)
    assert len(fake.calls_to("apps.connections.open")) == 2
    file_request(bot, fake, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK2", reason="invalid_number",
                 details="Number is not in service.")
    assert reviewer_post(fake, "L-OK2")
    assert fake.socket_mode.unacked() == []
