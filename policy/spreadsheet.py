"""Values a spreadsheet rewrote before a file reached us, read back when nothing was lost.

A spreadsheet that takes a phone for a number writes it back as ``3125550101.0`` or in
exponent notation (``6.175550113E+09``); one that takes a zip for a number drops its leading
zero (``02134`` becomes ``2134``). These functions say what the value was, and whether
digits were lost on the way. A value read back is *repaired*; one whose digits are gone is
*unreadable*. Neither is strong evidence for a claim (see ``policy.engine``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .phone import PhoneCheck, check_phone, normalize_email, normalize_phone

REPAIRED = "repaired"      # read back from spreadsheet notation, or padded
UNREADABLE = "unreadable"  # a spreadsheet lost digits: the value cannot be known
QUALITIES = (REPAIRED, UNREADABLE)

# digits, an optional fraction, an optional exponent: what a spreadsheet writes for a number
_NUMBER = re.compile(r"(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?")
_MAX_DIGITS = 20  # longer than any phone number (E.164 has at most 15 digits)


@dataclass(frozen=True)
class SpreadsheetNumber:
    """A cell in spreadsheet number notation: ``digits`` is the integer it spells when every
    digit is there (None when digits were lost, or it is no integer at all)."""

    text: str
    digits: str | None

    @property
    def lost_digits(self) -> bool:
        return self.digits is None


def spreadsheet_number(text: str) -> SpreadsheetNumber | None:
    """The integer a spreadsheet's number notation spells, or None when ``text`` is not in
    that notation (plain digits, or anything else: read those as they are).

    ``3125550101.0`` and ``3125550101.00`` are 3125550101; ``6.175550113E+09`` is 6175550113
    because the mantissa has the ten digits the integer needs; ``6.18E+09`` lost digits (three
    significant digits for a ten-digit integer). ``555.0123`` (a fraction that is not zeros,
    no exponent) is not spreadsheet notation: it is how some people write a phone."""
    m = _NUMBER.fullmatch(text)
    if m is None:
        return None
    whole, fraction, exponent = m.groups()
    if exponent is None:
        if fraction is None or fraction.strip("0"):
            return None
        return SpreadsheetNumber(text, whole.lstrip("0") or "0")
    fraction = fraction or ""
    power = int(exponent)
    mantissa = (whole + fraction).lstrip("0")
    if not mantissa:
        return SpreadsheetNumber(text, "0")
    shift = power - len(fraction)  # the value is int(whole + fraction) * 10**shift
    if shift < 0:
        kept = mantissa[:shift]
        if mantissa[shift:].strip("0") or not kept:
            return SpreadsheetNumber(text, None)  # not an integer: not a phone or a zip
        mantissa, shift = kept, 0
    digits = mantissa + "0" * shift
    if len(digits) > _MAX_DIGITS:
        return SpreadsheetNumber(text, None)
    # the significant digits written must cover every digit of the integer
    written = len((whole + fraction).lstrip("0"))
    if written < len(digits):
        return SpreadsheetNumber(text, None)
    return SpreadsheetNumber(text, digits)


@dataclass(frozen=True)
class ZipCell:
    zip: str
    quality: str | None  # None: as delivered
    padded: bool = False


def read_zip(text: str) -> ZipCell:
    """A zip cell as stored. Four digits are a zip that lost its leading zero (``2134`` is
    ``02134``); spreadsheet notation is read back (``2134.0`` is ``02134`` too); five digits,
    ZIP+4 and anything else are kept as delivered."""
    if text.isascii():
        if text.isdigit():
            if len(text) == 4:
                return ZipCell("0" + text, REPAIRED, padded=True)
            return ZipCell(text, None)
        number = spreadsheet_number(text)
        if number is not None and number.digits is not None and len(number.digits) in (4, 5):
            digits = number.digits
            return ZipCell(digits.zfill(5), REPAIRED, padded=len(digits) == 4)
    return ZipCell(text, None)


@dataclass(frozen=True)
class PhoneCell:
    e164: str | None
    quality: str | None  # None: as delivered
    digits: str | None = None  # what a repaired cell was read back as


def read_phone(text: str) -> PhoneCell:
    """A phone cell's E.164 (None when it cannot be read) and quality: spreadsheet notation
    is read back when every digit is there (repaired) and unreadable when digits were lost;
    anything else is normalised as it is."""
    number = spreadsheet_number(text)
    if number is None:
        return PhoneCell(normalize_phone(text), None)
    if number.digits is None:
        return PhoneCell(None, UNREADABLE)
    return PhoneCell(normalize_phone(number.digits), REPAIRED, number.digits)


@dataclass(frozen=True)
class LeadData:
    """A stored lead's phone and zip as the policy reads them, with their quality."""

    phone: str  # the cell as delivered (stripped)
    phone_quality: str | None
    phone_digits: str | None  # what a repaired phone was read back as
    zip: str | None  # padded when a spreadsheet dropped its leading zero
    zip_quality: str | None

    def phone_check(self) -> PhoneCheck:
        if self.phone_quality == UNREADABLE:
            return PhoneCheck(raw=self.phone, e164=None, possible=False, valid=False, line_type=None, region=None)
        return check_phone(self.phone_digits or self.phone)


def lead_data(phone: str | None, phone_quality: str | None, zip_code: str | None,
              zip_quality: str | None) -> LeadData:
    """The values as stored, their quality as stored; a value still in spreadsheet notation
    (a row imported before qualities were kept) is recognised and read back here."""
    text = (phone or "").strip()
    number = spreadsheet_number(text) if text else None
    quality = phone_quality or (None if number is None else UNREADABLE if number.lost_digits else REPAIRED)
    digits = number.digits if number is not None and quality == REPAIRED else None
    zip_cell = read_zip((zip_code or "").strip())
    return LeadData(text, quality, digits, zip_cell.zip or None, zip_quality or zip_cell.quality)


def caveats(data: LeadData, prior, lead_email: str | None) -> dict[str, str]:
    """check -> why its evidence cannot be trusted without a person: the phone or the zip was
    repaired or is unreadable, or the duplicate match (``prior``, a PriorLead) rests only on a
    phone read back from spreadsheet notation, on either side."""
    notes: dict[str, str] = {}
    if data.phone_quality == UNREADABLE:
        notes["phone"] = "it lost digits in a spreadsheet (unreadable); a person must find the real number"
    elif data.phone_quality == REPAIRED:
        notes["phone"] = (f"it was read back from spreadsheet notation ({data.phone}); a person must confirm "
                          "the number")
    if prior is not None and (data.phone_quality == REPAIRED or prior.phone_quality == REPAIRED):
        email = normalize_email(lead_email)
        if email is None or normalize_email(prior.email) != email:
            notes["duplicate"] = "matched on a phone read back from spreadsheet notation; a person must confirm"
    if data.zip_quality is not None and data.zip:
        notes["service_area"] = (f"zip {data.zip} was repaired on import (a spreadsheet had dropped its leading "
                                 "zero or written it as a number); a person must confirm the zip")
    return notes
