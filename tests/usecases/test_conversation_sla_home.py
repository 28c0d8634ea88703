"""Questions and replies, the SLA clock, App Home filters and Refund Status, in process."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.usecases import outbox, sla
from bot.usecases.audit import Surface
from bot.usecases.conversation import contractor_replied, request_info
from bot.usecases.decisions import Actor, act
from bot.usecases.evidence import EvidenceFile
from bot.usecases.filing import Filing, file_requests
from bot.usecases.homes import choose_queue_filter
from bot.usecases.status import requests_of
from policy.lifecycle import Action
from storage.models import CreditRequest, HomePrefs, OutboxMessage, RequestMessage
from tests.usecases.conftest import delivered, owed, trail

REVIEWER = Actor("U0REV", Surface.VIEW)


def _filed(desk, lead="L-OK"):
    [req] = file_requests(desk, Filing("U0ROOF1", "C0ROOF", lead, "incorrect_contact", "Wrong person.")).requests
    return req


def _threaded(desk, req, channel="C0ROOF", ts="100.1"):
    with desk.transaction() as session:
        row = session.get(CreditRequest, req.id)
        row.contractor_channel_id, row.contractor_ts = channel, ts


def test_a_question_goes_to_the_contractor_and_the_clock_waits(desk, clock):
    req = _filed(desk)
    mark = delivered(desk)
    assert request_info(desk, req.id, REVIEWER, "  ").problems == {"question": "required"}
    assert request_info(desk, req.id, REVIEWER, "What name did they give?").ok
    rows = owed(desk, after=mark)
    assert sorted(k for k, _, _ in rows) == sorted([outbox.CONTRACTOR_REPLY, outbox.REVIEWER_REPLY,
                                                    outbox.REVIEWER_SYNC])
    replies = [p for k, _, p in rows if k != outbox.REVIEWER_SYNC]  # the question, in both threads
    assert replies[0] == replies[1] and "message_id" in replies[0]
    _threaded(desk, req)
    clock.now += timedelta(hours=2)
    assert contractor_replied(desk, event_id="Ev1", channel="C0ROOF", thread_ts="100.1", user="U0ROOF2",
                              text="He said Bob", ts="100.2")
    assert not contractor_replied(desk, event_id="Ev1", channel="C0ROOF", thread_ts="100.1", user="U0ROOF2",
                                  text="He said Bob", ts="100.2")  # Slack's retry
    with desk.read() as session:
        current = session.get(CreditRequest, req.id)
        replies = list(session.scalars(select(RequestMessage.text).where(RequestMessage.direction == "from_contractor")))
    assert current.info_requested_at is None and current.info_wait_seconds == 7200
    assert replies == ["He said Bob"]


def test_only_the_clients_people_are_mirrored(desk):
    req = _filed(desk)
    _threaded(desk, req)
    for user in ("U0SOLAR", "U0REV", "U0NOBODY"):
        assert not contractor_replied(desk, event_id=f"Ev-{user}", channel="C0ROOF", thread_ts="100.1", user=user,
                                      text="hi", ts="100.3")
    files = (EvidenceFile("F0LOG", "call-log.pdf"),)
    assert contractor_replied(desk, event_id="Ev-file", channel="C0ROOF", thread_ts="100.1", user="U0ROOF1",
                              text="", ts="100.4", files=files)
    assert ("evidence_added", "U0ROOF1", "pending", "pending") in trail(desk, req.id)


def test_sla_notices_go_once_each_at_3_5_and_7_business_days(desk):
    req = _filed(desk)
    start = req.requested_at
    assert sla.sweep(desk, start + timedelta(days=2)) == []
    kinds = [n.kind for n in sla.sweep(desk, start + timedelta(days=7, hours=1))]  # Wed → next Wed: 5 days
    assert kinds == ["reminder", "escalation"]
    assert [n.kind for n in sla.sweep(desk, start + timedelta(days=13))] == ["breach"]
    assert sla.sweep(desk, start + timedelta(days=20)) == []
    with desk.read() as session:
        payloads = [r.payload for r in session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == outbox.REVIEWER_REPLY))]
    assert [p["sla"] for p in payloads] == ["reminder", "escalation", "breach"]
    act(desk, req.id, Action.APPROVE, Actor("U0REV2", Surface.ACTION))
    assert sla.sweep(desk, start + timedelta(days=30)) == []


def test_queue_filter_is_remembered_and_published_at_once(desk):
    assert choose_queue_filter(desk, "U0REV", "overdue")
    assert not choose_queue_filter(desk, "U0REV", "everything")
    with desk.read() as session:
        assert session.get(HomePrefs, "U0REV").queue_filter == "overdue"
        [home] = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == outbox.HOME))
    assert home.payload == {"user": "U0REV"} and home.next_attempt_at == desk.now()


def test_refund_status_lists_the_clients_requests(desk):
    req = _filed(desk)
    colleague = requests_of(desk, "U0ROOF2", "C0ROOF")
    assert [(r.request_id, r.lead_id, r.status) for r in colleague.rows] == [(req.id, "L-OK", "pending")]
    assert requests_of(desk, "U0SOLAR", "C0SOLAR").rows == []
    assert not requests_of(desk, "U0STRANGER", None).linked
