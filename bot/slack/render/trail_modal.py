"""A request's audit trail in a modal (the reviewer card's Trail button): the request, then
every event oldest first with its time, who, the status it moved and any note. Staff only."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.slack.render.action_words import words
from bot.slack.render.blocks import context, section
from bot.slack.render.modals import notice_modal
from bot.slack.render.text import clip, escape, lead_ref, mention, request_ref, status_label, when
from bot.slack.render.words import reason_with_code
from bot.usecases.trail import Trail

TITLE = "Trail"
MAX_SECTIONS = 90  # a modal holds 100 blocks
LINES_PER_SECTION = 10
MAX_NOTE = 200


def _what(action: str) -> str:
    said = words(action)
    if said is None:
        return escape(action.replace("_", " ").capitalize())
    return said.done_by.removesuffix(" by")


def event_line(e, tz: ZoneInfo) -> str:
    moved = ""
    if e.old_status or e.new_status:
        moved = f" · {status_label(e.old_status) if e.old_status else 'new'} → {status_label(e.new_status)}"
    note = f" — “{escape(clip(' '.join(e.note.split()), MAX_NOTE))}”" if e.note else ""
    return f"• {when(e.at, tz)} · *{_what(e.action)}* · {mention(e.actor)}{moved}{note}"


def trail_modal(trail: Trail, request_id: int, tz: ZoneInfo) -> dict:
    if not trail.allowed:
        return notice_modal(TITLE, "Only the desk's staff can see a request's trail.")
    req = trail.request
    if req is None:
        return notice_modal(TITLE, f"There is no request {request_ref(request_id)}.")
    lines = [event_line(e, tz) for e in trail.events]
    chunks = [lines[i:i + LINES_PER_SECTION] for i in range(0, len(lines), LINES_PER_SECTION)]
    left_out = 0
    if len(chunks) > MAX_SECTIONS:
        left_out = sum(len(c) for c in chunks[:-MAX_SECTIONS])
        chunks = chunks[-MAX_SECTIONS:]
    blocks = [section(f"*{request_ref(req.id)}* · lead {lead_ref(req.lead_id)} · {escape(req.client_id)}\n"
                      f"{reason_with_code(req.reason)} · *{status_label(req.status)}*")]
    if left_out:
        blocks.append(context(f"The oldest {left_out} events are left out; the latest follow."))
    blocks += [section(clip("\n".join(c), 3000)) for c in chunks]
    if not lines:
        blocks.append(context("No events yet."))
    return {"type": "modal", "title": {"type": "plain_text", "text": TITLE},
            "close": {"type": "plain_text", "text": "Close"}, "blocks": blocks}
