"""The reviewer card's Trail button: a signed click opens the request's audit trail in a
modal for staff (the same trail ``credit-bot history`` prints), and nothing of it for
anyone else. Through the Bolt app the runtime builds, against the Slack stand-in."""

from __future__ import annotations

import json

import pytest

from bot.entrypoints.runtime import Runtime
from bot.sandbox.signing import new_trigger_id
from bot.slack.ids import Action, trail_block
from bot.slack.render.cards import reviewer_card
from bot.usecases.audit import Surface
from bot.usecases.cases import load_case
from bot.usecases.decisions import Actor, act
from bot.usecases.filing import Filing, file_requests
from bot.usecases.trail import request_trail
from policy.lifecycle import Action as Step
from tests.slack.test_listeners import _interactive, _settle

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def app(seeded):
    runtime = Runtime(seeded)
    yield runtime, runtime.bolt()
    runtime.listeners.shutdown(wait=True)
    runtime.acks.shutdown(wait=True)
    runtime.desk.db.dispose()


def _click(bolt, user: str, request_id: int):
    return bolt.dispatch(_interactive({
        "type": "block_actions", "user": {"id": user}, "team": {"id": "T0TEAM"}, "trigger_id": new_trigger_id(),
        "channel": {"id": "C0REVIEW"}, "container": {"type": "message", "channel_id": "C0REVIEW", "message_ts": "1.0"},
        "actions": [{"action_id": Action.OPEN_TRAIL, "block_id": trail_block(request_id), "value": str(request_id),
                     "type": "button"}]}))


def _denied_request(desk) -> int:
    [req] = file_requests(desk, Filing("U0ROOF1", "C0ROOF", "L-OK", "incorrect_contact", "Wrong <person>.")).requests
    act(desk, req.id, Step.DENY, Actor("U0REV", Surface.VIEW), deny_reason="contradicting_info", note="Asked <@U1>.")
    return req.id


def test_the_card_offers_a_trail_button_not_a_shell_command(app):
    runtime, _ = app
    rid = _denied_request(runtime.desk)
    with runtime.desk.read() as session:
        case = load_case(session, rid, calendar=runtime.desk.calendar, at=runtime.desk.now())
    text = json.dumps(reviewer_card(case, runtime.desk.tz))
    assert "credit-bot history" not in text
    assert f'"action_id": "{Action.OPEN_TRAIL}"' in text and f'"value": "{rid}"' in text


def test_a_reviewer_click_opens_the_trail(app, fake_slack):
    runtime, bolt = app
    rid = _denied_request(runtime.desk)
    assert _click(bolt, "U0REV", rid).status == 200
    _settle(runtime)
    [call] = fake_slack.calls_to("views.open")
    view = call.params["view"]
    text = json.dumps(view, ensure_ascii=False)
    assert view["title"]["text"] == "Trail"
    events = request_trail(runtime.desk.db, rid).events
    assert len(events) >= 2 and text.count("• ") == len(events)  # one line per event, as the CLI prints
    assert f"CR-{rid}" in text and "Denied" in text and "<@U0REV>" in text
    assert "Asked &lt;@U1&gt;." in text and "<@U1>" not in text  # notes are escaped


def test_someone_off_the_staff_sees_no_trail(app, fake_slack):
    runtime, bolt = app
    rid = _denied_request(runtime.desk)
    assert _click(bolt, "U0ROOF1", rid).status == 200
    _settle(runtime)
    [call] = fake_slack.calls_to("views.open")
    text = json.dumps(call.params["view"])
    assert "Only the desk's staff" in text and "U0REV" not in text and "Wrong" not in text


def test_a_click_on_a_request_that_is_gone_says_so(app, fake_slack):
    runtime, bolt = app
    assert _click(bolt, "U0REV", 999).status == 200
    _settle(runtime)
    [call] = fake_slack.calls_to("views.open")
    assert "There is no request CR-999." in json.dumps(call.params["view"])
