"""The filing's field problems (:class:`bot.usecases.filing.Problem`) as the API's 422
``fields``: one plain sentence per input, the same problems the modal shows."""

from __future__ import annotations

from bot.usecases.filing import DETAILS, FILED_BY, LEAD_IDS, MAX_FILER_NAME, REASON, Problem
from policy.lifecycle import STATUS_LABEL, Status
from policy.reasons import CREDITABLE
from policy.terms import MAX_LEAD_ID, MAX_TEXT


def field_messages(problems: dict[str, list[Problem]]) -> dict[str, str]:
    return {name: " ".join(_message(name, p) for p in found) for name, found in problems.items()}


def _message(name: str, p: Problem) -> str:
    code = p.code
    if name == DETAILS:
        if code == "too_long":
            return f"details has at most {MAX_TEXT:,} characters."
        return "details is required: what is wrong with the lead (requests without notes are denied)."
    if name == REASON:
        return f"reason must be one of {', '.join(r.value for r in CREDITABLE)}."
    if name == FILED_BY:
        if code == "too_long":
            return f"filed_by has at most {MAX_FILER_NAME} characters."
        return "filed_by is required: the name or email of the person filing."
    if name == LEAD_IDS:
        if code == "required":
            return "lead_id is required."
        if code == "too_many":
            return "one lead_id per request."
        if code == "unknown":
            if any(len(i) > MAX_LEAD_ID for i in p.lead_ids):
                return f"a lead id has at most {MAX_LEAD_ID} characters."
            return f"there is no lead with id {', '.join(p.lead_ids)}."
        if code == "has_request":
            return " ".join(_earlier(r) for r in p.earlier[:5])
    return f"{name} is not valid."


def _earlier(r) -> str:
    try:
        label = STATUS_LABEL[Status(r.status)]
    except (KeyError, ValueError):
        label = r.status or "filed"
    return (f"lead {r.lead_id} already has credit request CR-{r.request_id} ({label.lower()}); "
            "a lead is filed once.")
