"""Staff homes beside the queue, after real use cases: a reviewer's (and an account
manager's) recent decisions, newest first, and the admin's desk at a glance."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.slack.render.home_desk import DECISIONS_BLOCKS
from bot.slack.snapshots import home_view
from bot.usecases.audit import Surface
from bot.usecases.decisions import Actor, act
from bot.usecases.desk_views import RECENT_DECISIONS, recent_decisions
from bot.usecases.filing import Filing, file_requests
from policy.lifecycle import Action


def _home(desk, user: str) -> tuple[str, dict]:
    with desk.read() as session:
        view = home_view(session, desk, user)
    return json.dumps(view, ensure_ascii=False), view


def _file(desk, clock, lead: str, user: str = "U0ROOF1", channel: str = "C0ROOF"):
    clock.now += timedelta(minutes=1)
    [req] = file_requests(desk, Filing(user, channel, lead, "incorrect_contact", "Wrong person.")).requests
    return req


def _decided_desk(desk, clock):
    approved, denied = _file(desk, clock, "L-OK"), _file(desk, clock, "L-BAD")
    clock.now += timedelta(hours=1)
    act(desk, approved.id, Action.APPROVE, Actor("U0REV", Surface.ACTION))
    clock.now += timedelta(hours=1)
    act(desk, denied.id, Action.DENY, Actor("U0REV", Surface.VIEW), deny_reason="contradicting_info", note="No.")
    clock.now += timedelta(minutes=5)
    act(desk, denied.id, Action.REQUEST_EXCEPTION, Actor("U0ROOF1", Surface.VIEW), note="Please.")
    clock.now += timedelta(minutes=5)
    act(desk, denied.id, Action.UPHOLD_DENIAL, Actor("U0AM", Surface.VIEW), note="Stands.")
    return approved, denied


def test_reviewer_home_lists_their_decisions_newest_first(desk, clock):
    approved, denied = _decided_desk(desk, clock)
    text, view = _home(desk, "U0REV")
    assert "Your recent decisions" in text
    section = next(b for b in view["blocks"] if "Denied — " in json.dumps(b, ensure_ascii=False))["text"]["text"]
    lines = section.splitlines()
    assert lines[0].startswith(f"• *CR-{denied.id}* · lead L-BAD · Denied — Contradicting information")
    assert lines[1].startswith(f"• *CR-{approved.id}* · lead L-OK · Approved · ")
    assert "PM EDT" in lines[0] or "AM EDT" in lines[0]
    assert "contradicting_info" not in section  # the label, not the code
    assert "Denial upheld" not in section  # the account manager's decision, not theirs


def test_account_manager_home_lists_their_decisions_too(desk, clock):
    _, denied = _decided_desk(desk, clock)
    text, _ = _home(desk, "U0AM")
    assert "Your recent decisions" in text and f"CR-{denied.id}* · lead L-BAD · Denial upheld" in text


def test_a_reviewer_with_no_decisions_is_told_so_and_contractors_see_no_such_section(desk, clock):
    _file(desk, clock, "L-OK")
    assert "Nothing decided yet." in _home(desk, "U0REV2")[0]
    assert "Your recent decisions" not in _home(desk, "U0ROOF1")[0]


def test_only_the_latest_decisions_are_kept_newest_first(desk, clock):
    first, second = _file(desk, clock, "L-OK"), _file(desk, clock, "L-BAD")
    for request_id, step in ((first.id, Action.APPROVE), (first.id, Action.REVERSE), (second.id, Action.APPROVE)):
        clock.now += timedelta(minutes=1)
        act(desk, request_id, step, Actor("U0REV", Surface.ACTION), note="Contradicted.")
    with desk.read() as session:
        latest = recent_decisions(session, "U0REV", limit=2)
        assert len(recent_decisions(session, "U0REV")) == 3 <= RECENT_DECISIONS
    assert [(d.request_id, d.action) for d in latest] == [(second.id, "approve"), (first.id, "reverse")]


def test_admin_home_has_the_desk_at_a_glance(desk, clock):
    _decided_desk(desk, clock)
    clock.now += timedelta(hours=2)
    waiting = _file(desk, clock, "L-SOLAR", "U0SOLAR", "C0SOLAR")
    clock.now += timedelta(days=2)  # Wednesday 11:00 + 2 days: Friday
    text, view = _home(desk, "U0ADMIN")
    assert "Desk overview" in text
    assert "Pending review: *1*" in text and "Credited: *1*" in text and "Denied: *1*" in text
    assert f"Oldest pending: *CR-{waiting.id}*, 2.0 business days old" in text
    assert len(view["blocks"]) <= 100


def test_a_full_queue_leaves_room_for_the_decisions(desk, clock):
    from bot.slack.render.home import HomeData, HomeRow, render_home
    from bot.usecases.desk_views import Decided

    now = clock.now
    rows = [HomeRow(i, f"L-{i}", "incorrect_contact", "pending", now, None, "U0ROOF1") for i in range(1, 41)]
    data = HomeData(user_id="U0REV", queue=rows * 3, queue_total=120,
                    decisions=[Decided(7, "L-7", "approve", now)])
    view = render_home(data, desk.tz)
    assert len(view["blocks"]) <= 100
    assert view["blocks"][-DECISIONS_BLOCKS]["type"] == "divider"
    assert "Your recent decisions" in json.dumps(view["blocks"][-2:])
