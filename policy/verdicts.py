"""The vocabulary of a verdict: which checks there are, their outcomes, the decisions."""

from __future__ import annotations

from enum import StrEnum


class Check(StrEnum):
    WINDOW = "window"
    REASON = "reason"
    NOTES = "notes"
    PHONE = "phone"
    DUPLICATE = "duplicate"
    SERVICE_AREA = "service_area"
    DETAILS = "details"
    CAP = "cap"  # only for a client whose contract caps credits
    PHONE_LINE = "phone_line"  # only when a carrier was asked about the number (policy.carrier)


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    INFO = "info"


class Decision(StrEnum):
    APPROVE = "approve"
    DENY = "deny"
    REVIEW = "review"


# The checks every verdict reports, in order (a carrier look-up adds PHONE_LINE, a capped
# client's verdict CAP last).
CHECK_ORDER: tuple[Check, ...] = tuple(c for c in Check if c not in (Check.CAP, Check.PHONE_LINE))


class UnknownReason(ValueError):
    """The request names a reason code that is not in the catalog."""
