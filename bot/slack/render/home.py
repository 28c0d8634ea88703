"""The App Home tab: "Refund Status" for contractors; for reviewers (and admins) the open
queue, oldest first, with its age against the SLA, who claimed each request, a Claim
button and a filter; for account managers the open exceptions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.slack.ids import BUTTON, HOME_ACTIONS_BLOCK, QUEUE_FILTER_BLOCK, Action, queue_block
from bot.slack.render.action_words import WORDS
from bot.slack.render.ages import age_words, plural
from bot.slack.render.blocks import actions, button, context, divider, header, option, section, static_select
from bot.slack.render.home_desk import decisions_blocks, overview_blocks
from bot.slack.render.text import (
    STATUS_EMOJI,
    escape,
    lead_ref,
    mention,
    request_ref,
    status_label,
    when,
)
from bot.slack.render.words import reason_label
from bot.usecases.desk_views import Decided, DeskOverview
from policy.lifecycle import POLICY_ACTOR, Status
from policy.lifecycle import Action as Step
from policy.terms import SLA_LIMIT_DAYS, SLA_REMINDER_DAYS, SLA_TARGET_DAYS, sla_range

MAX_BLOCKS = 100  # Slack's limit for a Home view
MAX_OWN_ROWS = 40
MAX_QUEUE_ROWS = 40
MAX_EXCEPTION_ROWS = 10


class QueueFilter(StrEnum):
    ALL = "all"
    MINE = "mine"
    UNCLAIMED = "unclaimed"
    OVERDUE = "overdue"


FILTER_LABEL = {
    QueueFilter.ALL: "All open requests",
    QueueFilter.MINE: "Claimed by me",
    QueueFilter.UNCLAIMED: "Unclaimed",
    QueueFilter.OVERDUE: f"Overdue (past {SLA_LIMIT_DAYS} business days)",
}


@dataclass
class HomeRow:
    request_id: int
    lead_id: str
    reason: str
    status: str
    requested_at: datetime
    decided_at: datetime | None
    requested_by: str
    client_name: str = ""
    age_business_days: float = 0.0
    claimed_by: str | None = None
    first_approval_by: str | None = None  # dual control: the first approval, waiting for a second


@dataclass
class HomeData:
    user_id: str
    client_names: list[str] = field(default_factory=list)
    my_requests: list[HomeRow] = field(default_factory=list)
    status_counts: dict[str, int] = field(default_factory=dict)
    total_requests: int = 0
    queue: list[HomeRow] | None = None  # reviewers and admins only
    queue_total: int = 0  # open requests matching the filter
    queue_filter: QueueFilter = QueueFilter.ALL
    exceptions: list[HomeRow] | None = None  # account managers and admins only
    decisions: list[Decided] | None = None  # staff who decide: their latest decisions
    overview: DeskOverview | None = None  # admins only


def sla_mark(age: float) -> str:
    if age >= SLA_LIMIT_DAYS:
        return f":red_circle: past the {SLA_LIMIT_DAYS}-day SLA"
    if age >= SLA_TARGET_DAYS:
        return f":large_orange_circle: inside the {sla_range()} day window"
    if age >= SLA_REMINDER_DAYS:
        return ":large_yellow_circle: reminder sent"
    return ":large_green_circle: on track"


def _own(data: HomeData, tz: ZoneInfo, limit: int) -> list[dict]:
    blocks: list[dict] = []
    if data.total_requests:
        summary = " · ".join(f"{status_label(s)}: {n}" for s, n in sorted(data.status_counts.items()) if n)
        blocks.append(section(f"*{plural(data.total_requests, 'request')}* — {summary}"))
        for row in data.my_requests[:limit]:
            decided = f" · decided {when(row.decided_at, tz)}" if row.decided_at else ""
            blocks.append(section(
                f"{STATUS_EMOJI.get(row.status, '')} *Lead {lead_ref(row.lead_id)}* — *{status_label(row.status)}*\n"
                f"{request_ref(row.request_id)} · {reason_label(row.reason)} · filed {when(row.requested_at, tz)}"
                f"{decided}"))
        shown = min(limit, len(data.my_requests))
        if data.total_requests > shown:
            blocks.append(context(f"Showing the latest {shown} of {data.total_requests}. "
                                  "`/credit-request status` lists them too."))
    elif data.queue is None and data.exceptions is None:
        blocks.append(section("You have no credit requests yet. Type `/credit-request` in your channel "
                              "to ask for credit on a lead."))
    return blocks


def _filter_select(current: QueueFilter) -> dict:
    options = [option(f.value, FILTER_LABEL[f]) for f in QueueFilter]
    select = static_select(Action.QUEUE_FILTER, options, initial=options[list(QueueFilter).index(current)],
                           placeholder="Show")
    return section("*Show:*", block_id=QUEUE_FILTER_BLOCK, accessory=select)


def _queue_row(row: HomeRow, viewer: str) -> dict:
    claimed = ""
    if row.claimed_by:
        claimed = " · :eyes: claimed by you" if row.claimed_by == viewer else f" · :eyes: claimed by {mention(row.claimed_by)}"
    if row.first_approval_by and row.status == Status.PENDING:
        first = ("the policy" if row.first_approval_by == POLICY_ACTOR else
                 "you" if row.first_approval_by == viewer else mention(row.first_approval_by))
        claimed += f" · :hourglass_flowing_sand: approved by {first}, waiting for a second approval"
    text = (f"*{request_ref(row.request_id)}* · lead {lead_ref(row.lead_id)} · {escape(row.client_name)}\n"
            f"{reason_label(row.reason)} · by {mention(row.requested_by)} · "
            f"{age_words(row.age_business_days)} — {sla_mark(row.age_business_days)}{claimed}")
    claim = None
    if row.claimed_by != viewer and row.requested_by != viewer:
        first, again = WORDS[Step.CLAIM].queue_button
        claim = button(again if row.claimed_by else first, BUTTON[Step.CLAIM], str(row.request_id))
    return section(text, block_id=queue_block(row.request_id), accessory=claim)


def _queue(data: HomeData, room: int) -> list[dict]:
    title = "Open queue" if data.queue_filter is QueueFilter.ALL else f"Open queue — {FILTER_LABEL[data.queue_filter]}"
    blocks = [divider(), header(f"{title} ({data.queue_total})"), _filter_select(data.queue_filter)]
    if not data.queue:
        blocks.append(section("Nothing waiting. :tada:" if data.queue_filter is QueueFilter.ALL
                              else "Nothing here."))
        return blocks
    rows = data.queue[:max(room - len(blocks) - 1, 1)]
    blocks += [_queue_row(row, data.user_id) for row in rows]
    if data.queue_total > len(rows):
        blocks.append(context(f"Oldest {len(rows)} of {data.queue_total} shown; decide from the reviewer channel."))
    return blocks


def _title(data: HomeData) -> str:
    if data.queue is not None and data.exceptions is not None:
        return "Desk overview"
    if data.queue is not None:
        return "Review queue"
    if data.exceptions is not None:
        return "Your clients' exceptions"
    return "Refund Status"


def render_home(data: HomeData, tz: ZoneInfo) -> dict:
    staff = data.queue is not None or data.exceptions is not None
    blocks: list[dict] = [header(_title(data))]
    if data.client_names:
        blocks.append(context("Requests for " + ", ".join(escape(n) for n in data.client_names)))
    if data.client_names or not staff:  # staff who speak for no client would dead-end in the modal
        blocks.append(actions(HOME_ACTIONS_BLOCK, button("New credit request", Action.OPEN_REQUEST_MODAL,
                                                     "home", "primary")))
    if staff and data.queue is not None and data.exceptions is not None:
        blocks.append(section(f"*{plural(data.queue_total, 'open request')}* in the queue · "
                              f"*{plural(len(data.exceptions), 'open exception')}*"))
    if data.overview is not None:
        blocks += overview_blocks(data.overview)
    blocks += _own(data, tz, 10 if staff else MAX_OWN_ROWS)
    if data.exceptions is not None:
        blocks.append(divider())
        blocks.append(header(f"Open exceptions ({len(data.exceptions)})"))
        if not data.exceptions:
            blocks.append(section("No open exceptions for your clients. When a contractor asks for an "
                                  "exception to a denial, it shows here and in the account-manager channel."))
        for row in data.exceptions[:MAX_EXCEPTION_ROWS]:
            blocks.append(section(f"*{request_ref(row.request_id)}* · lead {lead_ref(row.lead_id)} · "
                                  f"{escape(row.client_name)} · by {mention(row.requested_by)}"))
    tail = decisions_blocks(data.decisions, tz) if data.decisions is not None else []
    if data.queue is not None:
        blocks += _queue(data, MAX_BLOCKS - len(blocks) - len(tail))
    blocks += tail
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}
