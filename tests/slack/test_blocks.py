"""The plain-dict Block Kit the bot renders passes slack_sdk's own model validation (Slack's
published limits), on long, hostile content."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.slack.render import cards, contractor
from bot.slack.render.home import HomeData, HomeRow, QueueFilter, render_home
from bot.usecases.audit import Surface
from bot.usecases.cases import load_case
from bot.usecases.decisions import Actor, act
from bot.usecases.filing import Filing, file_requests
from policy.lifecycle import Action


def _valid(blocks: list[dict]) -> None:
    assert len(blocks) <= 50
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block
        parsed.validate_json()


def test_cards_and_threads_are_valid_block_kit(desk, clock):
    long = "x" * 2999
    [req] = file_requests(desk, Filing("U0ROOF1", "C0ROOF", "L-OK", "incorrect_contact", long)).requests
    clock.now += timedelta(minutes=1)
    act(desk, req.id, Action.DENY, Actor("U0REV", Surface.VIEW), deny_reason="contradicting_info", note=long)
    act(desk, req.id, Action.REQUEST_EXCEPTION, Actor("U0ROOF1", Surface.VIEW), note=long)
    with desk.read() as session:
        case = load_case(session, req.id, calendar=desk.calendar, at=desk.now())
    for _, blocks in (cards.reviewer_card(case, desk.tz), cards.exception_card(case, desk.tz),
                      contractor.receipt(case, desk.tz), contractor.check_results(case, desk.tz),
                      *(contractor.status_reply(case, s, desk.tz) for s in case.steps
                        if s.action in ("deny", "request_exception"))):
        _valid(blocks)


def test_a_full_app_home_is_a_valid_view(desk):
    rows = [HomeRow(i, f"L-{i}" * 10, "invalid_number", "pending", desk.now(), None, "U0ROOF1", "Client " * 30,
                    8.5, "U0REV" if i % 2 else None) for i in range(60)]
    view = render_home(HomeData(user_id="U0REV", client_names=["A"], my_requests=rows[:40], total_requests=99,
                                status_counts={"pending": 99}, queue=rows, queue_total=500,
                                queue_filter=QueueFilter.OVERDUE, exceptions=rows[:10]), desk.tz)
    assert len(view["blocks"]) <= 100
    View(**view).validate_json()
    for block in view["blocks"]:
        Block.parse(block).validate_json()
