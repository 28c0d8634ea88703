"""The policy engine: one credit request in, one verdict plus findings out.

Pure: no clock, no database, no network. Callers pass the lead, the request
(with its requested_at), the policy calendar, the client's service area and
the client's earlier deliveries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .carrier import CarrierAnswer, judge_answer
from .clock_face import clock_time
from .duplicate_leads import DUPLICATE_WINDOW, PriorLead, find_duplicate
from .phone import PhoneCheck, check_phone, describe_line_type, display_phone
from .reasons import CATALOG, Reason, ReasonInfo, parse_reason
from .service_area import AreaCheck, ServiceArea, check_service_area
from .spreadsheet import caveats, lead_data
from .strength import contradicted, strong_evidence
from .terms import CapUsage, ClientTerms
from .verdicts import CHECK_ORDER, Check, Decision, Outcome, UnknownReason
from .windows import PolicyCalendar, reporting_deadline, window_description, within_window
from .wording import Hint, unread_sentences, wording_hints
from .wording_quote import hints_detail

__all__ = ["CHECK_ORDER", "Check", "Decision", "LeadFacts", "Outcome", "RequestFacts", "UnknownReason",
           "Verdict", "evaluate"]


@dataclass(frozen=True)
class LeadFacts:
    lead_id: str
    client_id: str
    lead_type: str
    category: str
    received_at: datetime
    phone: str | None = None
    email: str | None = None
    zip: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    street: str | None = None
    city: str | None = None
    state: str | None = None
    phone_quality: str | None = None  # policy.spreadsheet: None (as delivered), "repaired", "unreadable"
    zip_quality: str | None = None


@dataclass(frozen=True)
class RequestFacts:
    reason: str
    details: str
    requested_at: datetime


@dataclass(frozen=True)
class Finding:
    check: str
    outcome: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"check": str(self.check), "outcome": str(self.outcome), "detail": self.detail}


@dataclass(frozen=True)
class Verdict:
    verdict: str
    deadline: datetime
    findings: tuple[Finding, ...]
    deny_reason: Reason | None
    evidence: dict[str, Any] = field(default_factory=dict)

    def finding(self, check: str) -> Finding | None:
        """The finding for one check, or None."""
        return next((f for f in self.findings if f.check == check), None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "verdict": str(self.verdict),
            "deadline": self.deadline.isoformat(timespec="seconds"),
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.verdict == Decision.DENY:
            out["deny_reason"] = str(self.deny_reason) if self.deny_reason is not None else None
        return out


def _when(instant: datetime, cal: PolicyCalendar) -> str:
    return clock_time(cal.local(instant), cal.tz)


def _window_finding(lead: LeadFacts, requested: datetime, deadline: datetime, cal: PolicyCalendar,
                    terms: ClientTerms) -> Finding:
    when = _when(requested, cal)
    ends = _when(deadline, cal)
    kind = window_description(lead.lead_type, inbound_days=terms.inbound_call_days,
                              standard_days=terms.standard_days)
    if terms.inbound_call_days is not None or terms.standard_days is not None:
        kind += " under the client's contract"
    if within_window(requested, deadline):
        return Finding(
            Check.WINDOW, Outcome.PASS, f"Reported {when}, inside the window ending {ends} ({kind})"
        )
    return Finding(
        Check.WINDOW,
        Outcome.FAIL,
        f"Reported {when}, after the window ended {ends} ({kind}); late reports are not creditable",
    )


def _reason_finding(info: ReasonInfo) -> Finding:
    if info.creditable:
        return Finding(Check.REASON, Outcome.PASS, f"{info.label} is a creditable reason: {info.rule}")
    return Finding(Check.REASON, Outcome.FAIL, f"{info.label} is not a creditable reason: {info.rule}")


def _notes_finding(details: str) -> Finding:
    if not details:
        return Finding(
            Check.NOTES,
            Outcome.FAIL,
            "No details were given; a request must say why the lead qualifies for credit",
        )
    words = len(details.split())
    return Finding(Check.NOTES, Outcome.PASS, f"Details given ({words} word{'s' if words != 1 else ''})")


def _phone_finding(raw: str | None, pc: PhoneCheck, claimed: Reason) -> Finding:
    about_claim = claimed is Reason.INVALID_NUMBER
    if not pc.raw:
        text = "The lead has no phone number"
    elif pc.e164 is None:
        text = f"{pc.raw!r} cannot be read as a phone number"
    elif pc.valid:
        where = f"{pc.region} " if pc.region else ""
        text = f"{display_phone(raw)} is a valid {where}number ({describe_line_type(pc.line_type)})"
    elif not pc.possible:
        text = f"{display_phone(raw)} is not a valid phone number (wrong length)"
    else:
        text = f"{display_phone(raw)} is not a valid phone number (no such area code or exchange)"
    if not about_claim:
        return Finding(Check.PHONE, Outcome.INFO, text)
    if pc.valid:
        return Finding(
            Check.PHONE,
            Outcome.WARN,
            f"{text}; a valid number may still be disconnected, so a person must dial it to confirm",
        )
    return Finding(Check.PHONE, Outcome.PASS, text)


def _duplicate_finding(
    lead: LeadFacts, prior: PriorLead | None, claimed: Reason, cal: PolicyCalendar
) -> Finding:
    about_claim = claimed is Reason.DUPLICATE_LEAD
    if prior is not None:
        prior_day = cal.local_date(prior.received_at)
        days = (cal.local_date(lead.received_at) - prior_day).days
        ago = "earlier the same day" if days == 0 else f"{days} day{'s' if days != 1 else ''} before"
        text = f"Same contact delivered as lead {prior.lead_id} on {prior_day.isoformat()} ({ago})"
        return Finding(Check.DUPLICATE, Outcome.PASS if about_claim else Outcome.INFO, text)
    text = (
        f"No earlier delivery of this contact to this client in category {lead.category.strip()!r} "
        f"within the {DUPLICATE_WINDOW.days} days before this lead"
    )
    return Finding(Check.DUPLICATE, Outcome.WARN if about_claim else Outcome.INFO, text)


def _area_finding(ac: AreaCheck, claimed: Reason) -> Finding:
    if claimed is not Reason.OUT_OF_SERVICE_AREA:
        return Finding(Check.SERVICE_AREA, Outcome.INFO, ac.detail)
    return Finding(Check.SERVICE_AREA, Outcome.PASS if ac.outside is True else Outcome.WARN, ac.detail)


def _details_finding(details: str, hints: list[Hint]) -> Finding:
    if hints:
        return Finding(Check.DETAILS, Outcome.WARN, hints_detail(hints, lambda reason: CATALOG[reason].label))
    if not details:
        return Finding(Check.DETAILS, Outcome.INFO, "No details to read")
    return Finding(Check.DETAILS, Outcome.PASS, "No wording that reads like a non-creditable reason")


def _caveat(f: Finding, note: str | None) -> Finding:
    """Evidence resting on a repaired or unreadable value (policy.spreadsheet): said so, never a pass."""
    outcome = Outcome.WARN if f.outcome == Outcome.PASS else f.outcome
    return f if note is None else Finding(f.check, outcome, f"{f.detail}; {note}")


def _cap_finding(usage: CapUsage, cap_percent, past: bool) -> Finding:
    if past:
        return Finding(Check.CAP, Outcome.WARN,
                       f"{usage.words(cap_percent)}; one more credit would pass the cap, so a person decides")
    return Finding(Check.CAP, Outcome.PASS, usage.words(cap_percent))


def evaluate(
    lead: LeadFacts,
    request: RequestFacts,
    *,
    calendar: PolicyCalendar,
    area: ServiceArea,
    priors: Iterable[PriorLead] = (),
    terms: ClientTerms | None = None,
    cap: CapUsage | None = None,
    carrier: CarrierAnswer | None = None,
    deny_contradicted: bool = False,
) -> Verdict:
    """Check a credit request against the policy (and the client's contract ``terms``, with
    ``cap``: this month's credited and delivered leads; ``carrier``: what a carrier said about
    the number; ``deny_contradicted``: AUTO_DENY_CONTRADICTED). Raises UnknownReason for an
    unknown code."""
    terms = terms or ClientTerms()
    claimed = parse_reason(str(request.reason))
    if claimed is None:
        raise UnknownReason(f"Unknown reason code {request.reason!r}")
    info = CATALOG[claimed]
    cal = calendar
    requested = cal.aware(request.requested_at)
    deadline = reporting_deadline(lead.lead_type, lead.received_at, cal, inbound_days=terms.inbound_call_days,
                                  standard_days=terms.standard_days)
    details = (request.details or "").strip()

    in_window = within_window(requested, deadline)
    data = lead_data(lead.phone, lead.phone_quality, lead.zip, lead.zip_quality)
    pc = data.phone_check() if data.phone_quality else check_phone(lead.phone)
    prior = find_duplicate(lead, priors, tz=cal.tz)
    ac = check_service_area(data.zip, area)
    hints = wording_hints(details)
    notes = caveats(data, prior, lead.email)

    findings = (
        _window_finding(lead, requested, deadline, cal, terms),
        _reason_finding(info),
        _notes_finding(details),
        _caveat(_phone_finding(pc.raw, pc, claimed), notes.get(Check.PHONE)),
        _caveat(_duplicate_finding(lead, prior, claimed, cal), notes.get(Check.DUPLICATE)),
        _caveat(_area_finding(ac, claimed), notes.get(Check.SERVICE_AREA)),
        _details_finding(details, hints),
    )
    line = judge_answer(claimed, carrier) if carrier is not None else None
    if line is not None:
        findings = (*findings, _caveat(Finding(Check.PHONE_LINE, line.outcome, line.detail), notes.get(Check.PHONE)))
    unread = unread_sentences(details)
    if unread:  # a language the check does not read: never part of an automatic approval
        findings = (*findings, Finding(Check.DETAILS, Outcome.INFO, (
            f"{len(unread)} sentence{'s' if len(unread) != 1 else ''} in a language the wording check does not "
            f"read (it reads English and Spanish), so a person reads them: \"{unread[0][:120]}\"")))

    deny_reason: Reason | None = None
    if not in_window:
        deny_reason = Reason.LATE_REPORT
    elif not info.creditable:
        deny_reason = claimed
    elif not details:
        deny_reason = Reason.NO_NOTES
    elif deny_contradicted and not hints and contradicted(claimed, lead, data, prior, ac, notes, line, carrier):
        deny_reason = Reason.CONTRADICTING_INFO

    if deny_reason is not None:
        decision = Decision.DENY
    elif not hints and not unread and strong_evidence(claimed, pc, prior, ac, notes, line):
        decision = Decision.APPROVE
    else:
        decision = Decision.REVIEW

    if terms.monthly_cap_percent is not None and cap is not None:
        past = cap.past_cap_with_one_more(terms.monthly_cap_percent)
        findings = (*findings, _cap_finding(cap, terms.monthly_cap_percent, past))
        if past and decision == Decision.APPROVE:
            decision = Decision.REVIEW

    evidence: dict[str, Any] = {
        "phone_valid": pc.valid,
        "phone_e164": pc.e164,
        "phone_line_type": pc.line_type,
        "duplicate_of": prior.lead_id if prior is not None else None,
        "distance_miles": round(ac.distance_miles, 1) if ac.distance_miles is not None else None,
        "area_outside": ac.outside,
        "area_matched": ac.matched,
        "wording_hints": [str(h.reason) for h in hints],
        "wording_phrases": [h.phrase for h in hints],
        "wording_rules": [h.rule for h in hints],
        "phone_quality": data.phone_quality, "zip_quality": data.zip_quality,
    }
    if carrier is not None:
        evidence["phone_line"] = {"provider": carrier.provider, "fields": list(carrier.fields),
                                  "answered": str(carrier.answered), "line_status": carrier.line_status,
                                  "valid": carrier.valid, "caller_type": carrier.caller_type,
                                  "effect": str(line.effect) if line else None}
    return Verdict(verdict=decision, deadline=deadline, findings=findings, deny_reason=deny_reason,
                   evidence=evidence)
