"""Buttons. Each stores its intent and acks at once; the decision (or the check before its
modal opens) runs after the ack and finishes the intent, so a restart in between finishes
it (or, for a modal that can no longer open, tells the person to click again). Refusals
reach the person as ephemeral messages through the outbox, with an audit row."""

from __future__ import annotations

import logging

from bot.slack import durable_listeners
from bot.slack.ids import STEP_OF_BUTTON, Action
from bot.slack.intent_names import BUTTON_INTENT, IntentName
from bot.slack.payloads import action_actor, request_id_of, user_of
from bot.slack.render.modals import (
    credit_request_modal,
    deny_modal,
    exception_modal,
    grant_modal,
    info_modal,
    reverse_modal,
    uphold_modal,
)
from bot.slack.render.trail_modal import trail_modal
from bot.usecases.audit import Surface
from bot.usecases.decisions import act, check
from bot.usecases.homes import choose_queue_filter
from bot.usecases.trail import staff_trail
from policy.lifecycle import Action as Step

log = logging.getLogger("credit_bot.handlers")


def _target(body: dict) -> int:
    action = (body.get("actions") or [{}])[0]
    return request_id_of(action.get("value")) or 0


def _open(client, body: dict, view: dict, what: str) -> None:
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view)
    except Exception:  # noqa: BLE001 - Slack slow or down; nothing changed
        log.exception("views.open failed for %s", what)


def _suggested_deny_reason(req) -> str | None:
    hints = (req.evidence or {}).get("wording_hints") or []
    return hints[0] if hints else None


# The modal each step opens, from the request and the clicking actor.
MODALS = {
    Step.DENY: lambda req, actor: deny_modal(req.id, req.lead_id, _suggested_deny_reason(req)),
    Step.REVERSE: lambda req, actor: reverse_modal(req.id, req.lead_id),
    Step.REQUEST_EXCEPTION: lambda req, actor: exception_modal(req.id, req.lead_id, actor.channel_id),
    Step.GRANT_EXCEPTION: lambda req, actor: grant_modal(req.id, req.lead_id),
    Step.UPHOLD_DENIAL: lambda req, actor: uphold_modal(req.id, req.lead_id),
    Step.REQUEST_INFO: lambda req, actor: info_modal(req.id, req.lead_id),
}


def _button(step: Step):
    """The lazy work of a button: open the step's modal if it has one (after checking the
    person may take it), else take the step now."""
    def work(body, client, context):
        actor = action_actor(body, Surface.ACTION)
        desk = context["desk"]
        if step in MODALS:
            outcome = check(desk, _target(body), step, actor)
            if outcome.ok:
                _open(client, body, MODALS[step](outcome.request, actor), str(step))
        else:
            act(desk, _target(body), step, actor)
    work.__name__ = f"button_{step.name.lower()}"  # Bolt tells lazy functions apart by name
    return work


def new_request_from_home(body, client):
    _open(client, body, credit_request_modal(""), "the App Home button")


def show_trail(body, client, context):
    """The reviewer card's Trail button: the request's audit trail in a modal (read only)."""
    desk, request_id = context["desk"], _target(body)
    _open(client, body, trail_modal(staff_trail(desk.db, request_id, user_of(body)), request_id, desk.tz),
          "the trail")


def filter_queue(body, context):
    action = (body.get("actions") or [{}])[0]
    choice = str(((action.get("selected_option") or {}).get("value")) or "")
    choose_queue_filter(context["desk"], user_of(body), choice)


def register(app) -> None:
    for button_id, step in STEP_OF_BUTTON.items():
        ack, work = durable_listeners.deferred("action", BUTTON_INTENT[step], _button(step),
                                               opens_modal=step in MODALS)
        app.action(button_id)(ack=ack, lazy=[work])
    ack, work = durable_listeners.deferred("action", IntentName.HOME_NEW_REQUEST, new_request_from_home,
                                           opens_modal=True)
    app.action(Action.OPEN_REQUEST_MODAL)(ack=ack, lazy=[work])
    ack, work = durable_listeners.deferred("action", IntentName.QUEUE_FILTER, filter_queue)
    app.action(Action.QUEUE_FILTER)(ack=ack, lazy=[work])
    ack, work = durable_listeners.deferred("action", IntentName.SHOW_TRAIL, show_trail, opens_modal=True, wanted=lambda _body: False)
    app.action(Action.OPEN_TRAIL)(ack=ack, lazy=[work])

