"""The Lead Credit Policy as pure code.

No I/O beyond the packaged zipcodes / holidays / phonenumbers data, no clock
(callers pass `requested_at` / `now`), and no imports from the rest of the
project.
"""

from .duplicate_leads import DUPLICATE_WINDOW, PriorLead, find_duplicate
from .engine import (
    Check,
    Decision,
    Finding,
    LeadFacts,
    Outcome,
    RequestFacts,
    UnknownReason,
    Verdict,
    evaluate,
)
from .phone import PhoneCheck, check_phone, normalize_email, normalize_phone
from .reasons import CATALOG, CREDITABLE, NON_CREDITABLE, Reason, ReasonInfo, parse_reason
from .service_area import (
    AreaCheck,
    ServiceArea,
    ZipInfo,
    check_service_area,
    distance_miles,
    lookup_zip,
    parse_area,
)
from .windows import (
    LeadType,
    PolicyCalendar,
    make_calendar,
    reporting_deadline,
    within_window,
)
from .wording import non_creditable_hints

__all__ = [
    "CATALOG",
    "CREDITABLE",
    "DUPLICATE_WINDOW",
    "NON_CREDITABLE",
    "AreaCheck",
    "Check",
    "Decision",
    "Finding",
    "LeadFacts",
    "LeadType",
    "Outcome",
    "PhoneCheck",
    "PolicyCalendar",
    "PriorLead",
    "Reason",
    "ReasonInfo",
    "RequestFacts",
    "ServiceArea",
    "UnknownReason",
    "Verdict",
    "ZipInfo",
    "check_phone",
    "check_service_area",
    "distance_miles",
    "evaluate",
    "find_duplicate",
    "lookup_zip",
    "make_calendar",
    "non_creditable_hints",
    "normalize_email",
    "normalize_phone",
    "parse_area",
    "parse_reason",
    "reporting_deadline",
    "within_window",
]
