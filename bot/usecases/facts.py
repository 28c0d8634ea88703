"""Turn stored rows into the facts the policy engine reads."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, func, select

from policy.duplicate_leads import DUPLICATE_WINDOW, PriorLead
from policy.engine import LeadFacts
from policy.service_area import ServiceArea, parse_area
from policy.terms import CapUsage, ClientTerms
from policy.windows import PolicyCalendar
from storage.models import Client, Lead, LedgerEntry
from storage.queries import prior_deliveries


def lead_facts(lead: Lead) -> LeadFacts:
    return LeadFacts(
        lead_id=lead.lead_id, client_id=lead.client_id, lead_type=lead.lead_type,
        category=lead.category, received_at=lead.received_at, phone=lead.phone or None,
        email=lead.email or None, zip=lead.zip or None, first_name=lead.first_name or None,
        last_name=lead.last_name or None, street=lead.street or None, city=lead.city or None,
        state=lead.state or None, phone_quality=lead.phone_quality or None,
        zip_quality=lead.zip_quality or None,
    )


def service_area(client: Client | None) -> ServiceArea:
    if client is None:
        return ServiceArea()
    radius = "" if client.radius_miles is None else repr(client.radius_miles)
    return parse_area(client.service_zips, client.service_counties, client.base_zip or "", radius)


def priors_for(session, lead: Lead) -> list[PriorLead]:
    rows = prior_deliveries(
        session, client_id=lead.client_id, category_key=lead.category_key,
        phone_e164=lead.phone_e164, email_key=lead.email_key,
        since=lead.received_at - DUPLICATE_WINDOW, before=lead.received_at,
        exclude_lead_id=lead.lead_id,
    )
    return [
        PriorLead(lead_id=r.lead_id, client_id=r.client_id, category=r.category,
                  received_at=r.received_at, phone_e164=r.phone_e164, email=r.email_key,
                  phone_quality=r.phone_quality or None)
        for r in rows
    ]


def client_terms(client: Client | None) -> ClientTerms:
    if client is None:
        return ClientTerms()
    return ClientTerms(inbound_call_days=client.inbound_call_days, standard_days=client.standard_days,
                       monthly_cap_percent=client.monthly_cap_percent, auto_approve=client.auto_approve)


def month_of(at: datetime, calendar: PolicyCalendar) -> tuple[datetime, datetime]:
    """The calendar month (policy time zone) holding ``at``, as [start, end)."""
    first = calendar.local_date(at).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return calendar.day_start(first), calendar.day_start(following)


def cap_usage(session, client_id: str, at: datetime, calendar: PolicyCalendar) -> CapUsage:
    """Leads credited (credits less reversals in the ledger) and leads delivered to the client
    in the calendar month of ``at``."""
    start, end = month_of(at, calendar)
    credited = session.scalar(
        select(func.coalesce(func.sum(case((LedgerEntry.kind == "credit", 1), else_=-1)), 0))
        .where(LedgerEntry.client_id == client_id, LedgerEntry.at >= start, LedgerEntry.at < end))
    delivered = session.scalar(select(func.count()).select_from(Lead).where(
        Lead.client_id == client_id, Lead.received_at >= start, Lead.received_at < end))
    return CapUsage(credited=max(int(credited or 0), 0), delivered=int(delivered or 0))
