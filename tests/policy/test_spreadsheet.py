"""Values a spreadsheet rewrote: read back exactly when every digit is there, marked unreadable
when digits were lost, and never the evidence for an automatic approval."""

from dataclasses import replace

import pytest

from policy.duplicate_leads import find_duplicate
from policy.spreadsheet import REPAIRED, UNREADABLE, PhoneCell, read_phone, read_zip, spreadsheet_number
from tests.policy.engine_facts import LEAD, PRIOR, outcomes


@pytest.mark.parametrize(("text", "digits"), [
    ("3125550101.0", "3125550101"),
    ("3125550101.00", "3125550101"),
    ("3125550101.", "3125550101"),
    ("6.175550113E+09", "6175550113"),
    ("6.175550113e9", "6175550113"),
    ("6.175550113E9", "6175550113"),
    ("1.2125550123E+10", "12125550123"),
    ("6.1755501130E+09", "6175550113"),   # a written trailing zero is a digit too
    ("6175550113E0", "6175550113"),
    ("2.134E+03", "2134"),
])
def test_spreadsheet_notation_read_back_exactly(text, digits):
    assert spreadsheet_number(text).digits == digits


@pytest.mark.parametrize("text", [
    "6.18E+09",         # three significant digits for a ten-digit integer
    "6.17555011E+09",   # nine for ten
    "1E+10",
    "6.18E-09",         # not an integer at all
    "6.1755501135E+09",
])
def test_lost_digits_are_unreadable(text):
    number = spreadsheet_number(text)
    assert number is not None and number.lost_digits


@pytest.mark.parametrize("text", [
    "3125550101", "312-555-0101", "(312) 555-0101", "+1 312 555 0101", "312.555.0101", "555.0123",
    "3125550101.5", "n/a", "", "1-800-FLOWERS", "+3125550101.0",
])
def test_other_text_is_not_spreadsheet_notation(text):
    assert spreadsheet_number(text) is None


def test_read_phone():
    assert read_phone("3125550101.0") == PhoneCell("+13125550101", REPAIRED, "3125550101")
    assert (read_phone("6.175550113E+09").e164, read_phone("6.175550113E+09").quality) == ("+16175550113", REPAIRED)
    assert (read_phone("6.18E+09").e164, read_phone("6.18E+09").quality) == (None, UNREADABLE)
    # as delivered: normalised the usual way, no quality
    assert (read_phone("312-555-0101").e164, read_phone("312-555-0101").quality) == ("+13125550101", None)
    assert (read_phone("not a phone").e164, read_phone("not a phone").quality) == (None, None)


@pytest.mark.parametrize(("text", "stored", "quality", "padded"), [
    ("2134", "02134", REPAIRED, True),
    ("2134.0", "02134", REPAIRED, True),
    ("11201.0", "11201", REPAIRED, False),
    ("02134", "02134", None, False),
    ("02134-1234", "02134-1234", None, False),   # ZIP+4 is kept
    ("021341234", "021341234", None, False),
    ("501", "501", None, False),                  # only four digits are a zip that lost its zero
    ("ZZZZZ", "ZZZZZ", None, False),
    ("", "", None, False),
])
def test_read_zip(text, stored, quality, padded):
    cell = read_zip(text)
    assert (cell.zip, cell.quality, cell.padded) == (stored, quality, padded)


# ---- the engine ------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["3125550101.0", "6.175550113E+09", "1234567891.0"])
def test_a_repaired_phone_never_approves_invalid_number(ev, phone):
    for quality in (None, REPAIRED):  # recognised with or without the stored flag
        v = ev("invalid_number", lead=replace(LEAD, phone=phone, phone_quality=quality))
        assert v.verdict == "review"
        assert outcomes(v)["phone"] == "warn"
        detail = v.finding("phone").detail
        assert f"read back from spreadsheet notation ({phone}); a person must confirm" in detail
        assert v.evidence["phone_quality"] == REPAIRED


def test_a_repaired_phone_is_checked_as_read_back(ev):
    v = ev("invalid_number", lead=replace(LEAD, phone="3125550101.0", phone_quality=REPAIRED))
    assert v.finding("phone").detail.startswith("(312) 555-0101 is a valid US number")
    assert (v.evidence["phone_valid"], v.evidence["phone_e164"]) == (True, "+13125550101")
    other = ev("incorrect_contact", "Number belongs to someone else", lead=replace(LEAD, phone="3125550101.0"))
    assert outcomes(other)["phone"] == "info"


def test_an_unreadable_phone_never_counts_as_an_invalid_number(ev):
    v = ev("invalid_number", lead=replace(LEAD, phone="6.18E+09", phone_quality=UNREADABLE))
    assert v.verdict == "review"
    assert outcomes(v)["phone"] == "warn"
    assert "lost digits in a spreadsheet (unreadable)" in v.finding("phone").detail
    assert v.evidence["phone_quality"] == UNREADABLE


def test_a_duplicate_matched_on_a_repaired_phone_goes_to_a_person(ev):
    lead = replace(LEAD, phone="2125550123.0", email=None)
    v = ev("duplicate_lead", "Same homeowner you sent last month", lead=lead, priors=[PRIOR])
    assert v.verdict == "review"
    assert outcomes(v)["duplicate"] == "warn"
    assert "matched on a phone read back from spreadsheet notation" in v.finding("duplicate").detail
    # the earlier delivery's phone was the repaired one
    v = ev("duplicate_lead", "Same homeowner you sent last month", lead=replace(LEAD, email=None),
           priors=[replace(PRIOR, phone_quality=REPAIRED)])
    assert v.verdict == "review"
    # the same email makes the match without the phone
    v = ev("duplicate_lead", "Same homeowner you sent last month", lead=replace(lead, email="pat@example.com"),
           priors=[replace(PRIOR, email="PAT@example.com")])
    assert (v.verdict, outcomes(v)["duplicate"]) == ("approve", "pass")


def test_an_unreadable_phone_matches_nothing():
    lead = replace(LEAD, phone="2.12E+09", email=None, phone_quality=UNREADABLE)
    assert find_duplicate(lead, [replace(PRIOR, phone_e164="+12120000000")]) is None
    repaired = replace(LEAD, phone="2125550123.0", email=None)
    assert find_duplicate(repaired, [PRIOR]) is PRIOR  # compared as the read-back E.164


def test_a_padded_zip_never_approves_out_of_service_area(ev):
    far = replace(LEAD, zip="02134")
    assert ev("out_of_service_area", "Too far for us", lead=far).verdict == "approve"
    for lead in (replace(far, zip_quality=REPAIRED), replace(far, zip="2134")):
        v = ev("out_of_service_area", "Too far for us", lead=lead)
        assert v.verdict == "review"
        assert outcomes(v)["service_area"] == "warn"
        detail = v.finding("service_area").detail
        assert detail.startswith("Zip 02134 is outside the service area")
        assert "zip 02134 was repaired on import" in detail
        assert v.evidence["zip_quality"] == REPAIRED
