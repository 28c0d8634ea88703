"""Modal submissions: filing, and each decision's modal. The use case runs within the
acknowledgement budget, so bad input comes back as field errors in the modal; when the
database is slow the modal closes (its intent stored first, so a restart still finishes
it) and a late failure reaches the person by DM."""

from __future__ import annotations

from bot.slack import durable_listeners
from bot.slack.ids import STEP_OF_MODAL, Callback, Field
from bot.slack.intent_names import FORM_INTENT, IntentName
from bot.slack.payloads import metadata, metadata_channel, request_id_of, state_files, state_value, user_of
from bot.slack.render.refusals import filing_errors, input_problem_text, refusal_text
from bot.usecases.audit import Surface
from bot.usecases.conversation import request_info
from bot.usecases.decisions import Actor, act
from bot.usecases.evidence import files_of
from bot.usecases.filing import Filing, FilingErrors, file_requests, owe_late_refusal
from bot.usecases.results import Result
from policy.lifecycle import Action as Step

# The input each modal reports its problems on.
ERROR_FIELD = {step: (Field.DENY_REASON if step is Step.DENY else
                      Field.QUESTION if step is Step.REQUEST_INFO else Field.NOTE) for step in STEP_OF_MODAL.values()}


def submit_credit_request(ack, body, view, context):
    filing = Filing(
        user_id=user_of(body),
        channel_id=metadata(view, "channel_id"),
        lead_ids=state_value(view, Field.LEAD_ID),
        reason=state_value(view, Field.REASON),
        details=state_value(view, Field.DETAILS),
        view_id=str(view.get("id") or "")[:40] or None,
        files=files_of(state_files(view, Field.EVIDENCE)),
    )
    desk = context["desk"]

    def late(future) -> None:
        exc = future.exception()
        if exc is None:
            return  # filed: the receipts are on their way
        if isinstance(exc, FilingErrors):
            text = "Your credit request was not filed: " + " ".join(filing_errors(exc.problems, desk.tz).values())
        else:
            text = "Your credit request could not be filed; please try again."
        owe_late_refusal(desk, filing.user_id, {"text": text})

    try:
        durable_listeners.submit_within(context, body, IntentName.CREDIT_REQUEST_FORM, file_requests, desk, filing, on_late=late)
    except FilingErrors as exc:
        ack(response_action="errors", errors=filing_errors(exc.problems, desk.tz))
        return
    ack()


def _errors(step: Step, outcome: Result, tz) -> dict[str, str]:
    """The modal's field errors for a refused or malformed decision."""
    if outcome.problems:
        return {field: input_problem_text(field, problem) for field, problem in outcome.problems.items()}
    return {ERROR_FIELD[step]: refusal_text(outcome.refusal, tz)[:1900]}


def _decide(step: Step):
    def listener(ack, body, view, context):
        desk = context["desk"]
        request_id = request_id_of(metadata(view, "request_id"))
        if request_id is None:
            ack(response_action="errors", errors={ERROR_FIELD[step]: "This form lost track of its request."})
            return
        actor = Actor(user_id=user_of(body), surface=Surface.VIEW, channel_id=metadata_channel(view))

        def late(future) -> None:
            outcome = None if future.exception() else future.result()
            if outcome is not None and (outcome.ok or outcome.told):
                return
            if outcome is not None and outcome.refusal is not None:
                owe_late_refusal(desk, actor.user_id, {"refusal": outcome.refusal.to_payload()})
            else:
                owe_late_refusal(desk, actor.user_id, {"text": "That did not go through; please try again."})

        if step is Step.REQUEST_INFO:
            work = (request_info, desk, request_id, actor, state_value(view, Field.QUESTION))
        else:
            work = (act, desk, request_id, step, actor)
        kwargs = {"tell": False} if step is Step.REQUEST_INFO else {
            "note": state_value(view, Field.NOTE), "deny_reason": state_value(view, Field.DENY_REASON),
            "tell": False}
        done, outcome = durable_listeners.submit_within(context, body, FORM_INTENT[step], *work, on_late=late, **kwargs)
        if not done or outcome.ok:
            ack()
        else:
            ack(response_action="errors", errors=_errors(step, outcome, desk.tz))
    listener.__name__ = f"submit_{step.name.lower()}"
    return listener


def register(app) -> None:
    app.view(Callback.CREDIT_REQUEST)(durable_listeners.replayable("view", IntentName.CREDIT_REQUEST_FORM,
                                                                   submit_credit_request))
    for callback, step in STEP_OF_MODAL.items():
        app.view(callback)(durable_listeners.replayable("view", FORM_INTENT[step], _decide(step)))
