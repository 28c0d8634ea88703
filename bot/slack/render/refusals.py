"""Why something was refused, in a sentence the person can act on: as an ephemeral
message, a DM, or a field error in a modal."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.slack.render.action_words import WORDS, words
from bot.slack.render.text import lead_ref, mention, request_ref, status_label, when
from bot.slack.render.words import reason_label
from bot.usecases.filing import DETAILS, LEAD_IDS, REASON, Problem
from bot.usecases.results import NO_REQUEST, Refusal
from policy.lifecycle import Action, Status, Why
from policy.terms import MAX_LEAD_ID, MAX_LEADS_PER_FILING, MAX_TEXT


def _at(r: Refusal, tz: ZoneInfo) -> str:
    return when(r.last_time, tz)


def where_it_stands(r: Refusal, tz: ZoneInfo, *, names: bool = True) -> str:
    """'CR-3 was already credited by <@U1> on Tue Dec 1 2026, 10:02 AM EST.' Without ``names``
    (a modal's field error is plain text, where a mention would show as raw markup) people
    are left out: 'CR-3 was already credited by a reviewer on ...'."""
    ref = request_ref(r.request_id)
    by, at = (mention(r.last_actor) if names else _role_word(r.last_action)), _at(r, tz)
    last = r.last_action
    if r.status == Status.PENDING or last is None:
        return f"{ref} is still pending review."
    said = words(last)
    if said is None or said.stands is None:
        return f"{ref} is {status_label(r.status).lower()}."
    return said.stands.format(ref=ref, by=by, at=at)


def _role_word(action: str | None) -> str:
    said = words(action or "")
    return said.role if said else "a reviewer"


def _verb(action: str | None) -> str:
    said = words(action or "")
    return said.verb if said and said.verb else "decide"


def refusal_text(r: Refusal, tz: ZoneInfo) -> str:
    ref = request_ref(r.request_id)
    why = r.why
    if why == NO_REQUEST:
        return f"There is no request {ref}."
    if why == Why.NOT_REVIEWER:
        return "Only reviewers can do that."
    if why == Why.NOT_CLIENT_MANAGER:
        if r.manager:
            return (f"Only this client's account manager ({mention(r.manager)}) or an admin can grant "
                    f"or uphold the exception on {ref}.")
        return f"Only account managers (or admins) can grant or uphold the exception on {ref}."
    if why == Why.NOT_CONTRACTOR:
        return f"Only the contractor's own company can ask for an exception on {ref}."
    if why == Why.OWN_REQUEST:
        return (f"You filed {ref} yourself, so you cannot {_verb(r.action)} it: "
                "someone else on the desk has to.")
    if why == Why.ASKED_EXCEPTION:
        return (f"You asked for the exception on {ref} yourself, so you cannot decide it: "
                "another account manager or an admin has to.")
    if why == Why.SPEAKS_FOR_CLIENT:
        return (f"You are listed as one of this client's own people, so you cannot "
                f"{_verb(r.action)} {ref}: someone else on the desk has to.")
    if why == Why.SAME_REVIEWER:
        if r.action == Action.REVERSE:
            return (f"You already asked for the reversal of {ref}; under dual control a second reviewer "
                    "has to confirm it.")
        return (f"You already gave the first approval on {ref}; under dual control a second reviewer "
                "has to approve it before it is credited.")
    if why == Why.EXCEPTION_USED:
        asked = f" (asked by {mention(r.asked_by)} on {when(r.asked_time, tz)})" if r.asked_at else ""
        if r.status == Status.EXCEPTION:
            who = mention(r.manager) if r.manager else "the account manager"
            return f"An exception on {ref} was already asked{asked}; {who} is reviewing it."
        return f"{ref} already had its exception reviewed{asked}. {where_it_stands(r, tz)}"
    if why == Why.OVERRIDES_PEOPLE:
        return (f"{where_it_stands(r, tz)} A reviewer's denial is not approved from the card; "
                "the contractor can ask for an exception.")
    if why == Why.ALREADY_CREDITED:
        return (f"Lead {lead_ref(r.lead_id)} is already credited on {request_ref(r.credited_on)}; "
                "a lead is credited once.")
    if why == "busy":
        return f"{ref} changed while you were acting on it; please try again."
    return where_it_stands(r, tz)


# -- the filing modal's field errors ------------------------------------------------------

def _ids(ids: tuple[str, ...]) -> str:
    return ", ".join(lead_ref(i) for i in ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")


def earlier_request(r: Refusal, tz: ZoneInfo) -> str:
    """A lead that already has a request: which one, how it stands, what to do instead."""
    ref = request_ref(r.request_id)
    lead = lead_ref(r.lead_id)
    if r.status == Status.PENDING:
        return (f"Lead {lead} already has an open credit request ({ref}, pending review); "
                "its updates come in its thread.")
    if r.status == Status.EXCEPTION:
        return f"Lead {lead} already has an open credit request ({ref}) with an exception under review."
    if r.status == Status.APPROVED:
        return f"Lead {lead} was already credited on {ref}; a lead is credited once."
    if r.status == Status.REVERSED:
        return f"Lead {lead} was credited and then reversed on {ref}; it cannot be filed again."
    stands = where_it_stands(r, tz, names=False)
    if r.status == Status.DENIED and not r.asked_at:
        return f"Lead {lead} already has a credit request: {stands} Use “{WORDS[Action.REQUEST_EXCEPTION].button[0]}” on {ref} instead."
    return f"Lead {lead} already has a credit request: {stands} It cannot be filed again."


def problem_text(field: str, p: Problem, tz: ZoneInfo) -> str:
    code = p.code
    if field == DETAILS:
        if code == "too_long":
            return f"Please keep the details under {MAX_TEXT:,} characters."
        return "Please describe what is wrong with the lead; requests without notes are denied."
    if field == REASON:
        return "Choose one of the creditable reasons."
    if code == "required":
        return "Enter the lead id from your lead delivery."
    if code == "too_many":
        return f"At most {MAX_LEADS_PER_FILING} lead ids at once, please."
    if code == "not_linked":
        return "Your Slack account is not linked to a client yet; please contact your account manager."
    if code == "unknown":
        many = len(p.lead_ids) > 1
        too_long = any(len(i) > MAX_LEAD_ID for i in p.lead_ids)
        if too_long:
            return f"A lead id has at most {MAX_LEAD_ID} characters: {_ids(p.lead_ids)}."
        return (f"There {'are no leads' if many else 'is no lead'} with id {_ids(p.lead_ids)}. "
                "Check the id on your lead delivery.")
    if code == "has_request":
        return " ".join(earlier_request(r, tz) for r in p.earlier[:5])
    return "Please check this field."


def filing_errors(problems: dict[str, list[Problem]], tz: ZoneInfo) -> dict[str, str]:
    """``{block_id: message}`` for the modal (Slack shows one message per input)."""
    out = {}
    for field, found in problems.items():
        out[field] = " ".join(problem_text(field, p, tz) for p in found)[:1900]
    return {k: v for k, v in out.items() if k in (LEAD_IDS, REASON, DETAILS)}


def blocker_text(code: str) -> str:
    """Why someone cannot open the filing modal at all."""
    return ("Your Slack account is not linked to a client yet, so you cannot file credit requests here. "
            "Please contact your account manager.")


def input_problem_text(field: str, problem: str) -> str:
    """A decision modal's field error."""
    if problem == "too_long":
        return f"Please keep this under {MAX_TEXT:,} characters."
    if field == "deny_reason":
        return "Choose a deny reason from the policy's list."
    if field == "question":
        return "Write the question for the contractor."
    return "Please write a note: it is shown to the contractor."


def reason_words(code: str | None) -> str:
    return reason_label(code)
