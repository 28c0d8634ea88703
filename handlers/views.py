"""Modal submissions: filing, denying, reversing, exceptions and questions."""

from __future__ import annotations

from bot.slack.acks import ACK_BUDGET, within
from bot.slack.ids import Callback, Field
from bot.usecases import audit
from bot.usecases.conversation import request_info
from bot.usecases.decisions import Actor, tell_late, transition
from bot.usecases.filing import Filing, FilingErrors, file_request, tell_late_outcome
from handlers.payload import metadata, request_id_of, state_value


def _actor(body: dict) -> Actor:
    return Actor(user_id=body["user"]["id"], surface=audit.SURFACE_VIEW)


def submit_credit_request(ack, body, view, context):
    filing = Filing(
        user_id=body["user"]["id"],
        channel_id=metadata(view, "channel_id"),
        lead_id=state_value(view, Field.LEAD_ID),
        reason=state_value(view, Field.REASON),
        details=state_value(view, Field.DETAILS),
        view_id=view.get("id"),
    )
    desk = context["desk"]
    try:
        within(ACK_BUDGET, file_request, desk, filing, on_late=lambda f: tell_late_outcome(desk, filing, f))
    except FilingErrors as exc:
        ack(response_action="errors", errors=exc.errors)
        return
    ack()


def _decide(action: str, error_field: str, **extract):
    def listener(ack, body, view, context):
        request_id = request_id_of(metadata(view, "request_id"))
        if request_id is None:
            ack(response_action="errors", errors={error_field: "This form lost track of its request."})
            return
        values = {name: state_value(view, field) for name, field in extract.items()}
        desk, actor = context["desk"], _actor(body)
        done, outcome = within(ACK_BUDGET, transition, desk, request_id, action, actor, **values,
                               on_late=lambda f: tell_late(desk, actor, f))
        if not done or outcome.ok:
            ack()
        else:
            ack(response_action="errors", errors={error_field: outcome.message})
    return listener


def submit_request_info(ack, body, view, context):
    request_id = request_id_of(metadata(view, "request_id"))
    desk, actor = context["desk"], _actor(body)
    done, outcome = within(ACK_BUDGET, request_info, desk, request_id or 0, actor, state_value(view, Field.QUESTION),
                           on_late=lambda f: tell_late(desk, actor, f))
    if not done or outcome.ok:
        ack()
    else:
        ack(response_action="errors", errors={Field.QUESTION: outcome.message})


def register(app) -> None:
    app.view(Callback.CREDIT_REQUEST)(submit_credit_request)
    app.view(Callback.DENY_REQUEST)(_decide("deny", Field.DENY_REASON, deny_reason=Field.DENY_REASON,
                                            note=Field.NOTE))
    app.view(Callback.REVERSE_REQUEST)(_decide("reverse", Field.NOTE, note=Field.NOTE))
    app.view(Callback.REQUEST_EXCEPTION)(_decide("request_exception", Field.NOTE, note=Field.NOTE))
    app.view(Callback.REQUEST_INFO)(submit_request_info)
