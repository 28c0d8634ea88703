"""Every carrier answer -> its finding and the verdict (SPEC "Phone intelligence")."""

from dataclasses import replace
from datetime import date

import pytest

from policy.carrier import Answered, CarrierAnswer, Effect, fields_needed, judge_answer
from policy.engine import RequestFacts, evaluate
from policy.reasons import Reason
from policy.service_area import parse_area
from tests.policy.engine_facts import AREA, INSIDE, LEAD, PRIOR

FIELDS = ("line_status", "line_type_intelligence", "caller_name")
DAY = date(2026, 12, 7)
BASE = CarrierAnswer("Twilio", FIELDS, DAY)
NOTES = "Called twice, the line is dead"


def _verdict(cal, reason, answer, *, deny=False, lead=LEAD, details=NOTES, area=AREA, priors=()):
    return evaluate(lead, RequestFacts(reason, details, INSIDE), calendar=cal, area=area, priors=priors,
                    carrier=answer, deny_contradicted=deny)


def _line(v):
    return v.finding("phone_line")


@pytest.mark.parametrize("status,outcome,verdict", [
    ("inactive", "pass", "approve"), ("INACTIVE", "pass", "approve"), ("Inactive ", "pass", "approve"),
    ("active", "warn", "review"), ("reachable", "warn", "review"),
    ("unreachable", "info", "review"), ("unknown", "info", "review"), ("ported", "info", "review"),
    (None, "info", "review"),
])
def test_invalid_number_line_status(cal, status, outcome, verdict):
    v = _verdict(cal, "invalid_number", replace(BASE, line_status=status))
    assert (_line(v).outcome, v.verdict) == (outcome, verdict)


def test_the_finding_cites_provider_answer_and_date(cal):
    v = _verdict(cal, "invalid_number", replace(BASE, line_status="inactive"))
    assert _line(v).detail.startswith("Twilio line status: inactive (2026-12-07)")
    assert v.evidence["phone_line"]["provider"] == "Twilio"


def test_basic_valid_false_approves(cal):
    assert _verdict(cal, "invalid_number", replace(BASE, fields=(), valid=False)).verdict == "approve"


@pytest.mark.parametrize("answered", [Answered.FAILED, Answered.OVER_LIMIT, Answered.PENDING])
def test_no_answer_never_decides(cal, answered):
    v = _verdict(cal, "invalid_number", replace(BASE, answered=answered, problem="timed out"), deny=True)
    assert (_line(v).outcome, v.verdict) == ("info", "review")


def test_repaired_phone_never_decides_on_the_carrier(cal):
    lead = replace(LEAD, phone_quality="repaired")
    v = _verdict(cal, "invalid_number", replace(BASE, line_status="inactive"), lead=lead)
    assert v.verdict == "review" and _line(v).outcome == "warn"
    v = _verdict(cal, "invalid_number", replace(BASE, line_status="active"), lead=lead, deny=True)
    assert v.verdict == "review"


def test_wording_flag_keeps_it_with_a_person(cal):
    v = _verdict(cal, "invalid_number", replace(BASE, line_status="inactive"), details="They hired someone else")
    assert v.verdict == "review"


@pytest.mark.parametrize("first,last,outcome,verdict", [
    ("no_match", "no_match", "pass", "approve"),
    ("exact_match", "exact_match", "warn", "review"),
    ("high_partial_match", "exact_match", "warn", "review"),
    ("no_match", "exact_match", "info", "review"),
    (None, None, "info", "review"),
])
def test_incorrect_contact_identity(cal, first, last, outcome, verdict):
    a = replace(BASE, fields=(*FIELDS, "identity_match"), first_name_match=first, last_name_match=last)
    v = _verdict(cal, "incorrect_contact", a, details="Spoke to the person, not the homeowner")
    assert (_line(v).outcome, v.verdict) == (outcome, verdict)


@pytest.mark.parametrize("kind,outcome", [("BUSINESS", "warn"), ("CONSUMER", "info"), (None, "info")])
def test_testing_solicitation_caller_type(cal, kind, outcome):
    v = _verdict(cal, "testing_solicitation", replace(BASE, caller_type=kind, caller_name="ACME SEO LLC"),
                 details="A marketing agency calling to sell us ads", deny=True)
    assert (_line(v).outcome, v.verdict) == (outcome, "review")
    if kind == "BUSINESS":
        assert "ACME SEO LLC" in _line(v).detail and judge_answer(Reason.TESTING_SOLICITATION,
                                                                    replace(BASE, caller_type=kind)).effect is Effect.SHOWN


def test_which_claims_need_a_look_up():
    with_id = (*FIELDS, "identity_match")
    assert fields_needed(Reason.INVALID_NUMBER, valid_by_format=True, configured=FIELDS) == FIELDS
    assert fields_needed(Reason.INVALID_NUMBER, valid_by_format=False, configured=FIELDS) == ()
    assert fields_needed(Reason.INCORRECT_CONTACT, valid_by_format=True, configured=FIELDS) == ()
    assert fields_needed(Reason.INCORRECT_CONTACT, valid_by_format=True, configured=with_id) == with_id
    assert fields_needed(Reason.TESTING_SOLICITATION, valid_by_format=True, configured=FIELDS) == FIELDS
    assert fields_needed(Reason.TESTING_SOLICITATION, valid_by_format=True, configured=("line_status",)) == ()
    assert fields_needed(Reason.DUPLICATE_LEAD, valid_by_format=True, configured=with_id) == ()


def test_auto_deny_contradicted(cal):
    active = replace(BASE, line_status="active")
    v = _verdict(cal, "invalid_number", active, deny=True)
    assert (v.verdict, str(v.deny_reason)) == ("deny", "contradicting_info")
    assert _verdict(cal, "invalid_number", active).verdict == "review"  # off by default
    assert _verdict(cal, "invalid_number", replace(BASE, line_status="reachable"), deny=True).verdict == "review"
    assert _verdict(cal, "invalid_number", replace(BASE, line_status="unknown"), deny=True).verdict == "review"
    inside = parse_area("", "", "07030", "25")
    v = _verdict(cal, "out_of_service_area", None, deny=True, area=inside, details="They live far away")
    assert (v.verdict, str(v.deny_reason)) == ("deny", "contradicting_info")
    repaired_zip = replace(LEAD, zip_quality="repaired")
    assert _verdict(cal, "out_of_service_area", None, deny=True, area=inside, lead=repaired_zip,
                    details="They live far away").verdict == "review"
    v = _verdict(cal, "duplicate_lead", None, deny=True, details="We got this one last week")
    assert (v.verdict, str(v.deny_reason)) == ("deny", "contradicting_info")
    assert _verdict(cal, "duplicate_lead", None, deny=True, details="We got this one last week",
                    priors=(PRIOR,)).verdict == "approve"
    assert _verdict(cal, "duplicate_lead", None, deny=True, details="Got it already, they hired someone else",
                    ).verdict == "review"  # wording flags never deny
