"""Phone and email normalisation and phone validity (libphonenumber)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType


@dataclass(frozen=True)
class PhoneCheck:
    raw: str
    e164: str | None
    possible: bool
    valid: bool
    line_type: str | None
    region: str | None


# A plain North American number written with only digits and the usual
# punctuation: 10 digits with a 2-9 area code, optionally preceded by "1" or "+1".
# For these, libphonenumber's parse gives "+1" + the 10 digits; the shortcut
# keeps million-row imports fast. Anything else goes through phonenumbers.
_NANP_PLAIN = re.compile(r"^\s*(\+?)[\s().-]*((?:1[\s().-]*)?)([2-9](?:[\s().-]*\d){9})[\s().-]*$")
_NON_DIGITS = re.compile(r"\D")
_NANP_REGIONS = frozenset({"US", "CA"})


def _fast_nanp(raw: str, default_region: str) -> str | None:
    if default_region not in _NANP_REGIONS:
        return None
    m = _NANP_PLAIN.match(raw)
    if m is None:
        return None
    plus, trunk, rest = m.groups()
    if plus and not trunk:
        return None  # "+212..." would be a different country code
    return "+1" + _NON_DIGITS.sub("", rest)


def _parse(raw: str, default_region: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(raw, default_region)
    except NumberParseException:
        return None
    except Exception:  # pragma: no cover - defensive: never raise on user input
        return None


@lru_cache(maxsize=200_000)
def _normalize_cached(raw: str, default_region: str) -> str | None:
    fast = _fast_nanp(raw, default_region)
    if fast is not None:
        return fast
    number = _parse(raw, default_region)
    if number is None:
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def normalize_phone(raw: str | None, default_region: str = "US") -> str | None:
    """E.164 for anything phonenumbers can parse (valid or not), else None."""
    if raw is None:
        return None
    text = str(raw).strip()
    if not text:
        return None
    return _normalize_cached(text, (default_region or "US").upper())


def normalize_email(raw: str | None) -> str | None:
    """Stripped and lower-cased; None when empty or blank."""
    if raw is None:
        return None
    text = str(raw).strip().lower()
    return text or None


def _line_type_name(number: phonenumbers.PhoneNumber) -> str:
    kind = phonenumbers.number_type(number)
    name = PhoneNumberType.to_string(kind)
    return (name or "unknown").lower()


def check_phone(raw: str | None, default_region: str = "US") -> PhoneCheck:
    """Parse and validate a phone number. Never raises.

    line_type is the lower-case libphonenumber type name ("mobile",
    "fixed_line_or_mobile", "toll_free", "unknown", ...), None when the text
    cannot be parsed at all.
    """
    text = "" if raw is None else str(raw).strip()
    region_default = (default_region or "US").upper()
    number = _parse(text, region_default) if text else None
    if number is None:
        return PhoneCheck(raw=text, e164=None, possible=False, valid=False, line_type=None, region=None)
    try:
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        possible = phonenumbers.is_possible_number(number)
        valid = phonenumbers.is_valid_number(number)
        line_type = _line_type_name(number)
        region = phonenumbers.region_code_for_number(number)
    except Exception:  # pragma: no cover - defensive
        return PhoneCheck(raw=text, e164=None, possible=False, valid=False, line_type=None, region=None)
    return PhoneCheck(
        raw=text,
        e164=e164,
        possible=bool(possible),
        valid=bool(valid),
        line_type=line_type,
        region=region or None,
    )


def display_phone(raw: str | None, default_region: str = "US") -> str:
    """A readable form: national format for valid numbers of the default region,
    international for other valid numbers, the text as given when it is not a valid
    number, "(none)" when empty."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return "(none)"
    region_default = (default_region or "US").upper()
    number = _parse(text, region_default)
    if number is None:
        return text
    try:
        if not phonenumbers.is_valid_number(number):
            return text
        region = phonenumbers.region_code_for_number(number)
        if region == region_default or (
            region is None and number.country_code == phonenumbers.country_code_for_region(region_default)
        ):
            return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    except Exception:  # pragma: no cover - defensive
        return text


def describe_line_type(line_type: str | None) -> str:
    """'fixed_line_or_mobile' -> 'fixed line or mobile'."""
    return (line_type or "unknown").replace("_", " ")
