"""Slack ids the app, the sandbox and the tests agree on. Defined once, used everywhere.

The lifecycle's actions (``policy.lifecycle.Action``) meet Slack here: ``BUTTON`` names the
button that starts each action and ``MODAL`` the modal that finishes it."""

from __future__ import annotations

from enum import StrEnum

from policy.lifecycle import Action as Step

COMMAND = "/credit-request"


class Callback(StrEnum):
    """``callback_id`` of each modal and shortcut."""

    CREDIT_REQUEST = "credit_request"
    DENY_REQUEST = "deny_request"
    REVERSE_REQUEST = "reverse_request"
    REQUEST_EXCEPTION = "request_exception"
    GRANT_EXCEPTION = "grant_exception"
    UPHOLD_DENIAL = "uphold_denial"
    REQUEST_INFO = "request_info"
    FILE_SHORTCUT = "file_credit_request"  # global shortcut
    FILE_FROM_MESSAGE = "file_credit_request_from_message"  # message shortcut


class Action(StrEnum):
    """``action_id`` of each button and interactive element."""

    APPROVE_REQUEST = "approve_request"
    DENY_REQUEST = "deny_request"
    REVERSE_REQUEST = "reverse_request"
    REQUEST_EXCEPTION = "request_exception"
    GRANT_EXCEPTION = "grant_exception"
    UPHOLD_DENIAL = "uphold_denial"
    REQUEST_INFO = "request_info"
    CLAIM_REQUEST = "claim_request"
    OPEN_REQUEST_MODAL = "open_credit_request"
    QUEUE_FILTER = "queue_filter"
    OPEN_TRAIL = "open_trail"  # the reviewer card's Trail button: the request's audit trail in a modal


class Field(StrEnum):
    """``block_id`` and ``action_id`` (the same) of modal inputs."""

    LEAD_ID = "lead_id"
    REASON = "reason"
    DETAILS = "details"
    EVIDENCE = "evidence"
    DENY_REASON = "deny_reason"
    NOTE = "note"
    QUESTION = "question"


# The button that starts each lifecycle action, and the modal (if any) that finishes it.
BUTTON: dict[Step, Action] = {
    Step.APPROVE: Action.APPROVE_REQUEST,
    Step.DENY: Action.DENY_REQUEST,
    Step.REVERSE: Action.REVERSE_REQUEST,
    Step.REQUEST_EXCEPTION: Action.REQUEST_EXCEPTION,
    Step.GRANT_EXCEPTION: Action.GRANT_EXCEPTION,
    Step.UPHOLD_DENIAL: Action.UPHOLD_DENIAL,
    Step.REQUEST_INFO: Action.REQUEST_INFO,
    Step.CLAIM: Action.CLAIM_REQUEST,
}
STEP_OF_BUTTON: dict[Action, Step] = {button: step for step, button in BUTTON.items()}
MODAL: dict[Step, Callback] = {
    Step.DENY: Callback.DENY_REQUEST,
    Step.REVERSE: Callback.REVERSE_REQUEST,
    Step.REQUEST_EXCEPTION: Callback.REQUEST_EXCEPTION,
    Step.GRANT_EXCEPTION: Callback.GRANT_EXCEPTION,
    Step.UPHOLD_DENIAL: Callback.UPHOLD_DENIAL,
    Step.REQUEST_INFO: Callback.REQUEST_INFO,
}
STEP_OF_MODAL: dict[Callback, Step] = {callback: step for step, callback in MODAL.items()}


def card_block(request_id: int) -> str:
    """``block_id`` of the buttons on a request's reviewer card."""
    return f"review_{request_id}"


def exception_block(request_id: int) -> str:
    """``block_id`` of the buttons on a request's exception card."""
    return f"exception_{request_id}"


def contractor_block(request_id: int) -> str:
    """``block_id`` of the buttons in a request's contractor thread."""
    return f"contractor_{request_id}"


def queue_block(request_id: int) -> str:
    """``block_id`` of a request's row in a reviewer's App Home queue."""
    return f"queue_{request_id}"


def trail_block(request_id: int) -> str:
    """``block_id`` of the Trail button on a request's reviewer card."""
    return f"trail_{request_id}"


HOME_ACTIONS_BLOCK = "home_actions"
QUEUE_FILTER_BLOCK = "queue_filter"

# Message metadata the bot tags its posts with.
METADATA_EVENT_TYPE = "credit_bot_post"
