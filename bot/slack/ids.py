"""Slack ids the app and its tests agree on. Defined once, used everywhere."""

from __future__ import annotations

from enum import StrEnum

COMMAND = "/credit-request"


class Callback(StrEnum):
    """``callback_id`` of each modal."""

    CREDIT_REQUEST = "credit_request"
    DENY_REQUEST = "deny_request"
    REVERSE_REQUEST = "reverse_request"
    REQUEST_EXCEPTION = "request_exception"
    REQUEST_INFO = "request_info"


class Action(StrEnum):
    """``action_id`` of each button."""

    APPROVE_REQUEST = "approve_request"
    DENY_REQUEST = "deny_request"
    REVERSE_REQUEST = "reverse_request"
    REQUEST_EXCEPTION = "request_exception"
    GRANT_EXCEPTION = "grant_exception"
    UPHOLD_DENIAL = "uphold_denial"
    REQUEST_INFO = "request_info"
    OPEN_REQUEST_MODAL = "open_credit_request"


class Field(StrEnum):
    """``block_id`` and ``action_id`` (the same) of modal inputs."""

    LEAD_ID = "lead_id"
    REASON = "reason"
    DETAILS = "details"
    DENY_REASON = "deny_reason"
    NOTE = "note"
    QUESTION = "question"
