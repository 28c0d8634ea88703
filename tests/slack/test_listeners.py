"""A few listeners per Slack surface, in process: the Bolt app the runtime builds, given
requests signed like Slack's (no HTTP server), against the Slack stand-in."""

from __future__ import annotations

import json
import time
import urllib.parse

import pytest
from slack_bolt.request import BoltRequest

from bot.entrypoints.runtime import Runtime
from bot.sandbox.signing import new_trigger_id, sign
from tests.support.bot import SECRET

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def app(seeded):
    runtime = Runtime(seeded)
    bolt = runtime.bolt()
    yield runtime, bolt
    runtime.close()


def _request(body: bytes, content_type: str) -> BoltRequest:
    ts = str(int(time.time()))
    return BoltRequest(body=body.decode(), headers={
        "content-type": [content_type], "x-slack-request-timestamp": [ts],
        "x-slack-signature": [sign(SECRET, ts, body)]})


def _form(fields: dict) -> BoltRequest:
    return _request(urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded")


def _interactive(payload: dict) -> BoltRequest:
    return _form({"payload": json.dumps(payload)})


def _settle(runtime):
    assert runtime.listeners.wait_idle(10) and runtime.acks.wait_idle(10)


def test_command_acks_and_opens_the_modal(app, fake_slack):
    runtime, bolt = app
    resp = bolt.dispatch(_form({"command": "/credit-request", "text": "L-OK", "user_id": "U0ROOF1",
                                "channel_id": "C0ROOF", "trigger_id": new_trigger_id(), "team_id": "T0TEAM"}))
    assert resp.status == 200
    _settle(runtime)
    [call] = fake_slack.calls_to("views.open")
    assert call.params["view"]["callback_id"] == "credit_request"


def test_status_is_answered_in_the_ack(app, fake_slack):
    runtime, bolt = app
    resp = bolt.dispatch(_form({"command": "/credit-request", "text": "status", "user_id": "U0ROOF1",
                                "channel_id": "C0ROOF", "trigger_id": new_trigger_id(), "team_id": "T0TEAM"}))
    assert resp.status == 200 and "no credit requests yet" in json.loads(resp.body)["text"]
    _settle(runtime)
    assert fake_slack.calls_to("views.open") == []


def test_global_shortcut(app, fake_slack):
    runtime, bolt = app
    resp = bolt.dispatch(_interactive({"type": "shortcut", "callback_id": "file_credit_request",
                                       "trigger_id": new_trigger_id(), "user": {"id": "U0ROOF1"},
                                       "team": {"id": "T0TEAM"}}))
    assert resp.status == 200
    _settle(runtime)
    assert fake_slack.calls_to("views.open")[0].params["view"]["callback_id"] == "credit_request"


def test_view_submission_with_bad_input_answers_field_errors(app, fake_slack):
    runtime, bolt = app
    view = {"id": "V1", "type": "modal", "callback_id": "credit_request", "private_metadata": "C0ROOF",
            "state": {"values": {"lead_id": {"lead_id": {"type": "plain_text_input", "value": "L-NOPE"}},
                                 "reason": {"reason": {"type": "static_select",
                                                       "selected_option": {"value": "invalid_number"}}},
                                 "details": {"details": {"type": "plain_text_input", "value": "x"}}}}}
    resp = bolt.dispatch(_interactive({"type": "view_submission", "user": {"id": "U0ROOF1"}, "view": view,
                                       "team": {"id": "T0TEAM"}}))
    body = json.loads(resp.body)
    assert body["response_action"] == "errors" and "L-NOPE" in body["errors"]["lead_id"]


def test_button_from_a_non_reviewer_is_refused_after_the_ack(app, fake_slack):
    runtime, bolt = app
    resp = bolt.dispatch(_interactive({
        "type": "block_actions", "user": {"id": "U0ROOF1"}, "team": {"id": "T0TEAM"},
        "trigger_id": new_trigger_id(), "channel": {"id": "C0REVIEW"},
        "container": {"type": "message", "channel_id": "C0REVIEW", "message_ts": "1.0"},
        "actions": [{"action_id": "approve_request", "block_id": "b", "value": "1", "type": "button"}]}))
    assert resp.status == 200
    _settle(runtime)
    from sqlalchemy import select

    from storage.models import OutboxMessage, RequestEvent

    with runtime.desk.read() as session:
        refused = session.scalar(select(RequestEvent).where(RequestEvent.action == "refused"))
        [row] = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "ephemeral"))
    assert refused.data["why"] == "no_request" and row.payload["user"] == "U0ROOF1"


def test_event_is_acked_and_handled_once(app, fake_slack):
    runtime, bolt = app
    body = json.dumps({"type": "event_callback", "event_id": "Ev1", "team_id": "T0TEAM",
                       "event": {"type": "app_home_opened", "user": "U0REV", "tab": "home"}}).encode()
    assert bolt.dispatch(_request(body, "application/json")).status == 200
    _settle(runtime)
    from sqlalchemy import select

    from storage.models import OutboxMessage

    with runtime.desk.read() as session:
        assert [r.payload for r in session.scalars(select(OutboxMessage))] == [{"user": "U0REV"}]
