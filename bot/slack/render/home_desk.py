"""The parts of a staff home beside the queue: "Your recent decisions" (what, on which
request and lead, when) and, for admins, the desk at a glance (requests by status, the
oldest one still waiting)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.slack.render.action_words import words
from bot.slack.render.ages import age_words
from bot.slack.render.blocks import context, divider, header, section
from bot.slack.render.text import STATUS_EMOJI, lead_ref, request_ref, status_label, when
from bot.slack.render.words import reason_label
from bot.usecases.desk_views import Decided, DeskOverview
from policy.lifecycle import ALL_STATUSES

DECISIONS_BLOCKS = 3  # what the section takes of a home's 100 blocks


def decided_label(row: Decided) -> str:
    """'Approved', 'Denied — Contradicting information from the homeowner', 'Denial upheld'."""
    said = words(row.action)
    label = said.done_by.removesuffix(" by") if said else row.action
    if row.deny_reason:
        label += f" — {reason_label(row.deny_reason)}"
    return label


def decisions_blocks(rows: list[Decided], tz: ZoneInfo) -> list[dict]:
    blocks = [divider(), header("Your recent decisions")]
    if not rows:
        blocks.append(section("Nothing decided yet. The requests you approve, deny or reverse show here."))
        return blocks
    lines = [f"• *{request_ref(r.request_id)}* · lead {lead_ref(r.lead_id)} · {decided_label(r)} · {when(r.at, tz)}"
             for r in rows]
    blocks.append(section("\n".join(lines)))
    return blocks


def overview_blocks(overview: DeskOverview) -> list[dict]:
    counts = overview.status_counts
    line = " · ".join(f"{STATUS_EMOJI.get(s, '')} {status_label(s)}: *{counts.get(s.value, 0):,}*"
                      for s in ALL_STATUSES)
    blocks = [section(line)]
    if overview.oldest_pending_id is None:
        blocks.append(context("Nothing is waiting for a reviewer."))
    else:
        blocks.append(context(f"Oldest pending: *{request_ref(overview.oldest_pending_id)}*, "
                              f"{age_words(overview.oldest_pending_age or 0.0)}"))
    return blocks
