"""Steps a person takes in Slack, played against the running app and the stand-in."""

from __future__ import annotations

import re

from bot.sandbox.slack_api import WAIT_SECONDS, FakeSlack
from bot.slack.ids import Action
from tests.support.bot import REVIEW, RunningBot


def opened_view(fake: FakeSlack, callback_id: str, count: int = 1) -> dict:
    calls = fake.wait_for(lambda c: c.method == "views.open" and c.params["view"].get("callback_id") == callback_id,
                          count=count)
    return calls[count - 1].response["view"]


def file_request(bot: RunningBot, fake: FakeSlack, *, user: str, channel: str, lead_id: str, reason: str,
                 details: str, typed_lead: str | None = None):
    """/credit-request → modal → submit. Returns the submission reply."""
    before = len([c for c in fake.calls_to("views.open") if c.params["view"].get("callback_id") == "credit_request"])
    reply = bot.slack.command(user, channel, lead_id if typed_lead is None else typed_lead)
    assert reply.status == 200, reply.body
    view = opened_view(fake, "credit_request", before + 1)
    return bot.slack.view_submission(user, view, {"lead_id": lead_id, "reason": reason, "details": details})


def names_lead(text: str, lead_id: str) -> bool:
    """Does a message's text name this lead (not merely a longer id that starts the same)?"""
    return re.search(rf"{re.escape(lead_id)}(?![\w-])", text or "") is not None


def reviewer_post(fake: FakeSlack, lead_id: str, timeout: float = WAIT_SECONDS) -> dict:
    fake.wait_for(lambda c: c.method == "chat.postMessage" and c.params.get("channel") == REVIEW
                  and names_lead(c.params.get("text", ""), lead_id), timeout=timeout)
    return next(m for m in fake.messages(REVIEW) if names_lead(m["text"], lead_id))


def button_values(message: dict) -> dict[str, str]:
    """The lifecycle's buttons on a message (action id -> request id); the card's read-only
    Trail button is not one of them."""
    found = {}
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("type") == "button" and element.get("action_id") != Action.OPEN_TRAIL:
                found[element["action_id"]] = element.get("value")
    return found


def receipt(fake: FakeSlack, channel: str, lead_id: str, timeout: float = WAIT_SECONDS) -> dict:
    fake.wait_for(lambda c: c.method == "chat.postMessage" and c.params.get("channel") == channel
                  and names_lead(c.params.get("text", ""), lead_id) and not c.params.get("thread_ts"),
                  timeout=timeout)
    return next(m for m in fake.messages(channel) if names_lead(m["text"], lead_id))


def thread_texts(fake: FakeSlack, channel: str, ts: str) -> list[str]:
    return [m["text"] for m in fake.replies(channel, ts) if m["ts"] != ts]
