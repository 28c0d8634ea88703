"""Duplicate detection: the same contact delivered to the same client in the
same task category within the 30 days before this lead."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

from .phone import normalize_email, normalize_phone
from .spreadsheet import UNREADABLE, read_phone
from .terms import DEFAULT_TIMEZONE, DUPLICATE_WINDOW


class LeadFacts(Protocol):
    """What a duplicate check reads of a lead (``policy.engine.LeadFacts`` has it)."""

    lead_id: str
    client_id: str
    category: str
    received_at: datetime
    phone: str | None
    email: str | None

DEFAULT_TZ = ZoneInfo(DEFAULT_TIMEZONE)


@dataclass(frozen=True)
class PriorLead:
    lead_id: str
    client_id: str
    category: str
    received_at: datetime
    phone_e164: str | None
    email: str | None
    phone_quality: str | None = None  # policy.spreadsheet: None, "repaired" or "unreadable"


def _aware(instant: datetime, tz: tzinfo) -> datetime:
    if instant.tzinfo is None or instant.tzinfo.utcoffset(instant) is None:
        return instant.replace(tzinfo=tz)
    return instant


def _key(text: str | None) -> str:
    return (text or "").strip().casefold()


def lead_e164(phone: str | None, quality: str | None = None) -> str | None:
    """A lead's phone cell as E.164: spreadsheet notation read back; None when it is empty,
    cannot be parsed, or lost digits in a spreadsheet (policy.spreadsheet)."""
    text = (phone or "").strip()
    return read_phone(text).e164 if text and quality != UNREADABLE else None


def same_contact(lead_phone: str | None, lead_email: str | None, prior: PriorLead) -> bool:
    """Phone equal as E.164, or email equal case-insensitively; empty or unparseable values match nothing."""
    return _matches(lead_e164(lead_phone), normalize_email(lead_email), prior)


def _matches(phone: str | None, email: str | None, prior: PriorLead) -> bool:
    if phone is not None and normalize_phone(prior.phone_e164) == phone:
        return True
    return email is not None and normalize_email(prior.email) == email


def find_duplicate(
    lead: LeadFacts, priors: Iterable[PriorLead], *, tz: tzinfo | None = None
) -> PriorLead | None:
    """The most recent prior delivery that makes this lead a duplicate, or None.

    A prior counts when it has the same client, the same category (stripped,
    case-insensitive), the same contact, a different lead id, and was received
    in the 30 days before this lead: lead - 30 days <= prior < lead. Naive
    datetimes are read in `tz` (default America/New_York, the policy default).
    """
    zone = tz or DEFAULT_TZ
    received = _aware(lead.received_at, zone)
    earliest = received - DUPLICATE_WINDOW
    client = (lead.client_id or "").strip()
    category = _key(lead.category)
    phone = lead_e164(lead.phone, getattr(lead, "phone_quality", None))
    email = normalize_email(lead.email)
    if phone is None and email is None:
        return None
    best: PriorLead | None = None
    best_at: datetime | None = None
    for prior in priors:
        if prior.lead_id == lead.lead_id:
            continue
        if (prior.client_id or "").strip() != client or _key(prior.category) != category:
            continue
        at = _aware(prior.received_at, zone)
        if not (earliest <= at < received):
            continue
        if not _matches(phone, email, prior):
            continue
        if best_at is None or at > best_at:
            best, best_at = prior, at
    return best
