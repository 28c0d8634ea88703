"""Shared facts for the engine tests: one lead, one area, one prior delivery."""

from datetime import datetime
from zoneinfo import ZoneInfo

from policy.duplicate_leads import PriorLead
from policy.engine import LeadFacts, Verdict
from policy.service_area import parse_area

NY = ZoneInfo("America/New_York")
RECEIVED = datetime(2026, 7, 1, 10, 0, tzinfo=NY)  # Wed; inbound deadline Thu 07-09 23:59:59
INSIDE = datetime(2026, 7, 6, 14, 0, tzinfo=NY)
LAST_SECOND = datetime(2026, 7, 9, 23, 59, 59, tzinfo=NY)
LATE = datetime(2026, 7, 10, 0, 0, 0, tzinfo=NY)

LEAD = LeadFacts(
    lead_id="L-200",
    client_id="C1",
    lead_type="inbound_call",
    category="Roofing",
    received_at=RECEIVED,
    phone="(212) 555-0123",
    email="pat@example.com",
    zip="07030",
    first_name="Pat",
    last_name="Lee",
)
AREA = parse_area("", "", "10001", "25")
PRIOR = PriorLead("L-100", "C1", "roofing", datetime(2026, 6, 19, 9, 0, tzinfo=NY), "+12125550123", None)


def outcomes(v: Verdict) -> dict[str, str]:
    return {f.check: f.outcome for f in v.findings}
