"""Business calendar and reporting windows.

Nothing here reads the clock: every instant comes from the caller. Naive
datetimes are read as wall-clock times in the policy timezone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from .terms import DEFAULT_HOLIDAYS, DEFAULT_TIMEZONE, INBOUND_BUSINESS_DAYS, STANDARD_CALENDAR_DAYS

END_OF_DAY = time(23, 59, 59)


class LeadType(StrEnum):
    INBOUND_CALL = "inbound_call"
    STANDARD = "standard"


def parse_lead_type(value: LeadType | str) -> LeadType:
    """LeadType from a code (surrounding space and case ignored); ValueError if unknown."""
    if isinstance(value, LeadType):
        return value
    try:
        return LeadType(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(t.value for t in LeadType)
        raise ValueError(f"Unknown lead type {value!r} (expected one of: {allowed})") from None


@dataclass(frozen=True)
class PolicyCalendar:
    tz: ZoneInfo
    holidays: holidays.HolidayBase

    def is_business_day(self, d: date) -> bool:
        """Monday to Friday and not a holiday (observed dates included when the calendar has them)."""
        if isinstance(d, datetime):
            d = d.date()
        return d.weekday() < 5 and d not in self.holidays

    def add_business_days(self, d: date, n: int) -> date:
        """The n-th business day strictly after d (d itself when n == 0)."""
        if n < 0:
            raise ValueError("add_business_days needs n >= 0")
        if isinstance(d, datetime):
            d = d.date()
        current = d
        remaining = n
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_business_day(current):
                remaining -= 1
        return current

    def aware(self, instant: datetime) -> datetime:
        """The instant as an aware datetime; a naive one is read as policy-timezone wall time."""
        if instant.tzinfo is None or instant.tzinfo.utcoffset(instant) is None:
            return instant.replace(tzinfo=self.tz)
        return instant

    def local(self, instant: datetime) -> datetime:
        """The instant expressed in the policy timezone."""
        return self.aware(instant).astimezone(self.tz)

    def local_date(self, instant: datetime) -> date:
        """The calendar date of an instant in the policy timezone."""
        return self.local(instant).date()

    def day_start(self, d: date) -> datetime:
        """Aware start (local midnight) of a policy-timezone date."""
        return datetime.combine(d, time(0, 0), tzinfo=self.tz)

    def end_of_day(self, d: date) -> datetime:
        """Aware 23:59:59 local of a policy-timezone date."""
        return datetime.combine(d, END_OF_DAY, tzinfo=self.tz)

    def business_days_between(self, start: datetime, end: datetime) -> float:
        """Elapsed business time from start to end, in business days.

        Only time falling on business days (in the policy timezone) counts; each
        local day counts in proportion to its real length, so a DST day is still
        one whole day. end before start gives 0.0.
        """
        start_utc = self.aware(start).astimezone(UTC)
        end_utc = self.aware(end).astimezone(UTC)
        if end_utc <= start_utc:
            return 0.0
        total = 0.0
        d = self.local_date(start_utc)
        last = self.local_date(end_utc)
        while d <= last:
            if self.is_business_day(d):
                lo = self.day_start(d).astimezone(UTC)
                hi = self.day_start(d + timedelta(days=1)).astimezone(UTC)
                overlap = (min(hi, end_utc) - max(lo, start_utc)).total_seconds()
                if overlap > 0:
                    total += overlap / (hi - lo).total_seconds()
            d += timedelta(days=1)
        return total


def _build_holidays(spec: str) -> holidays.HolidayBase:
    raw = (spec or "").strip()
    if raw.lower() in ("", "none", "no", "off"):
        return holidays.HolidayBase()
    key = raw.upper()
    if key in holidays.list_supported_financial():
        return holidays.financial_holidays(key)
    country, sep, subdiv = key.replace(":", "-").partition("-")
    country = country.strip()
    subdiv = subdiv.strip() if sep else ""
    if sep and not subdiv:
        raise ValueError(f"Unknown holiday calendar {spec!r}: missing subdivision after {country!r}")
    try:
        return holidays.country_holidays(country, subdiv=subdiv or None)
    except NotImplementedError as exc:
        raise ValueError(
            f"Unknown holiday calendar {spec!r} ({exc}): expected a country code like 'US', a country and "
            f"subdivision like 'US-NY', a financial market like 'NYSE', or 'none'"
        ) from None
    except (ValueError, KeyError) as exc:
        raise ValueError(f"Unknown holiday calendar {spec!r}: {exc}") from None


def make_calendar(timezone: str = DEFAULT_TIMEZONE, holidays_spec: str = DEFAULT_HOLIDAYS) -> PolicyCalendar:
    """Build the policy calendar.

    holidays_spec: "US" (federal, with observed dates), "US-NY" or "US:NY"
    (country + subdivision), a financial market such as "NYSE", or "" / "none".
    Raises ValueError for an unknown timezone or calendar. The holiday object
    expands lazily, so any year can be asked.
    """
    name = (timezone or "").strip()
    if not name:
        raise ValueError("Unknown timezone '': POLICY_TIMEZONE must be an IANA name like America/New_York")
    try:
        tz = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"Unknown timezone {timezone!r}: POLICY_TIMEZONE must be an IANA name like America/New_York"
        ) from None
    return PolicyCalendar(tz=tz, holidays=_build_holidays(holidays_spec))


def reporting_deadline(lead_type: LeadType | str, received_at: datetime, cal: PolicyCalendar, *,
                       inbound_days: int | None = None, standard_days: int | None = None) -> datetime:
    """The last second a credit may be requested, as an aware datetime in cal.tz.

    inbound_call: end of the 5th business day after the day of receipt.
    standard: end of the 8th calendar day after the day of receipt.
    A client's contract may set other day counts (``inbound_days``, ``standard_days``);
    the same rules apply. The day of receipt is taken in the policy timezone.
    """
    kind = parse_lead_type(lead_type)
    received_day = cal.local_date(received_at)
    if kind is LeadType.INBOUND_CALL:
        last_day = cal.add_business_days(received_day, INBOUND_BUSINESS_DAYS if inbound_days is None else inbound_days)
    else:
        last_day = received_day + timedelta(days=STANDARD_CALENDAR_DAYS if standard_days is None else standard_days)
    return cal.end_of_day(last_day)


def within_window(requested_at: datetime, deadline: datetime) -> bool:
    """True when requested_at is no later than the deadline's second (instants compared).

    A naive requested_at is read in the deadline's timezone.
    """
    if requested_at.tzinfo is None and deadline.tzinfo is not None:
        requested_at = requested_at.replace(tzinfo=deadline.tzinfo)
    limit = deadline.replace(microsecond=0) + timedelta(seconds=1)
    if requested_at.tzinfo is None or limit.tzinfo is None:
        return requested_at < limit
    return requested_at.astimezone(UTC) < limit.astimezone(UTC)


def window_description(lead_type: LeadType | str, *, inbound_days: int | None = None,
                       standard_days: int | None = None) -> str:
    """Plain words for a lead type's window, e.g. 'inbound call: 5 business days'."""
    kind = parse_lead_type(lead_type)
    if kind is LeadType.INBOUND_CALL:
        days = INBOUND_BUSINESS_DAYS if inbound_days is None else inbound_days
        return f"inbound call: {days} business day{'s' if days != 1 else ''}"
    days = STANDARD_CALENDAR_DAYS if standard_days is None else standard_days
    return f"standard lead: {days} day{'s' if days != 1 else ''}"
