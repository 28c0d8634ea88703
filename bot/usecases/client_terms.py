"""A client's contract terms from the clients CSV's optional columns: window overrides
(``inbound_call_days``, ``standard_days``), a monthly cap on credits
(``monthly_cap_percent``) and whether the policy may approve on its own
(``auto_approve``). An empty cell keeps the policy's default."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from policy.terms import MAX_WINDOW_DAYS

TERM_COLUMNS = ("inbound_call_days", "standard_days", "monthly_cap_percent", "auto_approve")
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


class TermsError(ValueError):
    """A malformed terms value (the message names the column and the value)."""


def _days(name: str, raw: str) -> int | None:
    if not raw:
        return None
    text = raw.strip()
    if text.endswith(".0"):
        text = text[:-2]  # a spreadsheet's number
    if not text.isdigit() or int(text) > MAX_WINDOW_DAYS:
        raise TermsError(f"{name} {raw!r} is not a number of days (0 to {MAX_WINDOW_DAYS})")
    return int(text)


def _percent(raw: str) -> Decimal | None:
    if not raw:
        return None
    text = raw.strip().removesuffix("%").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value > 100:
        raise TermsError(f"monthly_cap_percent {raw!r} is not a percentage (0 to 100)")
    return value.quantize(Decimal("0.01"))


def _flag(raw: str) -> bool | None:
    if not raw:
        return None
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise TermsError(f"auto_approve {raw!r} is not true or false")


def parse_terms(cells: dict[str, str]) -> dict:
    """The stored values of the terms columns (missing columns read as empty). Raises TermsError."""
    return {
        "inbound_call_days": _days("inbound_call_days", cells.get("inbound_call_days", "")),
        "standard_days": _days("standard_days", cells.get("standard_days", "")),
        "monthly_cap_percent": _percent(cells.get("monthly_cap_percent", "")),
        "auto_approve": _flag(cells.get("auto_approve", "")),
    }
