"""Slash commands: ``/credit-request [lead id…]`` opens the filing modal;
``/credit-request status`` and ``/credit-request help`` answer in the acknowledgement,
seen only by the person."""

from __future__ import annotations

import logging

from bot.slack.ids import COMMAND
from bot.slack.render.modals import credit_request_modal
from bot.slack.render.refusals import blocker_text
from bot.slack.render.status_text import help_text, status_text
from bot.usecases.filing import filing_blocker
from bot.usecases.status_list import requests_of

log = logging.getLogger("credit_bot.handlers")

WORDS = {"status", "help"}
CHECKED = "filing_blocker"  # the ack's answer, handed to the modal's opener in the context


def _word(body: dict) -> str | None:
    text = " ".join(str(body.get("text") or "").split()).lower()
    return text if text in WORDS else None


def answer(ack, body, context):
    """The acknowledgement: status or help, an ephemeral "not linked" answer, or an empty ack."""
    desk, user, channel = context["desk"], body.get("user_id", ""), body.get("channel_id", "")
    word = _word(body)
    if word == "help":
        ack(text=help_text(), response_type="ephemeral")
        return
    if word == "status":
        ack(text=status_text(requests_of(desk, user, channel), desk.tz), response_type="ephemeral")
        return
    problem = context[CHECKED] = filing_blocker(desk, user, channel)
    if problem:
        ack(text=blocker_text(problem), response_type="ephemeral")
    else:
        ack()


def open_modal(body, client, context):
    """After the ack: open the modal (the trigger is valid for 3 seconds). The ack checked who
    may file; only when it did not get that far is it checked again."""
    if _word(body):
        return
    problem = context[CHECKED] if CHECKED in context else filing_blocker(
        context["desk"], body.get("user_id", ""), body.get("channel_id", ""))
    if problem:
        return
    view = credit_request_modal(body.get("channel_id", ""), body.get("text", ""))
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except Exception:  # noqa: BLE001 - Slack may be slow or down; nothing was stored
        log.exception("views.open failed for %s", COMMAND)


def register(app) -> None:
    app.command(COMMAND)(ack=answer, lazy=[open_modal])
