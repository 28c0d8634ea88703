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


# What people read for each check (contractors never see the codes above).
CHECK_LABEL: dict[Check, str] = {
    Check.WINDOW: "Reporting window",
    Check.REASON: "Reason",
    Check.NOTES: "Details given",
    Check.PHONE: "Phone number",
    Check.DUPLICATE: "Duplicate lead",
    Check.SERVICE_AREA: "Service area",
    Check.DETAILS: "What the details describe",
    Check.CAP: "Monthly credit cap",
    Check.PHONE_LINE: "Phone line (carrier)",
}


def check_label(code: str | None) -> str:
    """The label of a check; a code this version does not know reads as words, not a code."""
    try:
        return CHECK_LABEL[Check(code)]
    except ValueError:
        return str(code or "").replace("_", " ").capitalize()


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
