"""Buttons. Each acks first; decisions and refusals then run in ``bot`` (refusals are
ephemeral messages sent through the outbox, with an audit row)."""

from __future__ import annotations

import logging

from bot import audit
from bot.conversation import may_ask
from bot.decisions import check_permission, transition
from bot.ids import Action
from bot.render.modals import credit_request_modal, deny_modal, exception_modal, info_modal, reverse_modal
from handlers.payload import action_actor, request_id_of

log = logging.getLogger("credit_bot.handlers")


def _target(body: dict) -> int:
    action = (body.get("actions") or [{}])[0]
    return request_id_of(action.get("value")) or 0


def _decide_now(action: str):
    def listener(ack, body, context):
        ack()
        transition(context["desk"], _target(body), action, action_actor(body, audit.SURFACE_ACTION))
    return listener


def _open_modal(action: str, render):
    def listener(ack, body, client, context):
        ack()
        actor = action_actor(body, audit.SURFACE_ACTION)
        outcome = check_permission(context["desk"], _target(body), action, actor)
        if not outcome.ok:
            return
        req = outcome.request
        try:
            client.views_open(trigger_id=body["trigger_id"], view=render(req))
        except Exception:  # noqa: BLE001 - Slack slow or down; nothing changed
            log.exception("views.open failed for %s", action)
    return listener


def ask_contractor(ack, body, client, context):
    ack()
    actor = action_actor(body, audit.SURFACE_ACTION)
    outcome = may_ask(context["desk"], _target(body), actor)
    if outcome.ok:
        try:
            client.views_open(trigger_id=body["trigger_id"], view=info_modal(outcome.request.id,
                                                                              outcome.request.lead_id))
        except Exception:  # noqa: BLE001
            log.exception("views.open failed for request_info")


def new_request_from_home(ack, body, client):
    ack()
    try:
        client.views_open(trigger_id=body["trigger_id"], view=credit_request_modal(""))
    except Exception:  # noqa: BLE001
        log.exception("views.open failed from App Home")


def register(app) -> None:
    app.action(Action.APPROVE_REQUEST)(_decide_now("approve"))
    app.action(Action.GRANT_EXCEPTION)(_decide_now("grant_exception"))
    app.action(Action.UPHOLD_DENIAL)(_decide_now("uphold_denial"))
    app.action(Action.DENY_REQUEST)(_open_modal("deny", lambda r: deny_modal(r.id, r.lead_id)))
    app.action(Action.REVERSE_REQUEST)(_open_modal("reverse", lambda r: reverse_modal(r.id, r.lead_id)))
    app.action(Action.REQUEST_EXCEPTION)(_open_modal("request_exception",
                                                     lambda r: exception_modal(r.id, r.lead_id)))
    app.action(Action.REQUEST_INFO)(ask_contractor)
    app.action(Action.OPEN_REQUEST_MODAL)(new_request_from_home)
