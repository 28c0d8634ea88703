"""Shortcuts, the other standard way in (for workspaces that restrict slash commands):
the global "File a credit request" and the message shortcut on a lead delivery message,
which fills in the first lead id the desk knows from the message."""

from __future__ import annotations

import logging

from bot.slack import durable_listeners
from bot.slack.ids import Callback
from bot.slack.intent_names import IntentName
from bot.slack.payloads import user_of
from bot.slack.render.modals import credit_request_modal, notice_modal
from bot.slack.render.refusals import blocker_text
from bot.usecases.filing import filing_blocker
from bot.usecases.leads import first_known_lead

log = logging.getLogger("credit_bot.handlers")


def _open(client, body: dict, view: dict) -> None:
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except Exception:  # noqa: BLE001 - Slack may be slow or down; nothing was stored
        log.exception("views.open failed for a shortcut")


def file_from_anywhere(body, client, context):
    user = user_of(body)
    problem = filing_blocker(context["desk"], user, "")
    if problem:
        _open(client, body, notice_modal("Lead credit request", blocker_text(problem)))
        return
    _open(client, body, credit_request_modal(""))


def file_from_message(body, client, context):
    desk, user = context["desk"], user_of(body)
    channel = str((body.get("channel") or {}).get("id") or "")
    problem = filing_blocker(desk, user, channel)
    if problem:
        _open(client, body, notice_modal("Lead credit request", blocker_text(problem)))
        return
    text = str((body.get("message") or {}).get("text") or "")
    _open(client, body, credit_request_modal(channel, first_known_lead(desk, text, user, channel)))


def register(app) -> None:
    for callback, name, work in ((Callback.FILE_SHORTCUT, IntentName.FILE_SHORTCUT, file_from_anywhere),
                                 (Callback.FILE_FROM_MESSAGE, IntentName.FILE_FROM_MESSAGE, file_from_message)):
        ack, lazy = durable_listeners.deferred("action", name, work, opens_modal=True)
        app.shortcut(callback)(ack=ack, lazy=[lazy])
