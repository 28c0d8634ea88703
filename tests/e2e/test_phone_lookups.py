"""Carrier look-ups through the running server and the Twilio stand-in (SQLite and
PostgreSQL): a dead number is filed pending, told it is being checked, then credited after
its look-up with the carrier's answer on the reviewer card; every provider fault leaves the
request with a reviewer and an info finding while other filings go on."""

from __future__ import annotations

import time
import urllib.request
from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.config.phone_settings import PhoneLookupSettings
from bot.sandbox.carrier_standin import SID, TOKEN, CarrierStandin
from storage.models import CreditRequest, PhoneCheck
from tests.support.bot import REVIEW, RunningBot
from tests.support.flows import file_request, receipt, reviewer_post, thread_texts

DEAD = {"+12125550123": {"line_status": "inactive", "type": "mobile"}}


@pytest.fixture
def standin():
    s = CarrierStandin(DEAD, hang_seconds=4.0).start()
    yield s
    s.stop()


@pytest.fixture
def looking(seeded, standin):
    lookup = PhoneLookupSettings(provider="twilio", account_sid=SID, auth_token=TOKEN, url=standin.url,
                                 timeout=1.0)
    bot = RunningBot(replace(seeded, phone_lookup=lookup))
    yield bot
    bot.stop()


def _request(bot, lead_id) -> CreditRequest:
    with bot.desk.read() as session:
        return session.scalar(select(CreditRequest).where(CreditRequest.lead_id == lead_id))


def _until(check, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def _line(req):
    return next((f for f in req.findings or [] if f["check"] == "phone_line"), None)


def test_a_dead_number_is_credited_after_its_look_up(looking, fake_slack, standin):
    reply = file_request(looking, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK",
                         reason="invalid_number", details="Called three times, the line is dead.")
    assert reply.status == 200
    req = _until(lambda: (r := _request(looking, "L-OK")) and r.status == "approved" and r)
    assert req.auto_decided and _line(req)["outcome"] == "pass"
    assert standin.calls and standin.calls[0]["auth_ok"]
    parent = receipt(fake_slack, "C0ROOF", "L-OK")
    fake_slack.wait_for(lambda c: c.method == "chat.update" and c.params.get("ts") == parent["ts"]
                        and "Credited" in str(c.params.get("blocks")))
    fake_slack.wait_for(lambda c: c.method == "chat.postMessage" and c.params.get("thread_ts") == parent["ts"]
                        and "approved" in c.params.get("text", "").lower())
    assert any("approved" in t.lower() for t in thread_texts(fake_slack, "C0ROOF", parent["ts"]))
    post = reviewer_post(fake_slack, "L-OK")
    fake_slack.wait_for(lambda c: c.method == "chat.update" and c.params.get("ts") == post["ts"]
                        and "Twilio line status: inactive" in str(c.params.get("blocks")))
    looking.wait_idle()
    assert "Twilio line status: inactive" in str(fake_slack.message(REVIEW, post["ts"])["blocks"])
    with urllib.request.urlopen(looking.url + "/metrics", timeout=10) as resp:
        metrics = resp.read().decode()
    assert 'credit_bot_phone_lookups{kind="made"} 1.0' in metrics
    assert 'credit_bot_phone_lookups{kind="cache_hits"} 0.0' in metrics


@pytest.mark.parametrize("fault", ["garbage", "401", "429", "500", "hang", "redirect"])
def test_a_failing_provider_leaves_it_with_a_reviewer_and_nothing_else_waits(looking, fake_slack, standin, fault):
    standin.fail = fault
    file_request(looking, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-OK",
                 reason="invalid_number", details="Called three times, the line is dead.")
    # Meanwhile another filing goes through: acked, receipt posted, decided at filing.
    reply = file_request(looking, fake_slack, user="U0ROOF1", channel="C0ROOF", lead_id="L-BAD",
                         reason="invalid_number", details="Number is 123-456-7891, not a real number.")
    assert reply.status == 200
    receipt(fake_slack, "C0ROOF", "L-BAD")
    assert _until(lambda: _request(looking, "L-BAD").status == "approved")
    req = _until(lambda: (r := _request(looking, "L-OK")) and _line(r) and _line(r)["outcome"] == "info"
                 and "no answer" in _line(r)["detail"] and r)
    assert (req.status, req.verdict) == ("pending", "review")
    assert TOKEN not in _line(req)["detail"]
    with looking.desk.read() as session:
        row = session.scalar(select(PhoneCheck).where(PhoneCheck.request_id == req.id))
        assert row.status == "pending" and row.errors >= 1 and row.next_attempt_at is not None  # tried later
    post = reviewer_post(fake_slack, "L-OK")
    fake_slack.wait_for(lambda c: c.method == "chat.update" and c.params.get("ts") == post["ts"]
                        and "no answer" in str(c.params.get("blocks")))
