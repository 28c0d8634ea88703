"""The App Home tab: "Refund Status" for contractors, the open queue for staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.views import View

from bot.slack.ids import HOME_ACTIONS_BLOCK, Action
from bot.slack.render.blocks import actions, button, context, divider, header, section
from bot.slack.render.text import STATUS_EMOJI, escape, lead_ref, mention, request_ref, status_label, when
from bot.slack.render.words import reason_label
from policy.terms import SLA_LIMIT_DAYS, SLA_REMINDER_DAYS, SLA_TARGET_DAYS, sla_range

MAX_ROWS = 40  # Slack allows 100 blocks in a Home view


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


@dataclass
class HomeData:
    user_id: str
    client_names: list[str] = field(default_factory=list)
    my_requests: list[HomeRow] = field(default_factory=list)
    status_counts: dict[str, int] = field(default_factory=dict)
    total_requests: int = 0
    queue: list[HomeRow] | None = None  # staff only
    exceptions: list[HomeRow] | None = None  # account managers only


def sla_mark(age: float) -> str:
    if age >= SLA_LIMIT_DAYS:
        return f":red_circle: past the {SLA_LIMIT_DAYS}-day SLA"
    if age >= SLA_TARGET_DAYS:
        return f":large_orange_circle: inside the {sla_range()} day window"
    if age >= SLA_REMINDER_DAYS:
        return ":large_yellow_circle: reminder sent"
    return ":large_green_circle: on track"


def render_home(data: HomeData, tz: ZoneInfo) -> dict:
    blocks: list[dict] = [header("Refund Status")]
    if data.client_names:
        blocks.append(context("Requests for " + ", ".join(escape(n) for n in data.client_names)))
    blocks.append(actions(HOME_ACTIONS_BLOCK, button("New credit request", Action.OPEN_REQUEST_MODAL, "home",
                                                 "primary")))
    if data.total_requests:
        summary = " · ".join(f"{status_label(s)}: {n}" for s, n in sorted(data.status_counts.items()) if n)
        blocks.append(section(f"*{data.total_requests} request(s)* — {summary}"))
        for row in data.my_requests[:MAX_ROWS if data.queue is None else 20]:
            decided = f" · decided {when(row.decided_at, tz)}" if row.decided_at else ""
            blocks.append(section(
                f"{STATUS_EMOJI.get(row.status, '')} *Lead {lead_ref(row.lead_id)}* — *{status_label(row.status)}*\n"
                f"{request_ref(row.request_id)} · {reason_label(row.reason)} · filed {when(row.requested_at, tz)}"
                f"{decided}"))
        if data.total_requests > len(data.my_requests):
            blocks.append(context(f"Showing the latest {len(data.my_requests)} of {data.total_requests}."))
    elif data.queue is None:
        blocks.append(section("You have no credit requests yet. Type `/credit-request` in your channel "
                              "to ask for credit on a lead."))
    if data.queue is not None:
        blocks.append(divider())
        blocks.append(header(f"Open queue ({len(data.queue)})"))
        if not data.queue:
            blocks.append(section("Nothing waiting. :tada:"))
        for row in data.queue[:MAX_ROWS]:
            blocks.append(section(
                f"*{request_ref(row.request_id)}* · lead {lead_ref(row.lead_id)} · {escape(row.client_name)}\n"
                f"{reason_label(row.reason)} · by {mention(row.requested_by)} · "
                f"{row.age_business_days:.1f} business days old — {sla_mark(row.age_business_days)}"))
    if data.exceptions:
        blocks.append(divider())
        blocks.append(header(f"Open exceptions ({len(data.exceptions)})"))
        for row in data.exceptions[:20]:
            blocks.append(section(f"*{request_ref(row.request_id)}* · lead {lead_ref(row.lead_id)} · "
                                  f"{escape(row.client_name)} · by {mention(row.requested_by)}"))
    return View(type="home", blocks=blocks[:100]).to_dict()
