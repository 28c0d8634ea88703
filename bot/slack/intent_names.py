"""The stored name of every listener whose work survives a restart (``intents.name``): how a
replay finds the listener again. Names are fixed here, not taken from the functions, so a
renamed function orphans nothing; change a name only with a migration that rewrites the
stored rows (``0010_stable_intent_names`` did so for the names before these)."""

from __future__ import annotations

from enum import StrEnum

from policy.lifecycle import Action as Step


class IntentName(StrEnum):
    APPROVE_BUTTON = "button.approve"
    DENY_BUTTON = "button.deny"
    REVERSE_BUTTON = "button.reverse"
    REQUEST_EXCEPTION_BUTTON = "button.request_exception"
    GRANT_EXCEPTION_BUTTON = "button.grant_exception"
    UPHOLD_DENIAL_BUTTON = "button.uphold_denial"
    REQUEST_INFO_BUTTON = "button.request_info"
    CLAIM_BUTTON = "button.claim"
    HOME_NEW_REQUEST = "button.home_new_request"
    QUEUE_FILTER = "select.queue_filter"
    SHOW_TRAIL = "button.show_trail"  # named after 0010 (nothing stored under an older name)
    FILE_SHORTCUT = "shortcut.file_credit_request"
    FILE_FROM_MESSAGE = "shortcut.file_from_message"
    HOME_OPENED = "event.app_home_opened"
    THREAD_MESSAGE = "event.thread_message"
    CREDIT_REQUEST_FORM = "form.credit_request"
    DENY_FORM = "form.deny"
    REVERSE_FORM = "form.reverse"
    REQUEST_EXCEPTION_FORM = "form.request_exception"
    GRANT_EXCEPTION_FORM = "form.grant_exception"
    UPHOLD_DENIAL_FORM = "form.uphold_denial"
    REQUEST_INFO_FORM = "form.request_info"


# The button and the modal form of each lifecycle step.
BUTTON_INTENT: dict[Step, IntentName] = {
    Step.APPROVE: IntentName.APPROVE_BUTTON,
    Step.DENY: IntentName.DENY_BUTTON,
    Step.REVERSE: IntentName.REVERSE_BUTTON,
    Step.REQUEST_EXCEPTION: IntentName.REQUEST_EXCEPTION_BUTTON,
    Step.GRANT_EXCEPTION: IntentName.GRANT_EXCEPTION_BUTTON,
    Step.UPHOLD_DENIAL: IntentName.UPHOLD_DENIAL_BUTTON,
    Step.REQUEST_INFO: IntentName.REQUEST_INFO_BUTTON,
    Step.CLAIM: IntentName.CLAIM_BUTTON,
}
FORM_INTENT: dict[Step, IntentName] = {
    Step.DENY: IntentName.DENY_FORM,
    Step.REVERSE: IntentName.REVERSE_FORM,
    Step.REQUEST_EXCEPTION: IntentName.REQUEST_EXCEPTION_FORM,
    Step.GRANT_EXCEPTION: IntentName.GRANT_EXCEPTION_FORM,
    Step.UPHOLD_DENIAL: IntentName.UPHOLD_DENIAL_FORM,
    Step.REQUEST_INFO: IntentName.REQUEST_INFO_FORM,
}
