"""Slash commands: ``/credit-request [lead id]`` opens the filing modal."""

from __future__ import annotations

import logging

from bot.slack.ids import COMMAND
from bot.slack.render.modals import credit_request_modal
from bot.slack.render.refusals import blocker_text
from bot.usecases.filing import filing_blocker

log = logging.getLogger("credit_bot.handlers")


def answer(ack, body, context):
    """The acknowledgement: an ephemeral "not linked" answer, or an empty ack."""
    problem = filing_blocker(context["desk"], body.get("user_id", ""), body.get("channel_id", ""))
    if problem:
        ack(text=blocker_text(problem), response_type="ephemeral")
    else:
        ack()


def open_modal(body, client, context):
    """After the ack: open the modal (the trigger is valid for 3 seconds)."""
    if filing_blocker(context["desk"], body.get("user_id", ""), body.get("channel_id", "")):
        return
    view = credit_request_modal(body.get("channel_id", ""), body.get("text", ""))
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except Exception:  # noqa: BLE001 - Slack may be slow or down; nothing was stored
        log.exception("views.open failed for %s", COMMAND)


def register(app) -> None:
    app.command(COMMAND)(ack=answer, lazy=[open_modal])
