"""Engine verdicts driven by evidence: phone validity, duplicates, service area, wording."""

from dataclasses import replace
from datetime import timedelta

import pytest

from policy.service_area import ServiceArea
from tests.policy.engine_facts import AREA, INSIDE, LAST_SECOND, LATE, LEAD, NY, PRIOR, RECEIVED, outcomes  # noqa: F401 - ev is a fixture

# ---- invalid_number ----------------------------------------------------------------


@pytest.mark.parametrize("phone", ["123-456-7891", "555-555-5555", None, "", "n/a"])
def test_approve_invalid_number(ev, phone):
    v = ev("invalid_number", lead=replace(LEAD, phone=phone))
    assert v.verdict == "approve"
    assert v.deny_reason is None
    assert outcomes(v)["phone"] == "pass"
    assert v.evidence["phone_valid"] is False


def test_invalid_number_detail(ev):
    v = ev("invalid_number", lead=replace(LEAD, phone="123-456-7891"))
    assert v.finding("phone").detail.startswith("123-456-7891 is not a valid phone number")
    v = ev("invalid_number", lead=replace(LEAD, phone=None))
    assert v.finding("phone").detail == "The lead has no phone number"


def test_review_invalid_number_with_valid_phone(ev):
    v = ev("invalid_number")
    assert v.verdict == "review"
    assert outcomes(v)["phone"] == "warn"
    detail = v.finding("phone").detail
    assert detail.startswith("(212) 555-0123 is a valid US number (fixed line or mobile)")
    assert "may still be disconnected" in detail and "dial" in detail


def test_phone_is_info_for_other_claims(ev):
    v = ev("incorrect_contact", "Number belongs to someone else")
    assert outcomes(v)["phone"] == "info"
    assert v.finding("phone").detail == "(212) 555-0123 is a valid US number (fixed line or mobile)"


# ---- duplicate_lead ----------------------------------------------------------------


def test_approve_duplicate(ev):
    v = ev("duplicate_lead", "Same homeowner you sent last month", priors=[PRIOR])
    assert v.verdict == "approve"
    assert outcomes(v)["duplicate"] == "pass"
    assert (
        v.finding("duplicate").detail == "Same contact delivered as lead L-100 on 2026-06-19 (12 days before)"
    )


def test_review_duplicate_without_prior(ev):
    other_category = replace(PRIOR, category="Plumbing")
    too_old = replace(PRIOR, received_at=RECEIVED - timedelta(days=31))
    v = ev("duplicate_lead", "Same homeowner you sent last month", priors=[other_category, too_old])
    assert v.verdict == "review"
    assert outcomes(v)["duplicate"] == "warn"
    assert v.evidence["duplicate_of"] is None
    assert "No earlier delivery" in v.finding("duplicate").detail


def test_duplicate_is_info_for_other_claims(ev):
    v = ev(
        "invalid_number",
        lead=replace(LEAD, phone="123-456-7891", email="pat@example.com"),
        priors=[replace(PRIOR, phone_e164=None, email="PAT@example.com")],
    )
    assert outcomes(v)["duplicate"] == "info"
    assert v.evidence["duplicate_of"] == "L-100"


# ---- out_of_service_area -----------------------------------------------------------


def test_approve_out_of_area(ev):
    v = ev("out_of_service_area", "Property is in Beverly Hills", lead=replace(LEAD, zip="90210"))
    assert v.verdict == "approve"
    assert outcomes(v)["service_area"] == "pass"
    assert v.evidence["area_outside"] is True
    assert v.evidence["distance_miles"] == pytest.approx(2453.3, abs=1)


def test_review_out_of_area_when_inside(ev):
    v = ev("out_of_service_area", "Too far for us")
    assert v.verdict == "review"
    assert outcomes(v)["service_area"] == "warn"
    assert (
        v.finding("service_area").detail == "Zip 07030 is 1.9 mi from base zip 10001, inside the 25 mi radius"
    )


@pytest.mark.parametrize(
    ("zip_code", "area"),
    [("90210", ServiceArea()), ("99999", AREA), (None, AREA)],
)
def test_review_out_of_area_when_undecidable(ev, zip_code, area):
    v = ev("out_of_service_area", "Too far for us", lead=replace(LEAD, zip=zip_code), area=area)
    assert v.verdict == "review"
    assert outcomes(v)["service_area"] == "warn"
    assert v.evidence["area_outside"] is None


# ---- always review -----------------------------------------------------------------


@pytest.mark.parametrize("code", ["incorrect_contact", "testing_solicitation"])
def test_always_review_without_offline_evidence(ev, code):
    lead = replace(LEAD, phone="123-456-7891", zip="90210")
    v = ev(code, "A solar company soliciting us", lead=lead, priors=[PRIOR])
    assert v.verdict == "review"
    assert v.deny_reason is None
    o = outcomes(v)
    assert (o["window"], o["reason"], o["notes"], o["details"]) == ("pass", "pass", "pass", "pass")
    assert (o["phone"], o["duplicate"], o["service_area"]) == ("info", "info", "info")


# ---- wording -----------------------------------------------------------------------


def test_wording_hint_blocks_auto_approve(ev):
    v = ev("invalid_number", "Left 3 voicemails, no answer", lead=replace(LEAD, phone="123-456-7891"))
    assert v.verdict == "review"
    assert outcomes(v)["details"] == "warn"
    assert outcomes(v)["phone"] == "pass"
    assert v.finding("details").detail == (
        "Details read like a non-creditable reason: Homeowner unresponsive (rule: voicemail, no answer): "
        '"Left 3 voicemails, no answer". Such wording is never auto-approved'
    )
    assert v.evidence["wording_hints"] == ["unresponsive"]
    assert v.evidence["wording_phrases"] == ["Left 3 voicemails"]
    assert v.evidence["wording_rules"] == ["voicemail, no answer"]


def test_wording_hints_listed_in_order(ev):
    v = ev("duplicate_lead", "They hired someone else and are not ready anyway", priors=[PRIOR])
    assert v.verdict == "review"
    assert v.evidence["wording_hints"] == ["did_not_win_job", "not_ready"]
    assert v.finding("details").detail == (
        "Details read like a non-creditable reason: "
        "Did not win the job (rule: hired another company) and Homeowner not ready to start (rule: not ready): "
        '"They hired someone else and are not ready anyway". Such wording is never auto-approved'
    )


def test_wording_on_a_real_duplicate_keeps_it_from_auto_approval(ev):
    # the prior delivery alone would approve it; the details say the homeowner was already a customer
    assert ev("duplicate_lead", "Same homeowner as the lead you sent on 7/1", priors=[PRIOR]).verdict == "approve"
    v = ev("duplicate_lead", "We already had him in our system from a job two years ago", priors=[PRIOR])
    assert v.verdict == "review"
    assert v.evidence["wording_hints"] == ["already_in_crm"]
    assert (
        'Already in your CRM (rule: already in our records): "We already had him in our system from a job two years ago"'
        in v.finding("details").detail
    )


def test_clean_wording_passes(ev):
    v = ev("invalid_number", "The number is disconnected", lead=replace(LEAD, phone="123-456-7891"))
    assert outcomes(v)["details"] == "pass"
