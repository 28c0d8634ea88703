"""Carrier look-ups in process: filed pending, looked up by the worker's round against the
Twilio stand-in, decided through the one lifecycle path; every fault leaves the request with
a reviewer and an info finding."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.carriers.lookup_worker import run_once
from bot.carriers.twilio_lookup import TwilioLookup
from bot.config.phone_settings import PhoneLookupSettings
from bot.sandbox.carrier_standin import SID, TOKEN, CarrierStandin
from bot.usecases import outbox, phone_checks
from bot.usecases.desk import Desk
from bot.usecases.filing import Filing, file_requests
from storage.models import CreditRequest, Lead, LedgerEntry, PhoneCheck
from tests.usecases.conftest import delivered, owed, trail

DEAD = {"+12125550123": {"line_status": "inactive", "type": "mobile"}}
LIVE = {"+12125550123": {"line_status": "active", "type": "mobile"}}


@pytest.fixture
def standin():
    s = CarrierStandin(DEAD, hang_seconds=3.0).start()
    yield s
    s.stop()


def _desk(desk, standin, **changes) -> Desk:
    lookup = PhoneLookupSettings(provider="twilio", account_sid=SID, auth_token=TOKEN, url=standin.url,
                                 timeout=0.5, monthly_limit=changes.pop("limit", 1000))
    return Desk(replace(desk.settings, phone_lookup=lookup, **changes), desk.db, clock=desk.clock)


@pytest.fixture
def lookups(desk, standin):
    d = _desk(desk, standin)
    yield d


def _file(desk, lead="L-OK", reason="invalid_number", details="Called three times: not in service."):
    [req] = file_requests(desk, Filing(user_id="U0ROOF1", channel_id="C0ROOF", lead_ids=lead, reason=reason,
                                       details=details)).requests
    return req


def _req(desk, rid) -> CreditRequest:
    with desk.read() as s:
        return s.get(CreditRequest, rid)


def _line(req):
    return next(f for f in req.findings if f["check"] == "phone_line")


def _round(desk) -> int:
    provider = TwilioLookup(desk.settings.phone_lookup, backoff=0.01)
    try:
        return run_once(desk, provider)
    finally:
        provider.close()


def test_a_dead_number_is_filed_pending_then_credited_after_its_look_up(lookups, standin):
    req = _file(lookups)
    assert (req.status, req.verdict) == ("pending", "review")
    assert "being checked" in _line(req)["detail"] and standin.calls == []  # nothing before the ack
    mark = delivered(lookups)
    assert _round(lookups) == 1
    req = _req(lookups, req.id)
    assert (req.status, req.auto_decided, req.decided_by) == ("approved", True, "auto")
    assert _line(req)["outcome"] == "pass" and _line(req)["detail"].startswith("Twilio line status: inactive (")
    assert standin.calls[0]["auth_ok"] and standin.calls[0]["fields"] == list(lookups.settings.phone_lookup.fields)
    assert [a for a, *_ in trail(lookups, req.id)] == ["filed", "phone_checked", "auto_approved"]
    kinds = [k for k, _, _ in owed(lookups, after=mark)]
    assert {outbox.CONTRACTOR_REPLY, outbox.RECEIPT_SYNC, outbox.REVIEWER_SYNC} <= set(kinds)
    with lookups.read() as s:
        assert len(s.scalars(select(LedgerEntry).where(LedgerEntry.request_id == req.id)).all()) == 1
    u = phone_checks.usage(lookups)
    assert (u.used, u.cache_hits, u.errors, u.pending) == (1, 0, 0, 0)


def test_a_live_number_is_evidence_against_and_denied_only_with_the_option(desk, standin):
    standin.numbers = dict(LIVE)
    plain = _desk(desk, standin)
    req = _file(plain)
    _round(plain)
    req = _req(plain, req.id)
    assert (req.status, _line(req)["outcome"]) == ("pending", "warn")
    assert "Twilio line status: active" in _line(req)["detail"]


def test_auto_deny_contradicted_denies_a_number_the_carrier_says_is_active(desk, standin):
    standin.numbers = dict(LIVE)
    strict = _desk(desk, standin, auto_deny_contradicted=True)
    req = _file(strict)
    _round(strict)
    req = _req(strict, req.id)
    assert (req.status, req.deny_reason, req.auto_decided) == ("denied", "contradicting_info", True)


@pytest.mark.parametrize("fault", ["garbage", "401", "429", "500", "hang", "redirect"])
def test_every_fault_leaves_it_with_a_reviewer_and_an_info_finding(lookups, standin, fault):
    standin.fail = fault
    req = _file(lookups)
    _round(lookups)
    req = _req(lookups, req.id)
    assert (req.status, req.verdict, _line(req)["outcome"]) == ("pending", "review", "info")
    assert "no answer" in _line(req)["detail"]
    assert TOKEN not in _line(req)["detail"] and SID not in _line(req)["detail"]
    with lookups.read() as s:
        row = s.scalar(select(PhoneCheck).where(PhoneCheck.request_id == req.id))
        assert (row.status, row.attempts, row.counted) == ("pending", 1, True)  # tried again later
    u = phone_checks.usage(lookups)
    assert (u.used, u.errors) == (1, 1)
    if fault == "redirect":
        assert len(standin.calls) == 1  # never followed


def _twin(desk, phone: str) -> None:
    """Lead L-TWIN: L-OK's twin (same client and day) with ``phone``."""
    with desk.transaction() as s:
        src = s.get(Lead, "L-OK")
        s.add(Lead(**{c.key: getattr(src, c.key) for c in Lead.__table__.columns} | {"lead_id": "L-TWIN",
                                                                                       "phone": phone}))


def test_a_second_claim_on_the_number_is_a_cache_hit(lookups, standin):
    _twin(lookups, "212-555-0123")
    _file(lookups)
    _round(lookups)
    req = _file(lookups, "L-TWIN")
    _round(lookups)
    assert len(standin.calls) == 1 and _req(lookups, req.id).status == "approved"
    u = phone_checks.usage(lookups)
    assert (u.used, u.cache_hits) == (1, 1)


def test_past_the_monthly_limit_no_look_up_is_made(desk, standin):
    tight = _desk(desk, standin, limit=1)
    _twin(tight, "973-555-0199")
    _file(tight)
    _round(tight)
    req = _file(tight, "L-TWIN")
    _round(tight)
    req = _req(tight, req.id)
    assert len(standin.calls) == 1 and req.status == "pending"
    assert "used up" in _line(req)["detail"] and _line(req)["outcome"] == "info"
    assert phone_checks.usage(tight).over_limit == 1


def test_claims_that_need_no_look_up_get_none(lookups, standin):
    req = _file(lookups, "L-BAD")  # 123-456-7891: invalid by format, approved at filing
    assert req.status == "approved" and not any(f["check"] == "phone_line" for f in req.findings)
    req = _file(lookups, "L-OLD", reason="duplicate_lead", details="We had this one before")
    assert _round(lookups) == 0 and standin.calls == []
