"""The policy's numbers, defined once: reporting windows, the duplicate window, the
decision SLA, the policy's default time zone and the limits on what people type.

The engine, the scheduler, every rendered text and the reports read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

# Reporting windows (a client's contract may override the day counts).
INBOUND_BUSINESS_DAYS = 5  # inbound_call leads: end of the 5th business day after receipt
STANDARD_CALENDAR_DAYS = 8  # standard leads: end of the 8th calendar day after receipt

# A duplicate is the same contact delivered within this long before the lead.
DUPLICATE_WINDOW = timedelta(days=30)

# Decisions target 5–7 business days from the request.
SLA_TARGET_DAYS = 5
SLA_LIMIT_DAYS = 7
SLA_REMINDER_DAYS = 3  # reviewers are reminded of a request pending this long
# Notices the SLA clock sends, with the business days pending that trigger each.
SLA_NOTICES = (("reminder", SLA_REMINDER_DAYS), ("escalation", SLA_TARGET_DAYS), ("breach", SLA_LIMIT_DAYS))

DEFAULT_TIMEZONE = "America/New_York"
DEFAULT_HOLIDAYS = "US"

# What people may type: the modal's limits, enforced again on the server.
MAX_TEXT = 3000  # details, notes, questions
MAX_LEAD_ID = 64
MAX_LEADS_PER_FILING = 20
MAX_EVIDENCE_FILES = 5


def sla_range() -> str:
    """'5–7' (the SLA target as people read it)."""
    return f"{SLA_TARGET_DAYS}–{SLA_LIMIT_DAYS}"


def window_words(inbound_days: int = INBOUND_BUSINESS_DAYS, standard_days: int = STANDARD_CALENDAR_DAYS) -> str:
    """The reporting windows in plain words."""
    return (f"{inbound_days} business days for inbound call leads, "
            f"{standard_days} days for standard leads")


@dataclass(frozen=True)
class ClientTerms:
    """A client's contract terms; None keeps the policy's default."""

    inbound_call_days: int | None = None  # reporting window for inbound call leads, business days
    standard_days: int | None = None  # reporting window for standard leads, calendar days
    monthly_cap_percent: Decimal | None = None  # credited ÷ delivered leads in a month, at most
    auto_approve: bool | None = None  # False: the client's approvals go to reviewers

    @property
    def decides_alone(self) -> bool:
        return self.auto_approve is not False


MAX_WINDOW_DAYS = 366


@dataclass(frozen=True)
class CapUsage:
    """Credited and delivered leads of a client in the current calendar month."""

    credited: int
    delivered: int

    def past_cap_with_one_more(self, cap_percent: Decimal) -> bool:
        """Would crediting one more lead this month take the client past its cap?"""
        if self.delivered <= 0:
            return True
        return Decimal(self.credited + 1) * 100 > Decimal(cap_percent) * self.delivered

    def words(self, cap_percent: Decimal) -> str:
        """'4 of 40 delivered leads credited this month: cap 10%'."""
        return (f"{self.credited} of {self.delivered} delivered lead{'s' if self.delivered != 1 else ''} "
                f"credited this month: cap {_percent(cap_percent)}")


def _percent(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}%"
