"""What a carrier's answer about a phone number means for a claim (SPEC "Phone intelligence").

Pure: the answer comes in already read (``CarrierAnswer``, filled by a provider adapter in
``bot/phone_lookup``); this module says which claims need one, and turns an answer into a
``phone_line`` finding and its effect on the verdict. Never a decision on a guess: an
answer that is missing, late, garbled or says ``unknown`` only ever sends the request to a
person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .reasons import Reason
from .verdicts import Outcome

LINE_STATUS = "line_status"
LINE_TYPE = "line_type_intelligence"
CALLER_NAME = "caller_name"
IDENTITY = "identity_match"


class Answered(StrEnum):
    """How the look-up went."""

    ANSWERED = "answered"  # the provider answered in the shape we read
    FAILED = "failed"  # an error status, garbage, a redirect, a timeout: said in ``problem``
    OVER_LIMIT = "over_limit"  # the month's look-ups are used up: none was made
    PENDING = "pending"  # asked for, not answered yet


class Effect(StrEnum):
    """What the answer does to the claim."""

    APPROVES = "approves"  # strong evidence for the claim
    AGAINST = "against"  # evidence against the claim (a person decides; with AUTO_DENY_CONTRADICTED it denies)
    SHOWN = "shown"  # worth a reviewer's eye, decides nothing
    NONE = "none"  # says nothing either way (an info finding)


@dataclass(frozen=True)
class CarrierAnswer:
    provider: str  # its label ("Twilio")
    fields: tuple[str, ...]  # the fields asked for
    on: date | None = None  # the day it answered (the policy timezone's date)
    answered: Answered = Answered.ANSWERED
    valid: bool | None = None  # the basic answer
    line_status: str | None = None  # active | inactive | reachable | unreachable | unknown | ...
    line_type: str | None = None  # mobile | landline | nonFixedVoip | ...
    caller_name: str | None = None
    caller_type: str | None = None  # CONSUMER | BUSINESS | UNDETERMINED
    first_name_match: str | None = None  # exact_match | high_partial_match | ... | no_match
    last_name_match: str | None = None
    problem: str | None = None  # why it failed, for people (never a credential)


@dataclass(frozen=True)
class CarrierVerdict:
    outcome: Outcome
    detail: str
    effect: Effect


_MATCHES = frozenset({"exact_match", "high_partial_match", "partial_match"})
_MISMATCHES = frozenset({"no_match"})


def fields_needed(reason: Reason | None, *, valid_by_format: bool, configured: tuple[str, ...]) -> tuple[str, ...]:
    """The fields a look-up for this claim asks, or () when the claim needs none: an
    invalid-number claim on a number valid by format, an incorrect-contact claim (when
    ``identity_match`` is configured), a testing/solicitation claim (``caller_name``)."""
    if reason is Reason.INVALID_NUMBER and valid_by_format:
        return configured
    if reason is Reason.INCORRECT_CONTACT and IDENTITY in configured:
        return configured
    if reason is Reason.TESTING_SOLICITATION and CALLER_NAME in configured:
        return configured
    return ()


def _cite(a: CarrierAnswer, what: str, value: str) -> str:
    when = f" ({a.on.isoformat()})" if a.on else ""
    return f"{a.provider} {what}: {value}{when}"


def _none(a: CarrierAnswer, why: str) -> CarrierVerdict:
    return CarrierVerdict(Outcome.INFO, f"{a.provider} look-up ({', '.join(a.fields)}): {why}; a person decides",
                          Effect.NONE)


def judge_answer(claimed: Reason, a: CarrierAnswer) -> CarrierVerdict:
    """The ``phone_line`` finding for this claim and answer."""
    if a.answered is Answered.PENDING:
        return CarrierVerdict(Outcome.INFO, f"{a.provider} look-up ({', '.join(a.fields)}) asked; the number is "
                                            "being checked", Effect.NONE)
    if a.answered is Answered.OVER_LIMIT:
        return _none(a, "not made, this month's look-ups are used up")
    if a.answered is Answered.FAILED:
        return _none(a, f"no answer ({a.problem or 'error'})")
    if claimed is Reason.INVALID_NUMBER:
        return _invalid_number(a)
    if claimed is Reason.INCORRECT_CONTACT:
        return _identity(a)
    if claimed is Reason.TESTING_SOLICITATION:
        return _caller(a)
    return _none(a, "nothing this claim rests on")


def _invalid_number(a: CarrierAnswer) -> CarrierVerdict:
    status = (a.line_status or "").strip().lower()
    if status == "inactive":
        return CarrierVerdict(Outcome.PASS, _cite(a, "line status", "inactive") + "; the number is not in service",
                              Effect.APPROVES)
    if a.valid is False:
        return CarrierVerdict(Outcome.PASS, _cite(a, "lookup", "not a valid number"), Effect.APPROVES)
    if status in ("active", "reachable"):
        return CarrierVerdict(Outcome.WARN, _cite(a, "line status", status)
                              + "; the carrier says the number is in service, which contradicts the claim",
                              Effect.AGAINST)
    if status in ("unreachable", "unknown"):
        return CarrierVerdict(Outcome.INFO, _cite(a, "line status", status)
                              + ("; switched off or out of reach for now" if status == "unreachable" else "")
                              + "; a person decides", Effect.NONE)
    return _none(a, f"line status {status!r} not understood" if status else "no line status in the answer")


def _identity(a: CarrierAnswer) -> CarrierVerdict:
    first, last = (a.first_name_match or "").lower(), (a.last_name_match or "").lower()
    if first in _MISMATCHES and last in _MISMATCHES:
        return CarrierVerdict(Outcome.PASS, _cite(a, "identity match", f"first name {first}, last name {last}")
                              + "; the number belongs to someone else", Effect.APPROVES)
    if first in _MATCHES and last in _MATCHES:
        return CarrierVerdict(Outcome.WARN, _cite(a, "identity match", f"first name {first}, last name {last}")
                              + "; the number belongs to the lead's person, which contradicts the claim",
                              Effect.AGAINST)
    if first or last:
        return CarrierVerdict(Outcome.INFO, _cite(a, "identity match",
                                                  f"first name {first or 'not given'}, last name {last or 'not given'}")
                              + "; a person decides", Effect.NONE)
    return _none(a, "no identity match in the answer")


def _caller(a: CarrierAnswer) -> CarrierVerdict:
    kind = (a.caller_type or "").strip().upper()
    name = (a.caller_name or "").strip()
    if kind == "BUSINESS":
        shown = f"BUSINESS ({name})" if name else "BUSINESS"
        return CarrierVerdict(Outcome.WARN, _cite(a, "caller type", shown) + "; a person decides", Effect.SHOWN)
    if kind or name:
        shown = f"{kind or 'not given'}" + (f" ({name})" if name else "")
        return CarrierVerdict(Outcome.INFO, _cite(a, "caller type", shown) + "; a person decides", Effect.NONE)
    return _none(a, "no caller name in the answer")
