"""The reason catalog: the creditable reasons a contractor may claim and the
non-creditable reasons a reviewer may deny with, worded after the published
Lead Credit Policy."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .terms import window_words


class Reason(StrEnum):
    # Creditable (the only ones the request modal offers).
    INCORRECT_CONTACT = "incorrect_contact"
    INVALID_NUMBER = "invalid_number"
    DUPLICATE_LEAD = "duplicate_lead"
    TESTING_SOLICITATION = "testing_solicitation"
    OUT_OF_SERVICE_AREA = "out_of_service_area"
    # Non-creditable (deny reasons).
    DID_NOT_WIN_JOB = "did_not_win_job"
    HOMEOWNER_CHANGED_MIND = "homeowner_changed_mind"
    HOMEOWNER_SHOPPING = "homeowner_shopping"
    AFFORDABILITY = "affordability"
    OTHER_LEAD_SOURCE = "other_lead_source"
    ALREADY_IN_CRM = "already_in_crm"
    NOT_READY = "not_ready"
    UNRESPONSIVE = "unresponsive"
    LATE_REPORT = "late_report"
    CATEGORY_APPROPRIATE = "category_appropriate"
    INVALID_ADDRESS = "invalid_address"
    NO_NOTES = "no_notes"
    REASON_MISMATCH = "reason_mismatch"
    CONTRADICTING_INFO = "contradicting_info"


@dataclass(frozen=True)
class ReasonInfo:
    code: Reason
    label: str
    rule: str
    creditable: bool


_CREDITABLE_ROWS: tuple[tuple[Reason, str, str], ...] = (
    (
        Reason.INCORRECT_CONTACT,
        "Incorrect contact information",
        "The contact information is for a different person than the individual (or a family member "
        "of the property) listed on the lead.",
    ),
    (
        Reason.INVALID_NUMBER,
        "Disconnected or invalid number",
        "The phone number is disconnected, no longer in service, or not a real number (e.g. 123-456-7891).",
    ),
    (
        Reason.DUPLICATE_LEAD,
        "Duplicate lead",
        "The same lead was delivered to you by us for the same task category within the previous 30 days.",
    ),
    (
        Reason.TESTING_SOLICITATION,
        "Testing or solicitation",
        "The lead was submitted by a home improvement company testing the system, or by a third party "
        "soliciting you to buy their product or service.",
    ),
    (
        Reason.OUT_OF_SERVICE_AREA,
        "Out of service area",
        "The lead is outside your specified service radius, counties or zip codes.",
    ),
)

_NON_CREDITABLE_ROWS: tuple[tuple[Reason, str, str], ...] = (
    (
        Reason.DID_NOT_WIN_JOB,
        "Did not win the job",
        "Not winning the job, or the homeowner hiring a different company, is not creditable.",
    ),
    (
        Reason.HOMEOWNER_CHANGED_MIND,
        "Homeowner changed their mind",
        "A homeowner changing their mind after submitting a valid request is not creditable.",
    ),
    (
        Reason.HOMEOWNER_SHOPPING,
        "Homeowner is shopping",
        "A homeowner who is shopping around or collecting quotes is not creditable.",
    ),
    (
        Reason.AFFORDABILITY,
        "Affordability or financing",
        "Affordability concerns or the homeowner's inability to qualify for financing are not creditable.",
    ),
    (
        Reason.OTHER_LEAD_SOURCE,
        "Lead also received from another source",
        "Receiving the same lead from a different lead generation company, before or after us, is not "
        "creditable.",
    ),
    (
        Reason.ALREADY_IN_CRM,
        "Already in your CRM",
        "A homeowner who was already in your CRM or database before our lead arrived is not creditable.",
    ),
    (
        Reason.NOT_READY,
        "Homeowner not ready to start",
        "A valid project request from a homeowner who is not ready to start the work immediately is not "
        "creditable.",
    ),
    (
        Reason.UNRESPONSIVE,
        "Homeowner unresponsive",
        "A homeowner who does not answer calls or texts, or does not respond the way or as fast as you "
        "expected, is not creditable.",
    ),
    (
        Reason.LATE_REPORT,
        "Reported after the reporting period",
        f"Credit requests submitted after the reporting period ({window_words()}) are not creditable.",
    ),
    (
        Reason.CATEGORY_APPROPRIATE,
        "Task appropriate for the category",
        "A lead delivered for a task that fits the category is not creditable, even if you do not offer "
        "that specific type of work or service that type of property.",
    ),
    (
        Reason.INVALID_ADDRESS,
        "Incorrect or invalid address",
        "An incorrect or invalid physical address is not creditable; an accurate address is not required "
        "for a homeowner to submit a lead.",
    ),
    (
        Reason.NO_NOTES,
        "No details given",
        "A request without enough notes to determine the reason for the credit is not creditable.",
    ),
    (
        Reason.REASON_MISMATCH,
        "Description does not match a valid reason",
        "A request whose description does not match a valid credit reason under the Lead Credit Policy is "
        "not creditable.",
    ),
    (
        Reason.CONTRADICTING_INFO,
        "Contradicting information from the homeowner",
        "A request contradicted by information we have from the homeowner is not creditable, and an "
        "approved credit may be reversed on such information.",
    ),
)

CATALOG: dict[Reason, ReasonInfo] = {
    **{code: ReasonInfo(code, label, rule, True) for code, label, rule in _CREDITABLE_ROWS},
    **{code: ReasonInfo(code, label, rule, False) for code, label, rule in _NON_CREDITABLE_ROWS},
}

CREDITABLE: tuple[Reason, ...] = tuple(code for code, _, _ in _CREDITABLE_ROWS)
NON_CREDITABLE: tuple[Reason, ...] = tuple(code for code, _, _ in _NON_CREDITABLE_ROWS)

_BY_VALUE: dict[str, Reason] = {r.value: r for r in Reason}


def parse_reason(code: str) -> Reason | None:
    """Return the Reason for a code (surrounding space and case ignored), or None if unknown."""
    if not isinstance(code, str):
        return None
    return _BY_VALUE.get(code.strip().lower())


def is_creditable(code: Reason | str) -> bool:
    """True for a creditable reason code; False for non-creditable or unknown codes."""
    reason = parse_reason(str(code))
    return reason is not None and CATALOG[reason].creditable


def label_for(code: Reason | str) -> str:
    """The human label for a code, or the code itself when unknown."""
    reason = parse_reason(str(code))
    return CATALOG[reason].label if reason is not None else str(code)
