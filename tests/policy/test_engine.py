"""Engine structure, serialisation, deny paths and the reporting window."""

import json
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from policy.engine import (
    CHECK_ORDER,
    Check,
    Decision,
    Finding,
    Outcome,
    UnknownReason,
)
from policy.reasons import NON_CREDITABLE, Reason
from tests.policy.engine_facts import AREA, INSIDE, LAST_SECOND, LATE, LEAD, NY, PRIOR, RECEIVED, outcomes  # noqa: F401 - ev is a fixture

# ---- structure ---------------------------------------------------------------------


def test_one_finding_per_check_in_order(ev):
    v = ev("invalid_number")
    assert [f.check for f in v.findings] == [
        "window",
        "reason",
        "notes",
        "phone",
        "duplicate",
        "service_area",
        "details",
    ]
    assert tuple(f.check for f in v.findings) == CHECK_ORDER
    assert all(f.detail for f in v.findings)
    assert all(f.outcome in {"pass", "fail", "warn", "info"} for f in v.findings)


def test_window_detail_wording(ev):
    v = ev("invalid_number")
    assert v.finding(Check.WINDOW).detail == (
        "Reported Mon Jul 6 2026, 2:00 PM EDT, inside the window ending Thu Jul 9 2026, 11:59 PM EDT "
        "(inbound call: 5 business days)"
    )
    assert v.deadline.isoformat() == "2026-07-09T23:59:59-04:00"


def test_to_dict_shape_and_json(ev):
    d = ev("invalid_number").to_dict()
    assert set(d) == {"verdict", "deadline", "findings"}
    assert d["deadline"] == "2026-07-09T23:59:59-04:00"
    assert d["findings"][0] == {
        "check": "window",
        "outcome": "pass",
        "detail": "Reported Mon Jul 6 2026, 2:00 PM EDT, inside the window ending Thu Jul 9 2026, 11:59 PM EDT "
        "(inbound call: 5 business days)",
    }
    text = json.dumps(d)
    assert json.loads(text) == d


def test_to_dict_deny_reason_only_when_denied(ev):
    d = ev("did_not_win_job", "hired someone else").to_dict()
    assert d["verdict"] == "deny"
    assert d["deny_reason"] == "did_not_win_job"
    assert type(d["deny_reason"]) is str and type(d["verdict"]) is str
    assert "deny_reason" not in ev("incorrect_contact", "Wrong person answered").to_dict()


def test_finding_to_dict():
    assert Finding(Check.PHONE, Outcome.INFO, "x").to_dict() == {
        "check": "phone",
        "outcome": "info",
        "detail": "x",
    }


def test_evidence_keys(ev):
    v = ev("duplicate_lead", "Same person as L-100", priors=[PRIOR])
    assert v.evidence["phone_valid"] is True
    assert v.evidence["phone_e164"] == "+12125550123"
    assert v.evidence["duplicate_of"] == "L-100"
    assert v.evidence["distance_miles"] == pytest.approx(1.9, abs=0.05)
    assert v.evidence["area_outside"] is False
    assert v.evidence["wording_hints"] == []
    json.dumps(v.evidence)


def test_unknown_reason(ev):
    with pytest.raises(UnknownReason, match="bogus"):
        ev("bogus")
    assert issubclass(UnknownReason, ValueError)


def test_reason_code_is_case_insensitive(ev):
    v = ev(" Invalid_Number ", lead=replace(LEAD, phone="123-456-7891"))
    assert v.verdict == Decision.APPROVE


# ---- deny --------------------------------------------------------------------------


def test_deny_late_report(ev):
    v = ev("invalid_number", lead=replace(LEAD, phone="123-456-7891"), at=LATE)
    assert v.verdict == "deny"
    assert v.deny_reason is Reason.LATE_REPORT
    assert outcomes(v)["window"] == "fail"
    assert v.finding("window").detail.startswith(
        "Reported Fri Jul 10 2026, 12:00 AM EDT, after the window ended Thu Jul 9 2026"
    )


def test_last_second_is_inside(ev):
    v = ev("invalid_number", lead=replace(LEAD, phone="123-456-7891"), at=LAST_SECOND)
    assert v.verdict == "approve"


def test_late_wins_over_non_creditable_and_no_notes(ev):
    v = ev("unresponsive", "   ", at=LATE)
    assert v.deny_reason is Reason.LATE_REPORT
    o = outcomes(v)
    assert (o["window"], o["reason"], o["notes"]) == ("fail", "fail", "fail")


@pytest.mark.parametrize("code", [r.value for r in NON_CREDITABLE if r is not Reason.LATE_REPORT])
def test_deny_non_creditable_reason(ev, code):
    v = ev(code, "Some details")
    assert v.verdict == "deny"
    assert v.deny_reason == Reason(code)
    assert outcomes(v)["reason"] == "fail"
    assert "is not a creditable reason" in v.finding("reason").detail


def test_non_creditable_wins_over_no_notes(ev):
    v = ev("affordability", "")
    assert v.deny_reason is Reason.AFFORDABILITY


@pytest.mark.parametrize("details", ["", "   ", "\n\t"])
def test_deny_no_notes(ev, details):
    v = ev("invalid_number", details, lead=replace(LEAD, phone="123-456-7891"))
    assert v.verdict == "deny"
    assert v.deny_reason is Reason.NO_NOTES
    assert outcomes(v)["notes"] == "fail"
    assert outcomes(v)["details"] == "info"


# ---- time zones and other windows ---------------------------------------------------


def test_naive_times_are_policy_time(ev):
    lead = replace(LEAD, phone="123-456-7891", received_at=datetime(2026, 7, 1, 10, 0))
    assert ev("invalid_number", lead=lead, at=datetime(2026, 7, 9, 23, 59, 59)).verdict == "approve"
    v = ev("invalid_number", lead=lead, at=datetime(2026, 7, 10, 0, 0, 0))
    assert v.deny_reason is Reason.LATE_REPORT


def test_request_in_utc(ev):
    lead = replace(LEAD, phone="123-456-7891")
    at = datetime.fromisoformat("2026-07-10T03:59:59+00:00")
    assert ev("invalid_number", lead=lead, at=at).verdict == "approve"
    v = ev("invalid_number", lead=lead, at=at + timedelta(seconds=1))
    assert v.verdict == "deny"
    assert "Reported Fri Jul 10 2026, 12:00 AM EDT" in v.finding("window").detail


def test_standard_lead_window(ev):
    lead = replace(LEAD, lead_type="standard", phone="123-456-7891")
    v = ev("invalid_number", lead=lead, at=datetime(2026, 7, 9, 12, 0, tzinfo=NY))
    assert v.verdict == "approve"
    assert "(standard lead: 8 days)" in v.finding("window").detail
    assert v.to_dict()["deadline"] == "2026-07-09T23:59:59-04:00"


def test_unknown_lead_type_raises(ev):
    with pytest.raises(ValueError, match="lead type"):
        ev("invalid_number", lead=replace(LEAD, lead_type="carrier_pigeon"))


def test_priors_may_be_a_generator(ev):
    v = ev("duplicate_lead", "Same person", priors=(p for p in [PRIOR]))
    assert v.verdict == "approve"
