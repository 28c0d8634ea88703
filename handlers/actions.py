"""Buttons. Each acks at once; decisions and refusals then run in ``bot`` after the ack
(refusals are ephemeral messages sent through the outbox, with an audit row)."""

from __future__ import annotations

import logging

from bot.slack.ids import Action
from bot.slack.render.modals import (
    credit_request_modal,
    deny_modal,
    exception_modal,
    info_modal,
    reverse_modal,
)
from bot.usecases import audit
from bot.usecases.conversation import may_ask
from bot.usecases.decisions import check_permission, transition
from handlers.payload import action_actor, request_id_of

log = logging.getLogger("credit_bot.handlers")


def just_ack(ack):
    ack()


def _target(body: dict) -> int:
    action = (body.get("actions") or [{}])[0]
    return request_id_of(action.get("value")) or 0


def _open(client, body: dict, view: dict, what: str) -> None:
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except Exception:  # noqa: BLE001 - Slack slow or down; nothing changed
        log.exception("views.open failed for %s", what)


def _decide_now(action: str):
    def decide(body, context):
        transition(context["desk"], _target(body), action, action_actor(body, audit.SURFACE_ACTION))
    decide.__name__ = f"decide_{action}"  # Bolt tells lazy functions apart by name
    return decide


def _open_modal(action: str, render):
    def open_modal(body, client, context):
        actor = action_actor(body, audit.SURFACE_ACTION)
        outcome = check_permission(context["desk"], _target(body), action, actor)
        if outcome.ok:
            _open(client, body, render(outcome.request), action)
    open_modal.__name__ = f"open_{action}_modal"
    return open_modal


def ask_contractor(body, client, context):
    outcome = may_ask(context["desk"], _target(body), action_actor(body, audit.SURFACE_ACTION))
    if outcome.ok:
        _open(client, body, info_modal(outcome.request.id, outcome.request.lead_id), "request_info")


def new_request_from_home(body, client):
    _open(client, body, credit_request_modal(""), "the App Home button")


def register(app) -> None:
    lazy = {
        Action.APPROVE_REQUEST: _decide_now("approve"),
        Action.GRANT_EXCEPTION: _decide_now("grant_exception"),
        Action.UPHOLD_DENIAL: _decide_now("uphold_denial"),
        Action.DENY_REQUEST: _open_modal("deny", lambda r: deny_modal(r.id, r.lead_id)),
        Action.REVERSE_REQUEST: _open_modal("reverse", lambda r: reverse_modal(r.id, r.lead_id)),
        Action.REQUEST_EXCEPTION: _open_modal("request_exception", lambda r: exception_modal(r.id, r.lead_id)),
        Action.REQUEST_INFO: ask_contractor,
        Action.OPEN_REQUEST_MODAL: new_request_from_home,
    }
    for action_id, work in lazy.items():
        app.action(action_id)(ack=just_ack, lazy=[work])
