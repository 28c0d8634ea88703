"""Slash commands: ``/credit-request [lead id]`` opens the filing modal."""

from __future__ import annotations

import logging

from bot.filing import filing_blocker
from bot.ids import COMMAND
from bot.render.modals import credit_request_modal

log = logging.getLogger("credit_bot.handlers")


def open_credit_request(ack, body, client, context):
    desk = context["desk"]
    problem = filing_blocker(desk, body.get("user_id", ""), body.get("channel_id", ""))
    if problem:
        ack(text=problem, response_type="ephemeral")
        return
    ack()
    view = credit_request_modal(body.get("channel_id", ""), body.get("text", ""))
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except Exception:  # noqa: BLE001 - Slack may be slow or down; nothing was stored
        log.exception("views.open failed for %s", COMMAND)


def register(app) -> None:
    app.command(COMMAND)(open_credit_request)
