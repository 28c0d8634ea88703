"""Run the policy engine for a lead stored in the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.facts import lead_facts, priors_for, service_area
from policy.engine import RequestFacts, UnknownReason, Verdict, evaluate
from policy.reasons import parse_reason
from policy.windows import PolicyCalendar
from storage.models import Client, Lead


class UnknownLead(LookupError):
    def __init__(self, lead_id: str):
        super().__init__(f"unknown lead id {lead_id!r}")
        self.lead_id = lead_id


def check_lead(
    session: Session, calendar: PolicyCalendar, *, lead_id: str, reason: str, details: str,
    requested_at: datetime,
) -> Verdict:
    """The verdict for a request on ``lead_id``; raises UnknownLead / UnknownReason."""
    code = parse_reason(reason)
    if code is None:
        raise UnknownReason(f"unknown reason code {reason!r}")
    lead = session.get(Lead, lead_id.strip())
    if lead is None:
        raise UnknownLead(lead_id)
    return check_stored_lead(session, calendar, lead, code, details, requested_at)


def check_stored_lead(
    session: Session, calendar: PolicyCalendar, lead: Lead, reason: str, details: str,
    requested_at: datetime,
) -> Verdict:
    client = session.get(Client, lead.client_id)
    return evaluate(
        lead_facts(lead),
        RequestFacts(reason=str(reason), details=details or "", requested_at=requested_at),
        calendar=calendar,
        area=service_area(client),
        priors=priors_for(session, lead),
    )
